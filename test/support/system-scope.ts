// Scopes for tests that set up fixtures through the services themselves, as a command-line tool would: no one
// signs in, so the scope's actor is a stand-in (user id 0, never a row) and its audit rows name no actor. The
// services take a scope like any route's; nothing in them knows it is a test.
import { ALL_PERMISSIONS } from '../../core/access';
import { createLogger } from '../../core/logger';
import { insertAudit } from '../../db/repositories/audit';
import type { AccountScope, PublicScope } from '../../admin-api/scope';

const log = createLogger('test-fixture', process.env.TEST_LOG_LEVEL ?? 'error');

/** Acting in no account: audit rows carry no actor and the fixture's request id. */
export function systemScope(requestId = 'test-fixture'): PublicScope {
  return {
    requestId,
    ip: '127.0.0.1',
    log,
    async audit(db, entry) {
      await insertAudit(db, { ...entry, accountId: entry.accountId ?? null, actorUserId: null, requestId });
    },
  };
}

/** Acting in one account with every permission; audit rows name the account, as a route's would. */
export function systemAccountScope(accountId: number, requestId = 'test-fixture'): AccountScope {
  const base = systemScope(requestId);
  return {
    ...base,
    accountId,
    async audit(db, entry) {
      await base.audit(db, { ...entry, accountId: entry.accountId === undefined ? accountId : entry.accountId });
    },
    actor: {
      user: { id: 0, username: 'system', fullName: 'Test fixture', email: 'fixture@example.test', status: 'active', phoneMode: 'sip', language: 'en', theme: 'light', timezone: 'UTC' },
      tokenId: 0,
      tokenKind: 'session',
    },
    membership: {
      id: 0, userId: 0, accountId, roleId: null, roleName: 'Test fixture', rank: 0, permissions: [...ALL_PERMISSIONS], reachesDescendants: false, status: 'active', inherited: false,
    },
  };
}
