// External numbers as destinations of a routed call (a user's forwarding, a ring group's external member, a
// trunk number routed outside): the outbound flow's rules applied to a leg the ringer dials.
//   - toll fraud first, as for a phone dialing out: premium ranges and countries the account does not allow are
//     refused (a forward to them is toll fraud by forwarding), and so is a leg outside the calling hours;
//   - the trunks serving the account in order, each leg `PJSIP/<e164>@<trunk endpoint>`, the next trunk on 5xx,
//     408 or no 180/183 within the progress timeout (flows/ringer.ts asks `failed(...)` for the verdict);
//   - one outbound slot of the account per leg attempt, held until the leg fails or the call ends;
//   - the caller ID sent is a number of the account on that trunk (core/caller-id-policy.ts routedCallerIds):
//     the called DID first when the call came in on one, else one the responsible user (the user whose
//     forwarding it is) owns or shares, else one shared with the whole account. Never the original caller's
//     number: no trunk definition says the provider accepts foreign numbers (no such field exists), and
//     presenting them is spoofing. The caller's name (optionally with the group prefix) is kept as the display
//     name;
//   - a user's own forward to an outside number dials out at the account's expense: it is followed only while
//     that user has dialer access, read fresh for each call as for a call they dial (else 403, recorded 'no
//     dialer access'), whoever placed the call. A revoked user's forwarding row stays and simply stops working.
//     What admins route outside (a ring group's external member or failover, a trunk number's route) asks no
//     one's dialer access.
import type { Logger } from '../../core/logger';
import { routedCallerIds } from '../../core/caller-id-policy';
import { checkDestination, withinCallingHours } from '../../core/dialing/toll-fraud';
import type { OutboundTrunk } from '../../db/repositories/trunks';
import type { CallerOutcome } from './call';
import { FAILOVER_CAUSES, REJECTED } from './outbound';
import { isE164 } from '../../core/dialing/numbers';
import type { OutboundServices } from './outbound-services';
import { SLOT_REFRESH_MS } from './outbound-slots';
import type { RingLeg, TrunkFailover, TrunkVerdict } from './ringer';

/** What an external number gives a step: legs to ring (one attempt through the trunks), or a refusal. */
export type ExternalLegs = { kind: 'legs'; legs: RingLeg[] } | { kind: 'refused'; outcome: CallerOutcome; reason: string };

/** Whether a trunk leg's failure moves to the next trunk: 5xx and 408 causes, or a leg that never progressed
 *  and ended without a cause (the outbound flow's rule). */
export function failsOver(cause: number | undefined, progressed: boolean): boolean {
  if (cause === undefined) return !progressed;
  return FAILOVER_CAUSES.has(cause) || (!progressed && (cause === 0 || cause === 16));
}

/** The caller ID to present on a trunk: the DID called when it is the account's number there, else the first
 *  number the policy allows. */
export function callerIdOn(trunk: OutboundTrunk, userId: number | null, accountId: number, did?: string): string | undefined {
  return routedCallerIds(userId, accountId, trunk.numbers, did)[0];
}

/** What the leg factory needs of its call. */
export interface ExternalLegOwner {
  readonly callId: string;
  readonly accountId: number;
  readonly log: Logger;
  /** The user whose caller IDs apply (the last user the call was routed through), or null. */
  responsibleUser(): number | null;
  /** The DID the call came in on, if any. */
  readonly did?: string;
  /** The user whose own forwarding sent the call to the external number being dialed now, or null when admin
   *  routing did (a ring group's member or failover, a trunk number's route). */
  forwardingUser(): number | null;
}

interface Route {
  trunk: OutboundTrunk;
  callerId: string;
}

/** One routed call's external legs and the outbound slots they hold. close() when the call ends. */
export class ExternalLegFactory {
  private attempts = 0;
  private readonly slots = new Set<string>();
  private readonly presented = new Map<string, string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly services: OutboundServices, private readonly owner: ExternalLegOwner) {}

  async legs(number: string, timeoutSeconds: number, variables: Record<string, string>): Promise<ExternalLegs> {
    const { accountId } = this.owner;
    if (!isE164(number)) return this.refuse(REJECTED, 'invalid external number', number);
    const settings = await this.services.directory.accountDialing(accountId);
    if (!settings) return this.refuse('failure', 'account settings unavailable', number);
    const verdict = checkDestination(number, settings);
    if (!verdict.allowed) return this.refuse(REJECTED, verdict.reason, number);
    if (!withinCallingHours(settings.callingHours, this.services.now())) return this.refuse(REJECTED, 'outside calling hours', number);
    const trunks = await this.services.directory.trunks(accountId);
    if (trunks.length === 0) return this.refuse('congestion', 'no trunk', number);
    if (!(await this.mayDialOut())) return this.refuse(REJECTED, 'no dialer access', number);
    const userId = this.owner.responsibleUser();
    const routes = trunks.flatMap((trunk): Route[] => {
      const callerId = callerIdOn(trunk, userId, accountId, this.owner.did);
      return callerId ? [{ trunk, callerId }] : [];
    });
    if (routes.length === 0) return this.refuse(REJECTED, 'no caller ID', number);
    const slot = `${this.owner.callId}-x${this.attempts++}`;
    if (this.closed || !(await this.services.slots.acquire(accountId, slot, settings.maxConcurrentOutbound))) {
      return this.refuse('congestion', 'outbound limit reached', number);
    }
    // The call may have ended while the slot was being taken: close() has run, so give it straight back.
    if (this.closed) {
      void this.services.slots.release(accountId, slot);
      return this.refuse('congestion', 'call ended', number);
    }
    this.hold(slot);
    const attempt = new TrunkAttempt(this, slot, number, routes, variables, timeoutSeconds, this.services.trunkProgressTimeoutMs);
    return { kind: 'legs', legs: [attempt.legAt(0)] };
  }

  /** The caller ID an answered trunk leg presents (the caller channel shows it once bridged), if it is one. */
  presentedOn(legId: string): string | undefined {
    return this.presented.get(legId);
  }

  /** The call ended: every slot still held is freed. */
  close(): void {
    this.closed = true;
    clearInterval(this.refreshTimer);
    for (const slot of [...this.slots]) this.release(slot);
  }

  answered(legId: string, callerId: string): void {
    this.presented.set(legId, callerId);
  }

  release(slot: string): void {
    if (!this.slots.delete(slot)) return;
    if (this.slots.size === 0) clearInterval(this.refreshTimer);
    void this.services.slots.release(this.owner.accountId, slot);
  }

  /** False when a user's own forward sends the call out and that user has no dialer access now (read fresh, as
   *  for a call they dial): forwarding to an outside number is no way around it, nor is keeping a forward set
   *  before the access was revoked. */
  private async mayDialOut(): Promise<boolean> {
    const userId = this.owner.forwardingUser();
    if (userId === null) return true;
    return (await this.services.directory.dialer(this.owner.accountId, userId)) !== undefined;
  }

  private hold(slot: string): void {
    this.slots.add(slot);
    this.refreshTimer ??= setInterval(() => {
      for (const held of this.slots) void this.services.slots.refresh(this.owner.accountId, held);
    }, SLOT_REFRESH_MS);
  }

  private refuse(outcome: CallerOutcome, reason: string, number: string): ExternalLegs {
    this.owner.log.info('external number refused', { number, reason });
    return { kind: 'refused', outcome, reason };
  }
}

/** One attempt to reach an external number: its trunks in order, the ring time shared across them. */
class TrunkAttempt implements TrunkFailover {
  private index = 0;
  private readonly deadline: number;

  constructor(
    private readonly factory: ExternalLegFactory,
    private readonly slot: string,
    private readonly number: string,
    private readonly routes: Route[],
    private readonly variables: Record<string, string>,
    timeoutSeconds: number,
    readonly progressTimeoutMs: number,
  ) {
    this.deadline = Date.now() + timeoutSeconds * 1000;
  }

  legAt(index: number): RingLeg {
    this.index = index;
    const { trunk, callerId } = this.routes[index] as Route;
    return {
      endpoint: `PJSIP/${this.number}@${trunk.endpointId}`,
      timeoutSeconds: Math.max(1, Math.ceil((this.deadline - Date.now()) / 1000)),
      record: { kind: 'external', number: this.number, trunk: trunk.name },
      // The leg's connected line is what the provider gets as From and P-Asserted-Identity; its own caller ID is
      // the called number, which the caller is shown once bridged.
      variables: { ...this.variables, 'CALLERID(num)': this.number, 'CONNECTEDLINE(num,i)': callerId },
      trunk: this,
    };
  }

  failed(cause: number | undefined, progressed: boolean): TrunkVerdict {
    // The ring time used up is no trunk's fault: nobody answered.
    if (!failsOver(cause, progressed) || Date.now() >= this.deadline - 1000) return undefined;
    return this.index + 1 < this.routes.length ? this.legAt(this.index + 1) : 'exhausted';
  }

  answered(legId: string): void {
    this.factory.answered(legId, (this.routes[this.index] as Route).callerId);
  }

  done(): void {
    this.factory.release(this.slot);
  }
}
