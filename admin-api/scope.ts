// Who is acting, and where: what every service method receives instead of an HTTP request. The route table
// builds a scope from the request (token, :accountId, membership); the CLI, the bootstrap and tests build one
// directly. Services see no Express type and no HTTP detail beyond the request id their audit rows carry.
import type { Logger } from '../core/logger';
import type { Queryable } from '../db/connection';
import type { AuditEntry } from '../db/repositories/audit';
import type { EffectiveMembership } from '../db/repositories/memberships';
import type { UserRecord } from '../db/repositories/users';

export interface Actor {
  user: UserRecord;
  tokenId: number;
  tokenKind: 'session' | 'api_key';
}

/** An audit row as a service describes it; who, when and which request are filled in by the scope. */
export type AuditInput = Omit<AuditEntry, 'actorUserId' | 'requestId' | 'accountId'> & {
  /** null: no account (a user's own credentials); omitted: the scope's account. */
  accountId?: number | null;
};

/** Writes an audit row inside the caller's transaction. */
export type AuditWriter = (db: Queryable, entry: AuditInput) => Promise<void>;

/** Anyone, signed in or not (login, invitation links). */
export interface PublicScope {
  requestId: string;
  /** The client's address as the proxy configuration lets us know it (throttles key on it). */
  ip: string;
  log: Logger;
  audit: AuditWriter;
}

/** A signed-in user acting for themselves (/v1/me/...). */
export interface UserScope extends PublicScope {
  actor: Actor;
}

/** A signed-in user acting in one account, with their effective membership there. */
export interface AccountScope extends UserScope {
  accountId: number;
  membership: EffectiveMembership;
}
