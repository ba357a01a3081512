// Local stand-ins for the number providers' clouds (issue 10): HTTP servers on a random loopback port that
// speak Telnyx v2's and Twilio 2010-04-01's documented shapes, keep an inventory and the numbers we hold, check
// credentials, and fail on demand (faults.ts). Tests and the provisioning benchmark point a trunk file's
// purchasing.baseUrl at `url`.
import { FaultPlan, type EmulatorRoute, type Fault, type FaultRates } from './faults';
import { NumberCloud } from './inventory';
import { EmulatorServer, type LoggedRequest, type ProviderApi } from './server';
import { TelnyxApi } from './telnyx';
import { TwilioApi } from './twilio';

export type { EmulatorRoute, Fault, FaultRates } from './faults';
export type { LoggedRequest } from './server';

export interface ProviderEmulator {
  /** The base URL to put in a trunk file's purchasing.baseUrl. */
  url: string;
  faults: {
    /** Replaces the rates of random faults (probabilities per request; seeded). */
    rates(rates: FaultRates): void;
    /** The route's next request meets this fault (queued). */
    next(route: EmulatorRoute, fault: Fault): void;
    /** No more scripted or random faults. */
    clear(): void;
  };
  owned(): { number: string; providerRef: string; routedTo: string | null }[];
  /** Successful purchases of the number ever (2 or more: bought twice). */
  timesBought(number: string): number;
  /** Whether the number may be bought now (listed in the inventory and held by nobody). */
  isAvailable(number: string): boolean;
  /** Every request received, in order: method, full path, query string ("?..." or ""), and its route. */
  requests(): LoggedRequest[];
  /** The provider drops a number we hold (for reconciliation tests). */
  releaseBehindOurBack(number: string): void;
  /** We hold a number our inventory does not know of (for reconciliation tests). */
  addOwnedBehindOurBack(number: string): void;
  close(): Promise<void>;
}

export interface TelnyxEmulator extends ProviderEmulator {
  apiKey: string;
}

export interface TwilioEmulator extends ProviderEmulator {
  accountSid: string;
  authToken: string;
}

export const DEFAULT_TELNYX_API_KEY = 'KEY0123456789ABCDEF_emulator';
export const DEFAULT_TWILIO_ACCOUNT_SID = 'AC00000000000000000000000000000a11';
export const DEFAULT_TWILIO_AUTH_TOKEN = '0123456789abcdef0123456789abcdef';

async function startEmulator(api: (cloud: NumberCloud) => ProviderApi, cloud: NumberCloud, seed: number, basePath: string): Promise<ProviderEmulator> {
  const faults = new FaultPlan(seed);
  const server = await EmulatorServer.start(api(cloud), faults, basePath);
  return {
    url: `${server.origin}${basePath}`,
    faults: { rates: (rates) => faults.rates(rates), next: (route, fault) => faults.next(route, fault), clear: () => faults.clear() },
    owned: () => cloud.holdings().map((holding) => ({ number: holding.number, providerRef: holding.ref, routedTo: holding.routedTo })),
    timesBought: (number) => cloud.timesBought(number),
    isAvailable: (number) => cloud.isAvailable(number),
    requests: () => server.requests(),
    releaseBehindOurBack: (number) => cloud.releaseBehindOurBack(number),
    addOwnedBehindOurBack: (number) => cloud.addOwnedBehindOurBack(number),
    close: () => server.close(),
  };
}

export async function startTelnyxEmulator(opts: { apiKey?: string; seed?: number } = {}): Promise<TelnyxEmulator> {
  const apiKey = opts.apiKey ?? DEFAULT_TELNYX_API_KEY;
  const seed = opts.seed ?? 1;
  let next = 0n;
  // Telnyx phone number ids are large integers, as strings.
  const cloud = new NumberCloud(seed, () => String(1_293_384_261_075_000_000n + (next += 1n)));
  return { ...(await startEmulator((c) => new TelnyxApi(c, apiKey), cloud, seed, '/v2')), apiKey };
}

export async function startTwilioEmulator(opts: { accountSid?: string; authToken?: string; seed?: number } = {}): Promise<TwilioEmulator> {
  const accountSid = opts.accountSid ?? DEFAULT_TWILIO_ACCOUNT_SID;
  const authToken = opts.authToken ?? DEFAULT_TWILIO_AUTH_TOKEN;
  const seed = opts.seed ?? 1;
  let next = 0;
  // PN and 32 hexadecimal digits, growing with each purchase (the list pages by sid).
  const cloud = new NumberCloud(seed, () => `PN${(next += 1).toString(16).padStart(32, '0')}`);
  return { ...(await startEmulator((c) => new TwilioApi(c, accountSid, authToken), cloud, seed, '')), accountSid, authToken };
}
