// Scopes for work no one signs in for: command-line tools (trunks:apply, the benchmarks) and test fixtures that
// set things up through the services themselves. Services take these like any route's scope and cannot tell the
// difference; the audit rows they write name no actor and carry the command's name as their request id.
import { ALL_PERMISSIONS } from '../core/access';
import type { Logger } from '../core/logger';
import { insertAudit } from '../db/repositories/audit';
import type { AccountScope, PublicScope } from './scope';

/** The stand-in actor of a command: user id 0 is never a row, and audit rows get no actor from it. */
const SYSTEM_ACTOR: AccountScope['actor'] = {
  user: { id: 0, username: 'system', fullName: 'System', email: 'system@localhost', status: 'active', phoneMode: 'sip', language: 'en', theme: 'light', timezone: 'UTC' },
  tokenId: 0,
  tokenKind: 'session',
};

/** Acting in no account: audit rows have no account unless the entry names one. */
export function systemScope(command: string, log: Logger): PublicScope {
  return {
    requestId: command,
    ip: 'local',
    log,
    async audit(db, entry) {
      await insertAudit(db, { ...entry, accountId: entry.accountId ?? null, actorUserId: null, requestId: command });
    },
  };
}

/** Acting in one account with every permission there; audit rows name the account, as a route's would. */
export function systemAccountScope(accountId: number, command: string, log: Logger): AccountScope {
  const base = systemScope(command, log);
  return {
    ...base,
    accountId,
    async audit(db, entry) {
      await base.audit(db, { ...entry, accountId: entry.accountId === undefined ? accountId : entry.accountId });
    },
    actor: SYSTEM_ACTOR,
    membership: {
      id: 0, userId: 0, accountId, roleId: null, roleName: 'System', rank: 0, permissions: [...ALL_PERMISSIONS], reachesDescendants: false, status: 'active', inherited: false,
    },
  };
}
