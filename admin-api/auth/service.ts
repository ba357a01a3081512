// Login, logout and API keys. Every failure of a login looks the same to the caller (no hint whether the
// username exists); a deactivated user is told so only after proving the password.
import type { Config } from '../../core/config';
import type { Database } from '../../db/connection';
import { effectiveMembership } from '../../db/repositories/memberships';
import { findTokenUser, insertToken, listApiKeys, revokeToken } from '../../db/repositories/tokens';
import { findUserCredentials, type UserRecord } from '../../db/repositories/users';
import { createError } from '../http/errors';
import type { AccessResolver, Actor, RequestContext } from '../http/routes';
import type { AccessCache } from './access-cache';
import { verifyPassword } from './passwords';
import type { LoginThrottle } from './throttle';
import { hashToken, newToken } from '../../core/secrets';

const SESSION_HOURS = 12;

export class AuthService implements AccessResolver {
  constructor(
    private readonly db: Database,
    private readonly throttle: LoginThrottle,
    private readonly cache: AccessCache,
    private readonly config: Pick<Config, 'passwordPolicy'>,
  ) {}

  async login(username: string, password: string, address: string): Promise<{ token: string; expiresAt: string; user: UserRecord }> {
    await this.throttle.assertAllowed(username, address);
    const found = await findUserCredentials(this.db, username);
    const valid = await verifyPassword(found?.passwordHash ?? null, password);
    if (!found || !valid) {
      await this.throttle.recordFailure(username, address);
      throw createError('INVALID_CREDENTIALS', 401, 'The username or the password is wrong.');
    }
    if (found.user.status !== 'active') {
      throw createError('USER_NOT_ACTIVE', 403, found.user.status === 'deactivated' ? 'This user is deactivated.' : 'Accept your invitation first.');
    }
    await this.throttle.recordSuccess(username, address);
    const { token, hash } = newToken('session');
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await insertToken(this.db, { userId: found.user.id, kind: 'session', tokenHash: hash, expiresAt });
    return { token, expiresAt: expiresAt.toISOString(), user: found.user };
  }

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

  async membership(userId: number, accountId: number) {
    const cached = this.cache.membership(userId, accountId);
    if (cached) return cached;
    const membership = await effectiveMembership(this.db, userId, accountId);
    if (membership) this.cache.rememberMembership(userId, accountId, membership);
    return membership;
  }

  async logout(actor: Actor): Promise<void> {
    await revokeToken(this.db, { id: actor.tokenId });
    await this.cache.userAccessChanged([actor.user.id]);
  }

  async createApiKey(actor: Actor, name: string): Promise<{ id: number; name: string; key: string }> {
    const { token, hash } = newToken('api_key');
    const id = await insertToken(this.db, { userId: actor.user.id, kind: 'api_key', name, tokenHash: hash, expiresAt: null });
    return { id, name, key: token };
  }

  /** Credentials are writes too: recorded in the audit log, under no account (they are the user's own). */
  async audit(ctx: RequestContext, entry: { action: string; entityId: number; after?: unknown }): Promise<void> {
    await ctx.audit(this.db, { accountId: null, entity: 'api_key', ...entry });
  }

  listApiKeys(actor: Actor) {
    return listApiKeys(this.db, actor.user.id);
  }

  async revokeApiKey(actor: Actor, keyId: number): Promise<void> {
    const revoked = await revokeToken(this.db, { id: keyId, userId: actor.user.id });
    if (revoked === 0) throw createError('API_KEY_NOT_FOUND', 404, `You have no active API key ${keyId}.`);
    await this.cache.userAccessChanged([actor.user.id]);
  }
}
