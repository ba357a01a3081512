// A phone number (DID) as the product knows it (issue 10; shared/DESIGN.md "Numbers"): one record whatever it
// came from, a trunk file's static pool or a purchase at a provider's API.
//
// Life cycle (after Kazoo's number states): reserved (held for a checkout) -> purchasing (ordered at the
// provider, not ours yet) -> active (ours, routed) -> releasing (given back, still routed until the provider
// has it) -> released. A purchase the provider refused ends in failed. Released and failed rows stay for the
// history; only the other states hold the number (phone_numbers.live_number is unique).
import type { NumberCapabilities } from './number-providers/provider';

export const NUMBER_STATES = ['reserved', 'purchasing', 'active', 'releasing', 'released', 'failed'] as const;
export type NumberState = (typeof NUMBER_STATES)[number];

/** The states in which calls to the number are routed and it may be presented as a caller ID. */
export const ROUTED_NUMBER_STATES: readonly NumberState[] = ['active', 'releasing'];
/** The states in which the number is held (not yet given back). */
export const HELD_NUMBER_STATES: readonly NumberState[] = ['reserved', 'purchasing', 'active', 'releasing'];

/** private: the owner only; users: the owner and the listed users; account: everyone in the account. */
export const NUMBER_SHARINGS = ['private', 'users', 'account'] as const;
export type NumberSharing = (typeof NUMBER_SHARINGS)[number];

export const STATIC_POOL = 'static-pool';

export interface PhoneNumberRecord {
  id: number;
  number: string;
  country: string | null;
  region: string | null;
  locality: string | null;
  capabilities: NumberCapabilities;
  /** 'static-pool', 'telnyx', 'twilio'. */
  provider: string;
  providerRef: string | null;
  /** The trunk the number's calls arrive on (null once its trunk file was removed). */
  trunk: string | null;
  accountId: number | null;
  ownerUserId: number | null;
  label: string | null;
  sharing: NumberSharing;
  /** With sharing 'users': whom it is shared with (besides the owner). */
  sharedWithUserIds: number[];
  state: NumberState;
  monthlyPriceCents: number;
  createdAt: string;
  updatedAt: string;
}

/** Whether the user may see and present the number: its owner, a listed user, or anyone when shared with the
 *  account. Admins see every number of their accounts by permission (numbers.read), not by this rule. */
export function isNumberUsableBy(number: Pick<PhoneNumberRecord, 'ownerUserId' | 'sharing' | 'sharedWithUserIds'>, userId: number): boolean {
  if (number.ownerUserId === userId) return true;
  if (number.sharing === 'account') return true;
  return number.sharing === 'users' && number.sharedWithUserIds.includes(userId);
}
