// What the dial and outbound flows read and share beyond FlowDeps: the account's dialing settings (kept in
// memory for a second, so the internal-call path pays no query per call and an edit applies to the next call
// within a second), the trunks serving the account with their numbers' owners and sharing, the calling device's
// user and that user's dialer access (each read fresh per outbound call, so a revoked user's next call is
// refused; the last answer is kept as the fallback only while MariaDB is down), the per-account outbound slots, and the
// emergency notice to the account's admins.
import type { Database } from '../../db/connection';
import { findAccountRecord } from '../../db/repositories/accounts';
import { findDialer } from '../../db/repositories/dialer-access';
import { findCallingDevice } from '../../db/repositories/outbound';
import { findOutboundTrunks, type OutboundTrunk } from '../../db/repositories/trunks';
import type { Dialer } from '../../core/caller-id-policy';
import type { DialingSettings } from '../../core/dialing/numbers';
import type { CallingHours, DestinationPolicy } from '../../core/dialing/toll-fraud';
import type { JobPayload } from '../../core/job-queue';
import { errorDetails, type Logger } from '../../core/logger';
import { LastKnown } from '../routing/last-known';
import type { OutboundSlots } from './outbound-slots';

export interface AccountDialing extends DialingSettings, DestinationPolicy {
  callingHours: CallingHours | null;
  callbackNumber: string | null;
  maxConcurrentOutbound: number;
}

export type CallingDevice = { accountId: number; userId: number | null; label: string } | undefined;

export type EmergencyNotice = JobPayload<'email.emergency-call'>;

const SETTINGS_FRESH_MS = 1000;

export class OutboundDirectory {
  private readonly settings = new LastKnown<AccountDialing | undefined>(SETTINGS_FRESH_MS, 100_000);
  private readonly trunksByAccount = new LastKnown<OutboundTrunk[]>(0, 100_000);
  private readonly devices = new LastKnown<CallingDevice>(0, 100_000);
  private readonly dialers = new LastKnown<Dialer | undefined>(0, 100_000);

  constructor(private readonly db: Database, private readonly logger: Logger) {}

  accountDialing(accountId: number): Promise<AccountDialing | undefined> {
    return this.settings.get(String(accountId), async () => {
      const account = await findAccountRecord(this.db, accountId);
      return account && {
        outsideLinePrefix: account.outsideLinePrefix, defaultAreaCode: account.defaultAreaCode, emergencyNumbers: account.emergencyNumbers,
        internationalAllowedCountries: account.internationalAllowedCountries, callingHours: account.callingHours,
        callbackNumber: account.callbackNumber, maxConcurrentOutbound: account.maxConcurrentOutbound,
      };
    }, { onFallback: (error) => this.fromMemory('account dialing settings', error) });
  }

  trunks(accountId: number): Promise<OutboundTrunk[]> {
    return this.trunksByAccount.get(String(accountId), () => findOutboundTrunks(this.db, accountId), { alwaysRead: true, onFallback: (error) => this.fromMemory('outbound trunks', error) });
  }

  callingDevice(endpointId: string): Promise<CallingDevice> {
    return this.devices.get(endpointId, () => findCallingDevice(this.db, endpointId), { alwaysRead: true, onFallback: (error) => this.fromMemory('calling device', error) });
  }

  /** The user's dialer access in the account (undefined: they may not place outbound calls there). */
  dialer(accountId: number, userId: number): Promise<Dialer | undefined> {
    return this.dialers.get(`${accountId}:${userId}`, () => findDialer(this.db, accountId, userId), { alwaysRead: true, onFallback: (error) => this.fromMemory('dialer access', error) });
  }

  private fromMemory(what: string, error: unknown): void {
    this.logger.warn('database unavailable; outbound routing from memory', { what, error: errorDetails(error).message });
  }
}

export interface OutboundServices {
  directory: OutboundDirectory;
  slots: OutboundSlots;
  /** Queues the admins' email; never throws, never delays the call. */
  notifyEmergency(notice: EmergencyNotice): void;
  /** How long a trunk may take to send 180/183 before the next trunk is tried. */
  trunkProgressTimeoutMs: number;
  now(): Date;
}
