// What the route table asks before any scope exists: whose token this is, their membership in the route's
// account, and whether they are a platform operator. Tokens and memberships are cached (access-cache.ts, with
// its invalidation); the operator flag is read every time.
import type { Database } from '../../db/connection';
import { effectiveMembership, type EffectiveMembership } from '../../db/repositories/memberships';
import { isPlatformOperator } from '../../db/repositories/platform-operators';
import { findTokenUser } from '../../db/repositories/tokens';
import { hashToken } from '../../core/secrets';
import type { AccessResolver } from '../http/routes';
import type { Actor } from '../scope';
import type { AccessCache } from './access-cache';

export class TokenAccessResolver implements AccessResolver {
  constructor(private readonly db: Database, private readonly cache: AccessCache) {}

  async authenticate(token: string): Promise<Actor | undefined> {
    const hash = hashToken(token);
    const cached = this.cache.actor(hash);
    if (cached) return cached;
    const found = await findTokenUser(this.db, hash);
    if (!found || found.user.status !== 'active') return undefined;
    const actor: Actor = { user: found.user, tokenId: found.tokenId, tokenKind: found.kind };
    this.cache.rememberActor(hash, actor);
    return actor;
  }

  async membership(userId: number, accountId: number): Promise<EffectiveMembership | undefined> {
    const cached = this.cache.membership(userId, accountId);
    if (cached) return cached;
    const membership = await effectiveMembership(this.db, userId, accountId);
    if (membership) this.cache.rememberMembership(userId, accountId, membership);
    return membership;
  }

  /** Read from the database every time: operator routes are rare, and a revocation applies at once. */
  platformOperator(userId: number): Promise<boolean> {
    return isPlatformOperator(this.db, userId);
  }
}
