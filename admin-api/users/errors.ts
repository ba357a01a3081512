// Every error the users domain raises, with its stable code. The tier rules of core/access.ts name their own
// codes (a verdict carries one); they are raised here too.
import type { Permission, TierVerdict } from '../../core/access';
import { createError, type ApiError } from '../http/errors';

export const userErrors = {
  notFound: (userId: number): ApiError => createError('USER_NOT_FOUND', 404, `No user ${userId} in this account.`, { userId }),
  usernameTaken: (username: string): ApiError =>
    createError('USERNAME_TAKEN', 409, `The username ${username} is taken.`, { fields: [{ path: '/username', message: 'is taken' }] }),
  roleNotFound: (roleId: number): ApiError => createError('ROLE_NOT_FOUND', 404, `No role ${roleId} is offered in this account.`, { roleId }),
  roleNotAssignableHere: (role: { id: number; name: string; type: string }, accountKind: string): ApiError =>
    createError('ROLE_NOT_ASSIGNABLE_HERE', 422, `The ${role.name} role (${role.type}) cannot be held in a ${accountKind}.`, { roleId: role.id }),
  alreadyRemoved: (): ApiError => createError('USER_ALREADY_REMOVED', 409, 'This user is already removed from the account.'),
  decisionRequired: (): ApiError =>
    createError('DECISION_REQUIRED', 400, 'Removing an Organization Owner: say whether to deactivate them on every subaccount (deactivateOnSubaccounts).', {
      fields: [{ path: '/deactivateOnSubaccounts', message: 'is required when removing an Organization Owner' }],
    }),
  profileManagedElsewhere: (userId: number): ApiError =>
    createError('PROFILE_MANAGED_ELSEWHERE', 403, "This user's profile is managed by the organization that created them; only they or its admins can change it.", { userId }),
  targetNotBelowYou: (targetRank: number, yourRank: number): ApiError =>
    createError('TARGET_NOT_BELOW_YOU', 403, 'You can edit only yourself and users ranked below you.', { targetRank, yourRank }),
  /** A tier rule said no: its own code, message and details. */
  tierRefused: (verdict: Extract<TierVerdict, { allowed: false }>): ApiError => createError(verdict.code, 403, verdict.message, verdict.details ?? {}),
  yourAccessChanged: (permission: Permission): ApiError =>
    createError('YOUR_ACCESS_CHANGED', 403, `Your membership in this account changed while the request waited (removed or given another role) and no longer holds ${permission}.`, {
      missingPermission: permission,
    }),
  concurrentChange: (): ApiError => createError('CONCURRENT_CHANGE', 409, "Another change to this account's users or roles got in the way; try again."),
};
