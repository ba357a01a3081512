// Every error the ring-groups domain raises, with its stable code (destinations and extensions raise their own).
import { createError, type ApiError } from '../http/errors';

export const ringGroupErrors = {
  notFound: (ringGroupId: number): ApiError => createError('RING_GROUP_NOT_FOUND', 404, `No ring group ${ringGroupId} in this account.`, { ringGroupId }),
  nameTaken: (name: string): ApiError =>
    createError('RING_GROUP_NAME_TAKEN', 409, `A ring group named ${name} exists in this account.`, { fields: [{ path: '/name', message: 'is taken' }] }),
  usersNotInAccount: (problems: { index: number; userId: number }[]): ApiError =>
    createError('USER_NOT_IN_ACCOUNT', 422, `Users ${problems.map((p) => p.userId).join(', ')} are not members of this account.`, {
      userIds: problems.map((p) => p.userId), fields: problems.map((p) => ({ path: `/members/${p.index}/userId`, message: 'is not a member of this account' })),
    }),
  duplicateMember: (index: number, first: number): ApiError =>
    createError('DUPLICATE_MEMBER', 422, `Member ${index} repeats member ${first}: each user or number rings once per group.`, {
      fields: [{ path: `/members/${index}`, message: `repeats /members/${first}` }],
    }),
  failoverToSelf: (): ApiError =>
    createError('FAILOVER_TO_SELF', 422, 'A ring group cannot fail over to itself.', { fields: [{ path: '/failover', message: 'is this ring group' }] }),
};
