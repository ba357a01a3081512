// Login, logout, password changes and API keys. Every failure of a login looks the same to the caller (no hint
// whether the username exists); a deactivated user is told so only after proving the password. Who a request's
// token belongs to is resolver.ts's.
import type { Config } from '../../core/config';
import { newToken } from '../../core/secrets';
import type { Database } from '../../db/connection';
import { insertToken, listApiKeys, revokeOtherTokens, revokeToken, type TokenKind } from '../../db/repositories/tokens';
import { findUserCredentials, updateUser, type UserRecord } from '../../db/repositories/users';
import type { PublicScope, UserScope } from '../scope';
import type { AccessCache } from './access-cache';
import { authErrors } from './errors';
import { assertPasswordAcceptable, hashPassword, verifyPassword } from './passwords';
import type { ApiKeyInput, LoginInput, PasswordChange } from './schemas';
import type { LoginThrottle } from './throttle';

const SESSION_HOURS = 12;

export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly throttle: LoginThrottle,
    private readonly cache: AccessCache,
    private readonly config: Pick<Config, 'passwordPolicy'>,
  ) {}

  async login(scope: PublicScope, input: LoginInput): Promise<{ token: string; expiresAt: string; user: UserRecord }> {
    // Looked up first: every spelling the database matches to this user (case, accents, trailing spaces)
    // then counts against the same user.
    const found = await findUserCredentials(this.db, input.username);
    const subject = found ? { userId: found.user.id } : { username: input.username };
    await this.throttle.takeAttempt(subject, scope.ip);
    const valid = await verifyPassword(found?.passwordHash ?? null, input.password);
    if (!found || !valid) throw authErrors.invalidCredentials();
    await this.throttle.giveBack(subject, scope.ip);
    if (found.user.status !== 'active') throw authErrors.userNotActive(found.user.status);
    const { token, hash } = newToken('session');
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await insertToken(this.db, { userId: found.user.id, kind: 'session', tokenHash: hash, expiresAt });
    return { token, expiresAt: expiresAt.toISOString(), user: found.user };
  }

  /** A new password ends every other session of the user at once (and their API keys when asked: keys are
   *  automation's, so only an explicit "log out everywhere" takes them); the token of this request stays.
   *  Wrong current passwords count against the same throttle as logins. */
  async changePassword(scope: UserScope, change: PasswordChange): Promise<{ sessionsRevoked: number; apiKeysRevoked: number }> {
    const { actor } = scope;
    const subject = { userId: actor.user.id };
    await this.throttle.takeAttempt(subject, scope.ip);
    const credentials = await findUserCredentials(this.db, actor.user.username);
    const hash = credentials?.user.id === actor.user.id ? credentials.passwordHash : null;
    if (!(await verifyPassword(hash, change.currentPassword))) throw authErrors.wrongCurrentPassword();
    await this.throttle.giveBack(subject, scope.ip);
    assertPasswordAcceptable(change.newPassword, this.config.passwordPolicy, actor.user.username, '/newPassword');
    const passwordHash = await hashPassword(change.newPassword);
    const revoked = await this.db.transaction(async (trx) => {
      await updateUser(trx, actor.user.id, { passwordHash });
      const kinds: TokenKind[] = change.revokeApiKeys ? ['session', 'api_key'] : ['session'];
      const counts = await revokeOtherTokens(trx, actor.user.id, { keepTokenId: actor.tokenId, kinds });
      const result = { sessionsRevoked: counts.session, apiKeysRevoked: counts.api_key };
      await scope.audit(trx, { accountId: null, action: 'me.password_change', entity: 'user', entityId: actor.user.id, after: result });
      return result;
    });
    await this.cache.userAccessChanged([actor.user.id]);
    return revoked;
  }

  /** Revokes the token of this request. */
  async logout(scope: UserScope): Promise<void> {
    await revokeToken(this.db, { id: scope.actor.tokenId });
    await this.cache.userAccessChanged([scope.actor.user.id]);
  }

  listApiKeys(scope: UserScope): ReturnType<typeof listApiKeys> {
    return listApiKeys(this.db, scope.actor.user.id);
  }

  /** Credentials are writes too: recorded in the audit log, under no account (they are the user's own). */
  async createApiKey(scope: UserScope, input: ApiKeyInput): Promise<{ id: number; name: string; key: string }> {
    const { token, hash } = newToken('api_key');
    return this.db.transaction(async (trx) => {
      const id = await insertToken(trx, { userId: scope.actor.user.id, kind: 'api_key', name: input.name, tokenHash: hash, expiresAt: null });
      await scope.audit(trx, { accountId: null, entity: 'api_key', action: 'api_key.create', entityId: id, after: { name: input.name } });
      return { id, name: input.name, key: token };
    });
  }

  async revokeApiKey(scope: UserScope, keyId: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      const revoked = await revokeToken(trx, { id: keyId, userId: scope.actor.user.id });
      if (revoked === 0) throw authErrors.apiKeyNotFound(keyId);
      await scope.audit(trx, { accountId: null, entity: 'api_key', action: 'api_key.revoke', entityId: keyId });
    });
    await this.cache.userAccessChanged([scope.actor.user.id]);
  }
}
