// Every error the groups domain raises, with its stable code.
import { createError, type ApiError } from '../http/errors';

export const groupErrors = {
  notFound: (groupId: number): ApiError => createError('GROUP_NOT_FOUND', 404, `No group ${groupId} in this account.`, { groupId }),
  nameTaken: (name: string): ApiError =>
    createError('GROUP_NAME_TAKEN', 409, `A group named ${name} exists in this account.`, { fields: [{ path: '/name', message: 'is taken' }] }),
  usersNotInAccount: (userIds: number[]): ApiError =>
    createError('USER_NOT_IN_ACCOUNT', 422, `Users ${userIds.join(', ')} are not members of this account.`, { userIds }),
};
