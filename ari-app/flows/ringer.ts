// Rings a set of legs for a call: devices (PJSIP/<endpoint>) or external numbers through a trunk. Each leg is
// owned by the call before it exists, dialed once it is in Stasis, and classified when it fails; the first to
// answer wins and the others are hung up with "answered elsewhere" (Q.850 26), which Asterisk sends on the
// CANCEL as `Reason: SIP;cause=200;text="Call completed elsewhere"`, so phones log no missed call.
// The result is the answering leg, or every leg's Dial status. Used by the user and ring-group steps.
import type { CallEvent, DialEvent } from '../../core/ari/events';
import type { HangupReason } from '../../core/ari/rest';
import type { Logger } from '../../core/logger';
import { legOutcomeForDialStatus, type LegStart } from '../calls/records';
import type { CallerOutcome, FlowDeps } from './call';

export type RingResult = { kind: 'answered'; legId: string; leg: RingLeg } | { kind: 'failed'; statuses: string[] };

// Q.850 cause 20, subscriber absent: Asterisk answers it with SIP 480 Temporarily Unavailable.
export const SUBSCRIBER_ABSENT = { code: 20 } as const;

/** What the caller hears when every leg failed, most telling first: busy beats no answer beats unreachable. */
export function outcomeForFailedLegs(statuses: string[]): CallerOutcome {
  if (statuses.includes('BUSY')) return 'busy';
  if (statuses.includes('NOANSWER')) return 'no_answer';
  if (statuses.includes('CONGESTION')) return 'congestion';
  return SUBSCRIBER_ABSENT;
}

/** Why a ring attempt failed, for forwarding: busy (any leg busy), no answer (one rang out), else unreachable. */
export function failureOf(statuses: string[]): 'busy' | 'no_answer' | 'unreachable' {
  if (statuses.includes('BUSY')) return 'busy';
  if (statuses.includes('NOANSWER') || statuses.includes('CANCEL')) return 'no_answer';
  return 'unreachable';
}

const FAILED_DIAL_STATUSES = new Set(['BUSY', 'NOANSWER', 'CHANUNAVAIL', 'CONGESTION', 'CANCEL']);

/** A ringing leg's Q.850 hangup cause, as a dial status (used when the leg is destroyed before its Dial event). */
export function dialStatusForCause(cause: number): string {
  if (cause === 17) return 'BUSY';
  if (cause === 18 || cause === 19) return 'NOANSWER';
  if (cause === 34 || cause === 38 || cause === 42) return 'CONGESTION';
  return 'CHANUNAVAIL';
}

// How long a created leg may take to enter Stasis before it is given up as unreachable.
const LEG_READY_TIMEOUT_MS = 5000;
// Asterisk's dial timeout reports NOANSWER; this is the backstop if that event were ever lost.
const BACKSTOP_MARGIN_MS = 5000;

/** What the ringer needs of the call that owns it (flows/routed-call.ts). */
export interface LegHost {
  readonly callId: string;
  readonly callerChannelId: string;
  readonly deps: FlowDeps;
  readonly log: Logger;
  readonly ended: boolean;
  own(channelId: string): void;
  disown(channelId: string): void;
  hangup(channelId: string, reason: CallerOutcome): Promise<void>;
  /** A fresh leg channel id of this call (`<callId>-<n>`). */
  nextLegId(): string;
}

export interface RingLeg {
  /** The channel to create: PJSIP/<endpoint> or PJSIP/<e164>@<trunk endpoint>. */
  endpoint: string;
  timeoutSeconds: number;
  record: Omit<LegStart, 'channelId'>;
  /** Channel variables set at creation: the caller ID the called party sees (CONNECTEDLINE) and the like. */
  variables: Record<string, string>;
  /** A leg through a trunk (flows/outbound-legs.ts): failover to the next trunk, and what the attempt holds. */
  trunk?: TrunkFailover;
}

/** What a trunk leg's failure leads to: the next trunk's leg, `exhausted` (no trunk left: congestion), or
 *  undefined when the provider's answer stands (busy, 404, a ring time used up). */
export type TrunkVerdict = RingLeg | 'exhausted' | undefined;

export interface TrunkFailover {
  /** How long the leg may go without 180/183 before it counts as failed with no response. */
  readonly progressTimeoutMs: number;
  /** The leg failed before answering with Q.850 `cause` (undefined: no response in time). */
  failed(cause: number | undefined, progressed: boolean): TrunkVerdict;
  answered(legId: string): void;
  /** The attempt is over without an answer (failed for good, stopped, answered elsewhere). */
  done(): void;
}

export class Ringer {
  private readonly status = new Map<string, string | undefined>();
  private readonly legs = new Map<string, RingLeg>();
  private readonly entered = new Map<string, () => void>();
  // Trunk legs: their provider progressed (180/183), their no-progress timer, a failure status awaiting its cause.
  private readonly progressed = new Set<string>();
  private readonly progressTimers = new Map<string, NodeJS.Timeout>();
  private readonly pendingStatus = new Map<string, string>();
  private answered: string | undefined;
  private settle: ((result: RingResult) => void) | undefined;
  private backstop: NodeJS.Timeout | undefined;

  constructor(private readonly host: LegHost) {}

  /** Rings every leg at once; resolves with the first answer or once every leg failed. Never rejects. */
  ring(legs: RingLeg[]): Promise<RingResult> {
    const result = new Promise<RingResult>((resolve) => (this.settle = resolve));
    if (legs.length === 0) {
      this.finish({ kind: 'failed', statuses: [] });
      return result;
    }
    const longest = Math.max(0, ...legs.map((leg) => leg.timeoutSeconds));
    this.backstop = setTimeout(() => void this.stop('NOANSWER'), longest * 1000 + BACKSTOP_MARGIN_MS);
    const ids = legs.map((leg) => this.prepare(leg));
    legs.forEach((leg, index) => void this.place(ids[index] as string, leg));
    return result;
  }

  /** Whether the event was about one of this ringer's legs (and so handled here). */
  handle(event: CallEvent): boolean {
    const channelId = event.type === 'Dial' ? event.peer.id : event.channel.id;
    if (!this.status.has(channelId) || channelId === this.answered) return false;
    if (event.type === 'StasisStart') this.entered.get(channelId)?.();
    else if (event.type === 'Dial') this.onDial(event);
    else if (event.type === 'ChannelDestroyed') this.legGone(channelId, event.cause);
    return true;
  }

  /** Gives up on every leg still ringing (a ring group's total time, a call that ended): each is hung up and
   *  counted with `status`; the result resolves as failed unless a leg already answered. */
  async stop(status = 'CANCEL', reason: HangupReason = 'normal'): Promise<void> {
    const ringing = [...this.status].filter(([, value]) => value === undefined).map(([id]) => id);
    await Promise.all(ringing.map(async (legId) => {
      this.legFailed(legId, status);
      await this.host.hangup(legId, reason);
    }));
    this.finish({ kind: 'failed', statuses: [...this.status.values()].map((value) => value ?? status) });
  }

  /** The call ended (its legs are hung up by the call): whoever waits on the result is released. */
  abandon(): void {
    this.finish({ kind: 'failed', statuses: [...this.status.values()].map((value) => value ?? 'CANCEL') });
  }

  private prepare(leg: RingLeg): string {
    const legId = this.host.nextLegId();
    // Owned before it exists: its first events may arrive before the REST call returns.
    this.host.own(legId);
    this.status.set(legId, undefined);
    this.legs.set(legId, leg);
    this.host.deps.recorder.legStarted(this.host.callId, { channelId: legId, ...leg.record });
    return legId;
  }

  private async place(legId: string, leg: RingLeg): Promise<void> {
    const { deps } = this.host;
    const inStasis = this.whenInStasis(legId);
    // Awaited below only if the channel gets created: a failed create must not leave the wait's timeout as an
    // unhandled rejection, which would end the whole process and every call it carries.
    inStasis.catch(() => undefined);
    try {
      await deps.ari.createChannel({ endpoint: leg.endpoint, app: deps.app, appArgs: 'dialed', originator: this.host.callerChannelId, channelId: legId, variables: leg.variables });
      await inStasis;
      if (this.host.ended || this.status.get(legId) !== undefined) return;
      // No `caller`: dialing with one would overwrite the connected line (the caller ID this leg shows) set above.
      await deps.ari.dial(legId, { timeout: leg.timeoutSeconds });
      if (leg.trunk && this.status.get(legId) === undefined) {
        this.progressTimers.set(legId, setTimeout(() => void this.noProgress(legId), leg.trunk.progressTimeoutMs));
      }
    } catch (error) {
      if (this.host.ended || this.status.get(legId) !== undefined || !this.status.has(legId)) return;
      this.host.log.warn('leg could not be rung', { endpoint: leg.endpoint, error: (error as Error).message });
      if (leg.trunk) this.trunkLegFailed(legId, leg.trunk, 0, 'CHANUNAVAIL');
      else this.legFailed(legId, 'CHANUNAVAIL');
      await this.host.hangup(legId, 'normal');
    }
  }

  /** A leg's channel is gone before it answered. A trunk leg's cause decides: the next trunk, or the failure. */
  private legGone(legId: string, cause: number): void {
    const trunk = this.legs.get(legId)?.trunk;
    if (!trunk) return this.legFailed(legId, dialStatusForCause(cause), cause);
    this.trunkLegFailed(legId, trunk, cause, this.pendingStatus.get(legId) ?? dialStatusForCause(cause));
  }

  private trunkLegFailed(legId: string, trunk: TrunkFailover, cause: number | undefined, status: string): void {
    // Once: a replaced leg is no longer known, a failed one has its status.
    if (!this.status.has(legId) || this.status.get(legId) !== undefined || this.host.ended) return;
    const verdict = trunk.failed(cause, this.progressed.has(legId));
    if (verdict === undefined) return this.legFailed(legId, status, cause);
    if (verdict === 'exhausted') return this.legFailed(legId, 'CONGESTION', cause);
    this.replace(legId, verdict, cause);
  }

  /** A trunk that sent no 180/183 in time: its leg is hung up and the next trunk tried. */
  private async noProgress(legId: string): Promise<void> {
    const trunk = this.legs.get(legId)?.trunk;
    if (!trunk || this.progressed.has(legId) || this.status.get(legId) !== undefined || this.host.ended) return;
    this.host.log.warn('trunk did not answer in time', { legId });
    this.trunkLegFailed(legId, trunk, undefined, 'CONGESTION');
    await this.host.hangup(legId, 'normal');
  }

  /** The failed leg gives way to `next` (same attempt, next trunk): it is no longer counted nor owned. */
  private replace(legId: string, next: RingLeg, cause: number | undefined): void {
    this.forget(legId);
    this.status.delete(legId);
    this.legs.delete(legId);
    this.host.deps.recorder.legEnded(this.host.callId, legId, 'failed', cause);
    this.host.disown(legId);
    this.host.log.info('trying the next trunk', { failedLegId: legId, cause, endpoint: next.endpoint });
    const nextId = this.prepare(next);
    void this.place(nextId, next);
  }

  private forget(legId: string): void {
    clearTimeout(this.progressTimers.get(legId));
    this.progressTimers.delete(legId);
    this.progressed.delete(legId);
    this.pendingStatus.delete(legId);
  }

  private whenInStasis(legId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.entered.delete(legId);
        reject(new Error('leg did not enter Stasis in time'));
      }, LEG_READY_TIMEOUT_MS);
      this.entered.set(legId, () => {
        clearTimeout(timer);
        this.entered.delete(legId);
        resolve();
      });
    });
  }

  private onDial(event: DialEvent): void {
    const legId = event.peer.id;
    const trunk = this.legs.get(legId)?.trunk;
    if (event.dialstatus === 'ANSWER') void this.answer(legId);
    else if (trunk && (event.dialstatus === 'RINGING' || event.dialstatus === 'PROGRESS')) {
      this.progressed.add(legId);
      clearTimeout(this.progressTimers.get(legId));
    } else if (FAILED_DIAL_STATUSES.has(event.dialstatus)) {
      // A trunk's failure is judged on its hangup cause (5xx and 408 fail over, 404 and busy stand), which
      // only the ChannelDestroyed that follows carries.
      if (trunk) this.pendingStatus.set(legId, event.dialstatus);
      else this.legFailed(legId, event.dialstatus);
    }
  }

  private legFailed(legId: string, status: string, cause?: number): void {
    if (this.status.get(legId) !== undefined || !this.status.has(legId)) return;
    this.status.set(legId, status);
    this.forget(legId);
    this.legs.get(legId)?.trunk?.done();
    this.host.deps.recorder.legEnded(this.host.callId, legId, legOutcomeForDialStatus(status), cause);
    this.host.disown(legId);
    this.host.log.info('leg did not answer', { legId, dialstatus: status });
    const statuses = [...this.status.values()];
    if (!this.answered && statuses.every((value) => value !== undefined)) this.finish({ kind: 'failed', statuses: statuses as string[] });
  }

  private async answer(legId: string): Promise<void> {
    if (this.answered || this.settle === undefined || this.host.ended) return;
    this.answered = legId;
    this.status.set(legId, 'ANSWER');
    this.forget(legId);
    this.legs.get(legId)?.trunk?.answered(legId);
    this.host.deps.recorder.legAnswered(this.host.callId, legId);
    this.finish({ kind: 'answered', legId, leg: this.legs.get(legId) as RingLeg });
    const others = [...this.status].filter(([id, value]) => id !== legId && value === undefined).map(([id]) => id);
    await Promise.all(others.map(async (id) => {
      this.status.set(id, 'ANSWERED_ELSEWHERE');
      this.forget(id);
      this.legs.get(id)?.trunk?.done();
      this.host.disown(id);
      this.host.deps.recorder.legEnded(this.host.callId, id, 'answered_elsewhere');
      await this.host.hangup(id, 'answered_elsewhere');
    }));
  }

  private finish(result: RingResult): void {
    clearTimeout(this.backstop);
    for (const timer of this.progressTimers.values()) clearTimeout(timer);
    this.progressTimers.clear();
    const settle = this.settle;
    this.settle = undefined;
    settle?.(result);
  }
}
