// Login, logout and API keys. Every failure of a login looks the same to the caller (no hint whether the
// username exists); a deactivated user is told so only after proving the password.
import type { Config } from '../../core/config';
import type { Database } from '../../db/connection';
import { effectiveMembership } from '../../db/repositories/memberships';
import { isPlatformOperator } from '../../db/repositories/platform-operators';
import { findTokenUser, insertToken, listApiKeys, revokeOtherTokens, revokeToken, type TokenKind } from '../../db/repositories/tokens';
import { findUserCredentials, updateUser, type UserRecord } from '../../db/repositories/users';
import { createError } from '../http/errors';
import type { AccessResolver, Actor, RequestContext } from '../http/routes';
import type { AccessCache } from './access-cache';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from './passwords';
import type { LoginThrottle } from './throttle';
import { hashToken, newToken } from '../../core/secrets';

const SESSION_HOURS = 12;

export interface PasswordChange { currentPassword: string; newPassword: string; revokeApiKeys?: boolean }
type Auditor = RequestContext['audit'];

export class AuthService implements AccessResolver {
  constructor(
    private readonly db: Database,
    private readonly throttle: LoginThrottle,
    private readonly cache: AccessCache,
    private readonly config: Pick<Config, 'passwordPolicy'>,
  ) {}

  async login(username: string, password: string, address: string): Promise<{ token: string; expiresAt: string; user: UserRecord }> {
    // Looked up first: every spelling the database matches to this user (case, accents, trailing spaces)
    // then counts against the same user.
    const found = await findUserCredentials(this.db, username);
    const subject = found ? { userId: found.user.id } : { username };
    await this.throttle.takeAttempt(subject, address);
    const valid = await verifyPassword(found?.passwordHash ?? null, password);
    if (!found || !valid) throw createError('INVALID_CREDENTIALS', 401, 'The username or the password is wrong.');
    await this.throttle.giveBack(subject, address);
    if (found.user.status !== 'active') {
      throw createError('USER_NOT_ACTIVE', 403, found.user.status === 'deactivated' ? 'This user is deactivated.' : 'Accept your invitation first.');
    }
    const { token, hash } = newToken('session');
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await insertToken(this.db, { userId: found.user.id, kind: 'session', tokenHash: hash, expiresAt });
    return { token, expiresAt: expiresAt.toISOString(), user: found.user };
  }

  /** A new password ends every other session of the user at once (and their API keys when asked: keys are
   *  automation's, so only an explicit "log out everywhere" takes them); the token of this request stays.
   *  Wrong current passwords count against the same throttle as logins. */
  async changePassword(actor: Actor, change: PasswordChange, address: string, audit: Auditor): Promise<{ sessionsRevoked: number; apiKeysRevoked: number }> {
    const subject = { userId: actor.user.id };
    await this.throttle.takeAttempt(subject, address);
    const credentials = await findUserCredentials(this.db, actor.user.username);
    const hash = credentials?.user.id === actor.user.id ? credentials.passwordHash : null;
    if (!(await verifyPassword(hash, change.currentPassword))) {
      throw createError('INVALID_CREDENTIALS', 401, 'The current password is wrong.');
    }
    await this.throttle.giveBack(subject, address);
    assertPasswordAcceptable(change.newPassword, this.config.passwordPolicy, actor.user.username, '/newPassword');
    const passwordHash = await hashPassword(change.newPassword);
    const revoked = await this.db.transaction(async (trx) => {
      await updateUser(trx, actor.user.id, { passwordHash });
      const kinds: TokenKind[] = change.revokeApiKeys ? ['session', 'api_key'] : ['session'];
      const counts = await revokeOtherTokens(trx, actor.user.id, { keepTokenId: actor.tokenId, kinds });
      const result = { sessionsRevoked: counts.session, apiKeysRevoked: counts.api_key };
      await audit(trx, { accountId: null, action: 'me.password_change', entity: 'user', entityId: actor.user.id, after: result });
      return result;
    });
    await this.cache.userAccessChanged([actor.user.id]);
    return revoked;
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

  /** Read from the database every time: operator routes are rare, and a revocation applies at once. */
  platformOperator(userId: number): Promise<boolean> {
    return isPlatformOperator(this.db, userId);
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
