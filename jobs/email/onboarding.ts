// Welcomes a provisioned user: where to log in and with which username. Never the password: that was shown
// once to the admin who provisioned them.
import type { Database } from '../../db/connection';
import type { Mailer } from './mailer';

export async function sendOnboarding(deps: { db: Database; mailer: Mailer; publicUrl: string }, userId: number, accountId: number): Promise<{ sent: boolean }> {
  const row = await deps.db('users as u').join('accounts as a', 'a.id', deps.db.raw('?', [accountId])).where('u.id', userId).first('u.email', 'u.full_name', 'u.username', 'a.name as account_name');
  if (!row) return { sent: false };
  await deps.mailer.send({
    to: row.email,
    subject: `Your ${row.account_name} phone system account`,
    text: [
      `Hello ${row.full_name},`,
      '',
      `An account was created for you in ${row.account_name}. Your username is ${row.username};`,
      'your administrator gives you your first password. Log in at:',
      '',
      `${deps.publicUrl}/v1/auth/login`,
      '',
    ].join('\n'),
  });
  return { sent: true };
}
