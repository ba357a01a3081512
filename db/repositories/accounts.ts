import type { Queryable } from '../connection';

export type AccountKind = 'reseller' | 'organization' | 'subaccount';

export interface AccountRow {
  id: number;
  parent_id: number | null;
  kind: AccountKind;
  name: string;
  dialplan_context: string;
}

export function dialplanContextFor(accountId: number): string {
  return `acct-${accountId}`;
}

export async function insertAccount(db: Queryable, account: { kind: AccountKind; name: string; parentId: number | null }): Promise<AccountRow> {
  // The context is derived from the id, which exists only after the insert: a unique placeholder first.
  const [id] = await db('accounts').insert({
    kind: account.kind,
    name: account.name,
    parent_id: account.parentId,
    dialplan_context: `pending-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
  });
  const accountId = Number(id);
  await db('accounts').where({ id: accountId }).update({ dialplan_context: dialplanContextFor(accountId) });
  return { id: accountId, parent_id: account.parentId, kind: account.kind, name: account.name, dialplan_context: dialplanContextFor(accountId) };
}

export async function findAccount(db: Queryable, id: number): Promise<AccountRow | undefined> {
  const row = await db<AccountRow>('accounts').where({ id }).first();
  return row ? { ...row, id: Number(row.id), parent_id: row.parent_id === null ? null : Number(row.parent_id) } : undefined;
}

