// Every error raised about destinations, with its stable code. `path` is where the destination sits in the
// request (e.g. /forwarding/busy), so a form can point at the field.
import type { Destination } from '../../core/destinations';
import type { Referrer, RoutingTarget } from '../../db/repositories/destinations';
import { createError, type ApiError } from '../http/errors';

const fields = (path: string | undefined, message: string): Record<string, unknown> => (path ? { fields: [{ path, message }] } : {});

const describe = (target: RoutingTarget): string => `${target.type.replace('_', ' ')} ${target.id}`;

export const destinationErrors = {
  /** Unknown, or another account's: the same answer, which says nothing about other accounts. */
  notFound: (destination: Destination, target: RoutingTarget, path?: string): ApiError =>
    createError('DESTINATION_NOT_FOUND', 422, `No ${describe(target)} in this account to route calls to.`, { destination, ...fields(path, 'is not in this account') }),
  notAvailable: (destination: Destination, path?: string): ApiError =>
    createError('DESTINATION_NOT_AVAILABLE', 422, `Calls cannot be routed to a ${destination.type} yet.`, { destination, ...fields(path, 'is not available yet') }),
  noTrunk: (destination: Destination, path?: string): ApiError =>
    createError('NO_TRUNK_FOR_EXTERNAL', 422, 'This account has no trunk, so calls cannot go to an external number.', { destination, ...fields(path, 'needs a trunk serving the account') }),
  inUse: (target: RoutingTarget, referrers: Referrer[]): ApiError =>
    createError('DESTINATION_IN_USE', 409, `Calls are routed to ${describe(target)} by ${referrers.map((r) => `${r.ownerType.replace('_', ' ')} "${r.name}" (${r.slot})`).join(', ')}: change those first.`, {
      target, referrers,
    }),
};
