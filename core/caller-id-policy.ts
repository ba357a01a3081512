// Which caller IDs a call may send through a trunk: the one rule the ARI app applies (issue 10, "Phone
// numbers"; shared/DESIGN.md "Dialer access"). A user places outbound calls only with dialer access in the
// account, and presents only a number of the account on that trunk that they own or that is shared with them
// (core/numbers.ts isNumberUsableBy); their default caller ID comes first when it is one of those.
//
// A routed call's external leg (a forwarding, a ring group's external member, a number routed outside) is not
// someone placing a call, so it asks no dialer access: it presents the number the call came in on, when that is
// one of the account's numbers on the trunk (the caller dialed it; presenting it is no one's choice), else a
// number the responsible user may use; with no responsible user, the numbers shared with the whole account.
import { isNumberUsableBy, type PhoneNumberRecord } from './numbers';

export interface HeldNumber extends Pick<PhoneNumberRecord, 'id' | 'number' | 'ownerUserId' | 'sharing' | 'sharedWithUserIds'> {
  /** The account the number is assigned to (phone_numbers.account_id). */
  accountId: number;
}

/** A user with dialer access in an account (a dialer_access row), and the caller ID they present by default. */
export interface Dialer {
  userId: number;
  defaultNumberId: number | null;
}

function byNumber(a: HeldNumber, b: HeldNumber): number {
  return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
}

/** The numbers `dialer` may present in `accountId` among those a trunk carries: their default first, then by
 *  number. Empty (also with no dialer access, null): the call cannot go out through that trunk. */
export function allowedCallerIds(dialer: Dialer | null, accountId: number, trunkNumbers: readonly HeldNumber[]): string[] {
  if (!dialer) return [];
  const usable = trunkNumbers.filter((held) => held.accountId === accountId && isNumberUsableBy(held, dialer.userId)).sort(byNumber);
  const preferred = usable.find((held) => held.id === dialer.defaultNumberId);
  return preferred ? [preferred.number, ...usable.filter((held) => held !== preferred).map((held) => held.number)] : usable.map((held) => held.number);
}

/** The numbers a routed call's external leg may present on a trunk: the DID the call came in on first when it
 *  is the account's number there, then those the responsible user may use (null: the account-wide ones). */
export function routedCallerIds(userId: number | null, accountId: number, trunkNumbers: readonly HeldNumber[], did?: string): string[] {
  const own = trunkNumbers.filter((held) => held.accountId === accountId).sort(byNumber);
  const usable = own.filter((held) => (userId === null ? held.sharing === 'account' : isNumberUsableBy(held, userId))).map((held) => held.number);
  const called = did !== undefined && own.some((held) => held.number === did) ? did : undefined;
  return called ? [called, ...usable.filter((number) => number !== called)] : usable;
}

/** An emergency call skips every check: the callback number, else any number of the account on the trunk. */
export function emergencyCallerId(callbackNumber: string | null, accountId: number, trunkNumbers: readonly HeldNumber[]): string | undefined {
  return callbackNumber ?? trunkNumbers.filter((held) => held.accountId === accountId).sort(byNumber)[0]?.number;
}
