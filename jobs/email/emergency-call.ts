// Tells an account's admins that an emergency number was dialed from one of its phones: who, which number,
// when, and the callback number the emergency service received. One mail to all of them, so a retry sends it
// again as a whole rather than to some twice.
import type { Database } from '../../db/connection';
import { findAccountRecord } from '../../db/repositories/accounts';
import { findAccountAdmins } from '../../db/repositories/outbound';
import { findUser } from '../../db/repositories/users';
import type { JobPayload } from '../../core/job-queue';
import type { Mailer } from './mailer';

export async function sendEmergencyCallNotice(deps: { db: Database; mailer: Mailer }, call: JobPayload<'email.emergency-call'>): Promise<{ sent: number }> {
  const account = await findAccountRecord(deps.db, call.accountId);
  const admins = await findAccountAdmins(deps.db, call.accountId);
  if (!account || admins.length === 0) return { sent: 0 };
  const caller = call.userId === null ? undefined : await findUser(deps.db, call.userId);
  const who = caller ? `${caller.fullName} (${caller.username})` : 'a phone with no user';
  await deps.mailer.send({
    to: admins.map((admin) => admin.email).join(', '),
    subject: `Emergency call placed from ${account.name}: ${call.number}`,
    text: [
      `An emergency call to ${call.number} was placed from ${account.name}.`,
      '',
      `Caller: ${who}, on device "${call.device}"`,
      `Placed at: ${call.placedAt} (UTC)`,
      `Callback number sent: ${account.callbackNumber ?? 'none set (the account has no callback number)'}`,
      `Call id: ${call.callId}`,
      '',
      'You receive this because you administer this phone system.',
      '',
    ].join('\n'),
  });
  return { sent: admins.length };
}
