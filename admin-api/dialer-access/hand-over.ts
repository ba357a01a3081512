// The hand-over of a revocation as a pure rule: every number the user owns goes to exactly one new owner,
// named for all at once (handOverTo) or one by one (handOver), never to the user losing access.
import { dialerAccessErrors } from './errors';
import type { RevokeInput } from './schemas';

export interface OwnedNumber {
  id: number;
  number: string;
}

export interface HandOver {
  numberId: number;
  number: string;
  toUserId: number;
}

/** Who gets each owned number. 400 for entries naming a number not owned (or one twice) or the user
 *  themselves; 409 NUMBERS_NEED_NEW_OWNER listing the owned numbers left without a new owner. */
export function handOverPlan(owned: OwnedNumber[], input: RevokeInput, userId: number): HandOver[] {
  if (input.handOverTo !== undefined) {
    if (owned.length > 0 && input.handOverTo === userId) throw dialerAccessErrors.handOverToSelf('/handOverTo');
    return owned.map((entry) => ({ numberId: entry.id, number: entry.number, toUserId: input.handOverTo as number }));
  }
  const entries = input.handOver ?? [];
  const ownedById = new Map(owned.map((entry) => [entry.id, entry]));
  const seen = new Set<number>();
  const invalid = entries.filter((entry) => {
    const repeated = seen.has(entry.numberId);
    seen.add(entry.numberId);
    return repeated || !ownedById.has(entry.numberId);
  }).map((entry) => entry.numberId);
  if (invalid.length > 0) throw dialerAccessErrors.handOverNotOwned([...new Set(invalid)]);
  if (entries.some((entry) => entry.toUserId === userId)) throw dialerAccessErrors.handOverToSelf('/handOver');
  const missing = owned.filter((entry) => !seen.has(entry.id));
  if (missing.length > 0) throw dialerAccessErrors.numbersNeedNewOwner(missing);
  return entries.map((entry) => ({ numberId: entry.numberId, number: (ownedById.get(entry.numberId) as OwnedNumber).number, toUserId: entry.toUserId }));
}
