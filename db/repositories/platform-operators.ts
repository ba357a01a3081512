// Platform operators (users.platform_operator): who may edit trunks over the API. Read on every operator
// request, not cached, so revoking it takes effect at the next request; written only by the command line.
import type { Queryable } from '../connection';

export async function isPlatformOperator(db: Queryable, userId: number): Promise<boolean> {
  const row = (await db('users').where({ id: userId, status: 'active' }).first('platform_operator')) as { platform_operator: number | boolean } | undefined;
  return Boolean(row?.platform_operator);
}

/** Grants or revokes; false when no user has that username. */
export async function setPlatformOperator(db: Queryable, username: string, operator: boolean): Promise<boolean> {
  return (await db('users').where({ username }).update({ platform_operator: operator })) > 0;
}

export async function listPlatformOperators(db: Queryable): Promise<string[]> {
  return (await db('users').where({ platform_operator: true }).orderBy('username').pluck('username')) as string[];
}
