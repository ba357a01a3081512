// Every error the accounts domain raises, with its stable code.
import type { AccountKind } from '../../db/repositories/accounts';
import type { Permission } from '../../core/access';
import { createError, notFound, type ApiError } from '../http/errors';

export const accountErrors = {
  notFound: (accountId: number): ApiError => notFound('account', accountId),
  parentInvalid: (kind: AccountKind, parentKind: AccountKind, parentId: number): ApiError =>
    createError('ACCOUNT_PARENT_INVALID', 422, `A ${kind} cannot be placed under a ${parentKind}.`, { parentId }),
  parentRequired: (): ApiError => createError('ACCOUNT_PARENT_REQUIRED', 422, 'A subaccount must belong to an organization: give parentId.'),
  cannotHaveChildren: (): ApiError => createError('ACCOUNT_CANNOT_HAVE_CHILDREN', 422, 'A subaccount cannot hold accounts below it.'),
  hasChildren: (accountId: number): ApiError => createError('ACCOUNT_HAS_CHILDREN', 409, 'Remove or move the accounts below this one first.', { accountId }),
  cannotRemoveOwn: (): ApiError => createError('CANNOT_REMOVE_OWN_ACCOUNT', 403, 'You can remove only accounts below the one you hold a role in.'),
  exportsOrganizationOnly: (): ApiError =>
    createError('EXPORTS_ORGANIZATION_ONLY', 422, 'Data export targets are set on the organization.', { fields: [{ path: '/exportTargets', message: 'only on organizations' }] }),
  /** A setting whose edit needs a permission beyond the route's (settings.manage). */
  permissionDenied: (roleName: string, permission: Permission): ApiError =>
    createError('PERMISSION_DENIED', 403, `Your role (${roleName}) lacks the permission ${permission}.`, { missingPermission: permission }),
};
