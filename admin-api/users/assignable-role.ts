// Which role a user may be given in an account, whoever adds them: the users service (create, role change)
// and the invitations (invite, and again when an invitation is accepted).
import { roleAssignableIn, type TierVerdict } from '../../core/access';
import type { Queryable } from '../../db/connection';
import { findAccount } from '../../db/repositories/accounts';
import { findRoleForAccount } from '../../db/repositories/roles';
import type { Role } from '../../core/access';
import { userErrors } from './errors';

/** A role offered in this account and assignable at its kind of account. */
export async function assignableRole(db: Queryable, accountId: number, roleId: number): Promise<Role> {
  const [role, account] = await Promise.all([findRoleForAccount(db, roleId, accountId), findAccount(db, accountId)]);
  if (!role || !account) throw userErrors.roleNotFound(roleId);
  if (!roleAssignableIn(role, account.kind)) throw userErrors.roleNotAssignableHere(role, account.kind);
  return role;
}

/** Raises a tier rule's refusal as it words it. */
export function assertVerdict(verdict: TierVerdict): void {
  if (!verdict.allowed) throw userErrors.tierRefused(verdict);
}
