// A call from a device to an extension of the same account: ring every enabled device of that extension,
// give the caller ringback, bridge the first to answer, and end both legs together. When nobody answers the
// caller gets the SIP outcome a phone user expects: 486 busy, 480 no answer or unreachable, 404 unknown.
import { randomUUID } from 'node:crypto';
import type { CallEvent, ChannelSnapshot, DialEvent } from '../../core/ari/events';
import { Call, isHangup, type CallerOutcome, type FlowDeps } from './call';
import { callOutcomeFor, legOutcomeForDialStatus, type PathStep } from '../calls/records';

// Q.850 cause 20, subscriber absent: Asterisk answers it with SIP 480 Temporarily Unavailable.
const SUBSCRIBER_ABSENT = { code: 20 } as const;

/** What the caller hears when every device failed, most telling first: busy beats no answer beats unreachable. */
export function outcomeForFailedLegs(statuses: string[]): CallerOutcome {
  if (statuses.includes('BUSY')) return 'busy';
  if (statuses.includes('NOANSWER')) return 'no_answer';
  if (statuses.includes('CONGESTION')) return 'congestion';
  return SUBSCRIBER_ABSENT;
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

export class InternalCall extends Call {
  private readonly legStatus = new Map<string, string | undefined>();
  /** Legs created but not yet in Stasis: dialing them before their StasisStart fails with 409. */
  private readonly legEnteredStasis = new Map<string, () => void>();
  private answeredLeg: string | undefined;
  private ringTimer: NodeJS.Timeout | undefined;

  /** `inbound`: a call from a provider's trunk to one of its numbers (DID), rather than from a device. */
  constructor(deps: FlowDeps, private readonly caller: ChannelSnapshot, accountId: number, private readonly extension: string, private readonly inbound?: { did: string; trunk: string }) {
    super(deps, randomUUID(), accountId, { channelId: caller.id, extension });
    this.own(caller.id);
  }

  start(): Promise<void> {
    this.recordStart();
    return this.step('ring', async () => {
      const targets = await this.deps.directory.ringTargets(this.accountId, this.extension);
      const callerEndpoint = endpointOf(this.caller);
      const others = targets.filter((target) => target.endpointId !== callerEndpoint);
      if (others.length === 0) {
        await this.end(targets.length === 0 ? 'unknown extension' : 'dialed own extension', 'unallocated');
        return;
      }
      const reachable = await this.reachableEndpoints(others.map((target) => target.endpointId));
      if (reachable.length === 0) {
        await this.end('no device registered', SUBSCRIBER_ABSENT);
        return;
      }
      this.log.info('ringing', { devices: reachable.length });
      await this.deps.ari.ring(this.caller.id);
      await Promise.all(reachable.map((endpointId) => this.ringDevice(endpointId)));
      // Asterisk's dial timeout reports NOANSWER; this is the backstop if that event were ever lost.
      this.ringTimer = setTimeout(() => void this.end('ring timeout backstop', 'no_answer'), (this.deps.ringTimeoutSeconds + 5) * 1000);
    });
  }

  private recordStart(): void {
    const { inbound } = this;
    const path: PathStep[] = [{ type: 'extension', extension: this.extension }];
    if (inbound) path.unshift({ type: 'number', number: inbound.did });
    this.deps.recorder.callStarted({
      callId: this.callId, accountId: this.accountId, channelId: this.caller.id, direction: inbound ? 'inbound' : 'internal',
      from: { number: this.caller.caller.number, name: this.caller.caller.name, endpointId: inbound ? undefined : endpointOf(this.caller) },
      to: inbound?.did ?? this.extension, did: inbound?.did, trunk: inbound?.trunk, path,
    });
  }

  protected override async end(why: string, outcome: CallerOutcome = 'normal'): Promise<void> {
    if (!this.ended) this.deps.recorder.callEnded(this.callId, callOutcomeFor(outcome, this.answeredLeg !== undefined), why);
    return super.end(why, outcome);
  }

  /** Devices with a live registration. (ARI's endpoint state reads "offline" for realtime endpoints whose
   *  contacts are not qualified, so the registrar's own records decide.) */
  private async reachableEndpoints(endpointIds: string[]): Promise<string[]> {
    const registered = await this.deps.directory.registered(endpointIds);
    return endpointIds.filter((id) => registered.has(id));
  }

  private async ringDevice(endpointId: string): Promise<void> {
    const legId = `${this.callId}-${this.legStatus.size}`;
    // Owned before it exists: its first events may arrive before the REST call returns.
    this.own(legId);
    this.legStatus.set(legId, undefined);
    this.deps.recorder.legStarted(this.callId, { channelId: legId, kind: 'device', endpointId });
    const inStasis = this.whenInStasis(legId);
    // Awaited below only if the channel gets created: a failed create must not leave the wait's timeout as an
    // unhandled rejection, which would end the whole process and every call it carries.
    inStasis.catch(() => undefined);
    try {
      await this.deps.ari.createChannel({ endpoint: `PJSIP/${endpointId}`, app: this.deps.app, appArgs: 'dialed', originator: this.caller.id, channelId: legId });
      await inStasis;
      if (this.ended || this.legStatus.get(legId) !== undefined) return;
      await this.deps.ari.dial(legId, { caller: this.caller.id, timeout: this.deps.ringTimeoutSeconds });
    } catch (error) {
      this.log.warn('device could not be rung', { endpointId, error: (error as Error).message });
      this.legFailed(legId, 'CHANUNAVAIL');
    }
  }

  private whenInStasis(legId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.legEnteredStasis.delete(legId);
        reject(new Error('leg did not enter Stasis in time'));
      }, LEG_READY_TIMEOUT_MS);
      this.legEnteredStasis.set(legId, () => {
        clearTimeout(timer);
        this.legEnteredStasis.delete(legId);
        resolve();
      });
    });
  }

  handle(event: CallEvent): void {
    if (this.ended) return;
    const channelId = event.type === 'Dial' ? event.peer.id : event.channel.id;
    if (channelId === this.caller.id) {
      if (isHangup(event)) void this.end(this.answeredLeg ? 'caller hung up' : 'caller hung up while ringing');
      return;
    }
    if (event.type === 'StasisStart') this.legEnteredStasis.get(channelId)?.();
    else if (event.type === 'Dial') this.onDial(event);
    else if (event.type === 'ChannelDestroyed') this.onLegGone(channelId, event.cause);
    else if (isHangup(event) && channelId === this.answeredLeg) void this.end('callee hung up');
  }

  private onDial(event: DialEvent): void {
    const legId = event.peer.id;
    if (event.dialstatus === 'ANSWER') void this.connect(legId);
    else if (FAILED_DIAL_STATUSES.has(event.dialstatus)) this.legFailed(legId, event.dialstatus);
  }

  /** A leg is destroyed. While ringing, its Dial event usually told why already; if not, its cause does. */
  private onLegGone(legId: string, cause: number): void {
    if (legId === this.answeredLeg) {
      this.deps.recorder.legEnded(this.callId, legId, 'answered', cause);
      void this.end('callee hung up');
      return;
    }
    this.legFailed(legId, dialStatusForCause(cause), cause);
  }

  private legFailed(legId: string, status: string, cause?: number): void {
    if (!this.legStatus.has(legId) || this.legStatus.get(legId) !== undefined) return;
    this.legStatus.set(legId, status);
    this.deps.recorder.legEnded(this.callId, legId, legOutcomeForDialStatus(status), cause);
    this.disown(legId);
    this.log.info('device did not answer', { legId, dialstatus: status });
    const statuses = [...this.legStatus.values()];
    if (!this.answeredLeg && statuses.every((value) => value !== undefined)) {
      void this.end('no device answered', outcomeForFailedLegs(statuses as string[]));
    }
  }

  private connect(legId: string): Promise<void> {
    if (this.answeredLeg) return Promise.resolve();
    this.answeredLeg = legId;
    this.legStatus.set(legId, 'ANSWER');
    clearTimeout(this.ringTimer);
    this.deps.recorder.legAnswered(this.callId, legId);
    this.deps.recorder.callAnswered(this.callId, { legId, number: this.extension });
    return this.step('connect', async () => {
      const others = [...this.legStatus.keys()].filter((id) => id !== legId && this.channels.has(id));
      await Promise.all(others.map(async (id) => {
        this.disown(id);
        this.deps.recorder.legEnded(this.callId, id, 'answered_elsewhere');
        await this.hangup(id, 'answered_elsewhere');
      }));
      await this.deps.ari.answer(this.caller.id);
      const bridge = await this.deps.ari.createBridge({ bridgeId: `call-${this.callId}`, type: 'mixing', name: `call-${this.callId}` });
      this.bridgeId = bridge.id;
      await this.deps.ari.addToBridge(bridge.id, [this.caller.id, legId]);
      await this.deps.liveCalls.save({
        callId: this.callId,
        accountId: this.accountId,
        bridgeId: bridge.id,
        channelIds: [this.caller.id, legId],
        connectedAt: new Date().toISOString(),
      });
      this.log.info('call connected', { legId, bridgeId: bridge.id });
    });
  }

  protected override onEnding(): void {
    clearTimeout(this.ringTimer);
  }
}

/** The PJSIP endpoint of a channel, from its name (PJSIP/<endpoint>-<sequence>). */
function endpointOf(channel: ChannelSnapshot): string {
  return channel.name.replace(/^PJSIP\//, '').replace(/-[0-9a-f]+$/, '');
}
