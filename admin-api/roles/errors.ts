// Every error the roles domain raises, with its stable code. Tier refusals carry core/access.ts's verdict codes.
import { UNIT_RANK_RANGE, type AccountKind, type RoleType } from '../../core/access';
import { createError, type ApiError } from '../http/errors';

export const roleErrors = {
  notFound: (roleId: number): ApiError => createError('ROLE_NOT_FOUND', 404, `No role ${roleId} is offered in this account.`, { roleId }),
  presetReadOnly: (roleId: number, name: string): ApiError =>
    createError('PRESET_ROLE_READ_ONLY', 409, `${name} is a built-in preset: make a custom role instead.`, { roleId }),
  nameTaken: (type: RoleType, name: string): ApiError => createError('ROLE_NAME_TAKEN', 409, `This account already has a ${type} role named ${name}.`),
  typeNotForAccount: (type: RoleType, kind: AccountKind | undefined): ApiError =>
    createError('ROLE_TYPE_NOT_FOR_THIS_ACCOUNT', 422, `A ${type} role cannot be held in a ${kind ?? 'missing'} account.`, {
      fields: [{ path: '/type', message: 'not for this account' }],
    }),
  rankOutOfRange: (): ApiError =>
    createError('RANK_OUT_OF_RANGE', 400, `A unit role's rank is a level from ${UNIT_RANK_RANGE.min} to ${UNIT_RANK_RANGE.max}.`, {
      fields: [{ path: '/rank', message: 'out of range for a unit role' }],
    }),
};
