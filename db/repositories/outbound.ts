// Reads of the outbound-call path (issue 9): who is calling from a device, and who is told of an emergency call.
import type { Queryable } from '../connection';

/** The user a device belongs to (null: a device nobody holds) and its account, by its PJSIP endpoint. */
export async function findCallingDevice(db: Queryable, endpointId: string): Promise<{ accountId: number; userId: number | null; label: string } | undefined> {
  const row = (await db('devices').where({ endpoint_id: endpointId }).first('account_id', 'user_id', 'label')) as { account_id: number | string; user_id: number | string | null; label: string } | undefined;
  return row && { accountId: Number(row.account_id), userId: row.user_id === null ? null : Number(row.user_id), label: row.label };
}

export interface AccountAdmin {
  userId: number;
  email: string;
  fullName: string;
}

// Unit Admin (9) up to Organization Owner (12): the people who run the customer's phone system, not its reseller.
const ADMIN_RANKS = { min: 9, max: 12 } as const;

/** The account's admins: active members of the account at an admin rank, and those of its organization whose
 *  role reaches its subaccounts (Organization Owners). */
export async function findAccountAdmins(db: Queryable, accountId: number): Promise<AccountAdmin[]> {
  const account = (await db('accounts').where({ id: accountId }).first('parent_id')) as { parent_id: number | string | null } | undefined;
  if (!account) return [];
  const rows = (await db('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.status', 'active')
    .andWhere('u.status', 'active')
    .whereBetween('m.rank', [ADMIN_RANKS.min, ADMIN_RANKS.max])
    .andWhere((where) => {
      where.where('m.account_id', accountId);
      if (account.parent_id !== null) where.orWhere((parent) => parent.where('m.account_id', account.parent_id).andWhere('m.reaches_descendants', true));
    })
    .whereNotNull('u.email')
    .distinct('u.id as userId', 'u.email as email', 'u.full_name as fullName')
    .orderBy('u.id')) as { userId: number | string; email: string; fullName: string }[];
  return rows.map((row) => ({ userId: Number(row.userId), email: row.email, fullName: row.fullName }));
}
