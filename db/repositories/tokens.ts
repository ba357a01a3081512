import type { Queryable } from '../connection';
import { toUser, USER_COLUMNS, type UserRecord } from './users';

export type TokenKind = 'session' | 'api_key';

export async function insertToken(db: Queryable, token: { userId: number; kind: TokenKind; name?: string; tokenHash: string; expiresAt: Date | null }): Promise<number> {
  const [id] = await db('auth_tokens').insert({
    user_id: token.userId,
    kind: token.kind,
    name: token.name ?? null,
    token_hash: token.tokenHash,
    expires_at: token.expiresAt,
  });
  return Number(id);
}

/** The token's user if the token is live: not revoked, not expired. */
export async function findTokenUser(db: Queryable, tokenHash: string): Promise<{ tokenId: number; kind: TokenKind; user: UserRecord } | undefined> {
  const row = await db('auth_tokens')
    .join('users', 'users.id', 'auth_tokens.user_id')
    .where('auth_tokens.token_hash', tokenHash)
    .whereNull('auth_tokens.revoked_at')
    .andWhere((query) => query.whereNull('auth_tokens.expires_at').orWhere('auth_tokens.expires_at', '>', db.fn.now()))
    .first([...USER_COLUMNS, 'auth_tokens.id as token_id', 'auth_tokens.kind as token_kind']);
  return row ? { tokenId: Number(row.token_id), kind: row.token_kind as TokenKind, user: toUser(row) } : undefined;
}

export async function revokeToken(db: Queryable, where: { id: number; userId?: number }): Promise<number> {
  const query = db('auth_tokens').where({ id: where.id }).whereNull('revoked_at');
  if (where.userId !== undefined) query.andWhere({ user_id: where.userId });
  return query.update({ revoked_at: db.fn.now() });
}

export async function revokeAllTokens(db: Queryable, userId: number): Promise<void> {
  await db('auth_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
}

export async function listApiKeys(db: Queryable, userId: number): Promise<{ id: number; name: string; createdAt: string; revokedAt: string | null }[]> {
  const rows = await db('auth_tokens').where({ user_id: userId, kind: 'api_key' }).orderBy('id').select('id', 'name', 'created_at', 'revoked_at');
  return rows.map((row: { id: number; name: string; created_at: Date; revoked_at: Date | null }) => ({
    id: Number(row.id),
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  }));
}

/** Revokes a user's live tokens of these kinds except one (the request's own); answers how many of each. */
export async function revokeOtherTokens(db: Queryable, userId: number, options: { keepTokenId: number; kinds: TokenKind[] }): Promise<Record<TokenKind, number>> {
  const counts: Record<TokenKind, number> = { session: 0, api_key: 0 };
  for (const kind of options.kinds) {
    counts[kind] = await db('auth_tokens')
      .where({ user_id: userId, kind })
      .whereNot({ id: options.keepTokenId })
      .whereNull('revoked_at')
      .andWhere((query) => query.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now()))
      .update({ revoked_at: db.fn.now() });
  }
  return counts;
}
