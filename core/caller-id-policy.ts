// Which caller IDs a user may send on an outbound call: the one rule the ARI app (and later the admin API's
// number sharing) applies. Today a user may use every number their account holds on the trunk the call goes
// through; issue 10 ("Phone numbers") narrows this to numbers the user owns or that are shared with them, here.

export interface HeldNumber {
  number: string;
  /** The account the number is assigned to (phone_numbers.account_id). */
  accountId: number;
}

/** The numbers `userId` (null: a device nobody holds) may present in `accountId`, of those a trunk carries, in
 *  a stable order (the first is the default). Empty: the call cannot go out through that trunk. */
export function allowedCallerIds(userId: number | null, accountId: number, trunkNumbers: readonly HeldNumber[]): string[] {
  void userId; // Issue 10: ownership and sharing of numbers decide per user.
  return trunkNumbers.filter((held) => held.accountId === accountId).map((held) => held.number).sort();
}
