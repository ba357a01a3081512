// A call from a device to an external number (or an emergency number) through the trunks serving the account.
// Non-emergency calls pass the toll-fraud rules (destination, calling hours), need the user's dialer access in
// the account, a caller ID they may use on the trunk (core/caller-id-policy.ts: their default first, and its
// trunk tried first) and a free outbound slot of the account; emergency calls pass no check, carry the account's
// callback number and tell the account's admins. Trunks are tried in order: 5xx, 408 or no provisional answer
// within the progress timeout moves to the next one. Refusals play a short announcement as early media, then
// give the caller a clear SIP failure:
//   403 (Q.850 21): international not allowed, premium rate, outside calling hours, no dialer access, no caller
//                   ID for the user
//   503 (Q.850 34): no trunk serves the account, the outbound limit is reached, every trunk failed
import { randomUUID } from 'node:crypto';
import { endpointOf, type CallEvent, type ChannelSnapshot, type DialEvent } from '../../core/ari/events';
import { isGone } from '../../core/ari/rest';
import { allowedCallerIds, emergencyCallerId, type Dialer } from '../../core/caller-id-policy';
import { checkDestination, withinCallingHours } from '../../core/dialing/toll-fraud';
import type { OutboundTrunk } from '../../db/repositories/trunks';
import { callOutcomeFor, type CallOutcome } from '../calls/records';
import { Call, isHangup, type CallerOutcome, type FlowDeps } from './call';
import { SLOT_REFRESH_MS } from './outbound-slots';
import type { AccountDialing, CallingDevice, OutboundServices } from './outbound-services';

export const REJECTED = { code: 21 } as const;
const SOUNDS = { noService: 'sound:ss-noservice', refused: 'sound:cannot-complete-as-dialed', allBusy: 'sound:all-circuits-busy-now' } as const;
const ANNOUNCEMENT_MAX_MS = 10_000;

/** Hangup causes of a trunk leg after which the next trunk is tried: SIP 5xx (500 41, 502 38, 503 34, 504 102,
 *  501 29, 27/42/47 network trouble) and 408 (18, 102). Anything else (busy, 404, 403, ...) is the answer. */
export const FAILOVER_CAUSES: ReadonlySet<number> = new Set([18, 27, 29, 34, 38, 41, 42, 47, 102]);

export type OutboundTarget = { kind: 'external'; e164: string } | { kind: 'emergency'; number: string };

interface Leg {
  id: string;
  trunk: OutboundTrunk;
  progressed: boolean;
  abandoned: boolean;
  callerId?: string;
  timer?: NodeJS.Timeout;
}

export class OutboundCall extends Call {
  private readonly to: string;
  private trunks: OutboundTrunk[] = [];
  private trunkIndex = -1;
  private leg: Leg | undefined;
  private answered = false;
  private holdsSlot = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private outcome: { outcome: CallOutcome; reason: string } | undefined;
  private dialer: Dialer | undefined;

  constructor(
    deps: FlowDeps,
    private readonly services: OutboundServices,
    private readonly caller: ChannelSnapshot,
    accountId: number,
    private readonly target: OutboundTarget,
    private readonly settings: AccountDialing,
    private readonly device: CallingDevice,
  ) {
    const to = target.kind === 'emergency' ? target.number : target.e164;
    super(deps, randomUUID(), accountId, { channelId: caller.id, to, emergency: target.kind === 'emergency' });
    this.to = to;
    this.own(caller.id);
  }

  start(): Promise<void> {
    this.deps.recorder.callStarted({
      callId: this.callId, accountId: this.accountId, channelId: this.caller.id, direction: 'outbound',
      from: { number: this.caller.caller.number, name: this.caller.caller.name, userId: this.device?.userId ?? undefined, endpointId: endpointOf(this.caller) },
      to: this.to, path: [{ type: 'external', number: this.to }],
    });
    return this.step('outbound', () => (this.target.kind === 'emergency' ? this.startEmergency() : this.startExternal(this.target.e164)));
  }

  private async startEmergency(): Promise<void> {
    this.log.warn('emergency call', { number: this.to, userId: this.device?.userId });
    this.services.notifyEmergency({
      accountId: this.accountId, userId: this.device?.userId ?? null, device: this.device?.label ?? endpointOf(this.caller),
      number: this.to, placedAt: this.services.now().toISOString(), callId: this.callId,
    });
    this.trunks = await this.services.directory.trunks(this.accountId);
    if (this.trunks.length === 0) return this.refuse(SOUNDS.noService, 'congestion', 'failed', 'no trunk');
    await this.deps.ari.ring(this.caller.id);
    await this.tryNextTrunk('first trunk');
  }

  private async startExternal(e164: string): Promise<void> {
    const verdict = checkDestination(e164, this.settings);
    if (!verdict.allowed) return this.refuse(SOUNDS.refused, REJECTED, 'refused', verdict.reason);
    if (!withinCallingHours(this.settings.callingHours, this.services.now())) return this.refuse(SOUNDS.refused, REJECTED, 'refused', 'outside calling hours');
    const trunks = await this.services.directory.trunks(this.accountId);
    if (trunks.length === 0) return this.refuse(SOUNDS.noService, 'congestion', 'failed', 'no trunk');
    const userId = this.device?.userId ?? null;
    this.dialer = userId === null ? undefined : await this.services.directory.dialer(this.accountId, userId);
    if (!this.dialer) return this.refuse(SOUNDS.noService, REJECTED, 'refused', 'no dialer access');
    this.trunks = this.trunksInOrder(trunks, this.dialer);
    if (this.trunks.length === 0) return this.refuse(SOUNDS.noService, REJECTED, 'refused', 'no caller ID');
    if (!(await this.services.slots.acquire(this.accountId, this.callId, this.settings.maxConcurrentOutbound))) {
      return this.refuse(SOUNDS.allBusy, 'congestion', 'refused', 'outbound limit reached');
    }
    // The caller may have hung up while the slot was being taken: end() ran without it, so give it back here.
    if (this.ended) {
      void this.services.slots.release(this.accountId, this.callId);
      return;
    }
    this.holdsSlot = true;
    // Kept alive from the start: a call that rings past the slot's expiry still counts against the limit.
    this.refreshTimer = setInterval(() => void this.services.slots.refresh(this.accountId, this.callId), SLOT_REFRESH_MS);
    await this.deps.ari.ring(this.caller.id);
    await this.tryNextTrunk('first trunk');
  }

  /** The trunks on which the user has a caller ID, in order; the one carrying their default caller ID first
   *  (a number can be presented only through its own trunk). */
  private trunksInOrder(trunks: OutboundTrunk[], dialer: Dialer): OutboundTrunk[] {
    const usable = trunks.filter((trunk) => this.callerIdOn(trunk) !== undefined);
    const home = usable.find((trunk) => trunk.numbers.some((held) => held.id === dialer.defaultNumberId && held.number === this.callerIdOn(trunk)));
    return home ? [home, ...usable.filter((trunk) => trunk !== home)] : usable;
  }

  /** The caller ID sent on a trunk: the callback number for emergencies (else any number of the account on
   *  it: an emergency skips every check), otherwise the first number the policy lets this dialer present. */
  private callerIdOn(trunk: OutboundTrunk): string | undefined {
    if (this.target.kind === 'emergency') return emergencyCallerId(this.settings.callbackNumber, this.accountId, trunk.numbers);
    return allowedCallerIds(this.dialer ?? null, this.accountId, trunk.numbers)[0];
  }

  private async tryNextTrunk(why: string): Promise<void> {
    if (this.ended) return;
    this.trunkIndex += 1;
    const trunk = this.trunks[this.trunkIndex];
    if (!trunk) return this.finish('congestion', 'failed', 'all trunks failed');
    if (this.trunkIndex > 0) this.log.info('trying the next trunk', { trunk: trunk.name, why });
    const leg: Leg = { id: `${this.callId}-${this.trunkIndex}`, trunk, progressed: false, abandoned: false };
    this.leg = leg;
    this.own(leg.id);
    this.deps.recorder.legStarted(this.callId, { channelId: leg.id, kind: 'external', number: this.to, trunk: trunk.name });
    const callerId = this.callerIdOn(trunk);
    // The leg's connected line is what the provider is sent as From and P-Asserted-Identity; the leg's own caller
    // ID is the called number, which the phone is shown once the call is bridged.
    const variables: Record<string, string> = { 'CALLERID(num)': this.to, ...(callerId ? { 'CONNECTEDLINE(num,i)': callerId } : {}) };
    leg.callerId = callerId;
    try {
      await this.deps.ari.createChannel({ endpoint: `PJSIP/${this.to}@${trunk.endpointId}`, app: this.deps.app, appArgs: 'dialed', originator: this.caller.id, channelId: leg.id, variables });
      // Leg channels enter Stasis as they are created (the dialed flow is ignored by the dispatcher); dialing
      // without `caller` keeps the connected line set above, which Asterisk sends as From and P-Asserted-Identity.
      await this.dialWhenReady(leg);
    } catch (error) {
      if (this.ended || leg.abandoned) return;
      this.log.warn('trunk leg could not be placed', { trunk: trunk.name, error: (error as Error).message });
      await this.legFailed(leg, 'leg not placed');
    }
  }

  /** A created channel is dialable once it is in Stasis; a dial before that answers 409, so it is retried briefly. */
  private async dialWhenReady(leg: Leg): Promise<void> {
    const timeout = Math.max(this.deps.ringTimeoutSeconds, 60);
    for (let attempt = 0; ; attempt += 1) {
      if (this.ended || leg.abandoned) return;
      try {
        await this.deps.ari.dial(leg.id, { timeout });
        break;
      } catch (error) {
        if (!isGone(error) || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    leg.timer = setTimeout(() => void this.noProgress(leg), this.services.trunkProgressTimeoutMs);
  }

  private async noProgress(leg: Leg): Promise<void> {
    if (this.ended || leg.progressed || leg.abandoned) return;
    this.log.warn('trunk did not answer in time', { trunk: leg.trunk.name });
    await this.legFailed(leg, 'no response', true);
  }

  /** The leg is given up (and hung up if `hangup`); the next trunk is tried. */
  private async legFailed(leg: Leg, why: string, hangup = false, cause?: number): Promise<void> {
    if (leg.abandoned) return;
    leg.abandoned = true;
    clearTimeout(leg.timer);
    this.disown(leg.id);
    this.deps.recorder.legEnded(this.callId, leg.id, 'failed', cause);
    if (hangup) await this.hangup(leg.id);
    await this.step('failover', () => this.tryNextTrunk(`${leg.trunk.name}: ${why}`));
  }

  handle(event: CallEvent): void {
    if (this.ended) return;
    const channelId = event.type === 'Dial' ? event.peer.id : event.channel.id;
    if (channelId === this.caller.id) {
      if (isHangup(event)) void this.finish('normal', this.answered ? 'answered' : 'no_answer', this.answered ? 'caller hung up' : 'caller hung up while ringing');
      return;
    }
    const leg = this.leg;
    if (!leg || channelId !== leg.id || leg.abandoned) return;
    if (event.type === 'Dial') this.onDial(leg, event);
    else if (event.type === 'ChannelDestroyed') void this.onLegGone(leg, event.cause);
  }

  private onDial(leg: Leg, event: DialEvent): void {
    if (event.dialstatus === 'RINGING' || event.dialstatus === 'PROGRESS') {
      leg.progressed = true;
      clearTimeout(leg.timer);
    } else if (event.dialstatus === 'ANSWER') {
      leg.progressed = true;
      clearTimeout(leg.timer);
      void this.connect(leg);
    }
  }

  /** The trunk leg ended: after an answer the call ends; before, its cause decides between the next trunk and
   *  the caller's answer (the provider's cause passed on: busy stays busy, 404 stays 404). */
  private async onLegGone(leg: Leg, cause: number): Promise<void> {
    clearTimeout(leg.timer);
    if (this.answered) {
      this.deps.recorder.legEnded(this.callId, leg.id, 'answered', cause);
      return this.finish('normal', 'answered', 'callee hung up');
    }
    if (FAILOVER_CAUSES.has(cause) || (!leg.progressed && (cause === 0 || cause === 16))) return this.legFailed(leg, `cause ${cause}`, false, cause);
    leg.abandoned = true;
    this.disown(leg.id);
    const outcome: CallOutcome = cause === 17 ? 'busy' : cause === 19 || cause === 16 ? 'no_answer' : 'failed';
    this.deps.recorder.legEnded(this.callId, leg.id, outcome === 'failed' ? 'failed' : outcome, cause);
    return this.finish(cause === 16 || cause === 0 ? 'no_answer' : { code: cause }, outcome, `provider answered cause ${cause}`);
  }

  private connect(leg: Leg): Promise<void> {
    if (this.answered) return Promise.resolve();
    this.answered = true;
    this.deps.recorder.legAnswered(this.callId, leg.id);
    this.deps.recorder.callAnswered(this.callId, { legId: leg.id, number: this.to });
    return this.step('connect', async () => {
      // Bridging sends each side the other's caller ID (a re-INVITE to the provider): the provider must see the
      // caller ID chosen above, never the phone's internal extension.
      if (leg.callerId) await this.deps.ari.setVariable(this.caller.id, 'CALLERID(all)', `<${leg.callerId}>`);
      await this.deps.ari.answer(this.caller.id);
      const bridge = await this.deps.ari.createBridge({ bridgeId: `call-${this.callId}`, type: 'mixing', name: `call-${this.callId}` });
      this.bridgeId = bridge.id;
      await this.deps.ari.addToBridge(bridge.id, [this.caller.id, leg.id]);
      await this.deps.liveCalls.save({ callId: this.callId, accountId: this.accountId, bridgeId: bridge.id, channelIds: [this.caller.id, leg.id], connectedAt: new Date().toISOString() });
      this.log.info('outbound call connected', { trunk: leg.trunk.name, legId: leg.id });
    });
  }

  /** A short announcement as early media (183), then the failure. The caller hanging up cuts it short. */
  private async refuse(sound: string, callerOutcome: CallerOutcome, outcome: CallOutcome, reason: string): Promise<void> {
    this.log.info('outbound call refused', { reason });
    this.outcome = { outcome, reason };
    try {
      await this.deps.ari.progress(this.caller.id);
      const playback = await this.deps.ari.play(this.caller.id, sound, `${this.callId}-announcement`);
      const deadline = Date.now() + ANNOUNCEMENT_MAX_MS;
      while (!this.ended && Date.now() < deadline) {
        const playing = await this.deps.ari.getPlayback(playback.id).then(() => true, (error: unknown) => !isGone(error));
        if (!playing) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } catch (error) {
      if (!isGone(error)) this.log.warn('announcement not played', { sound, error: (error as Error).message });
    }
    await this.finish(callerOutcome, outcome, reason);
  }

  private async finish(callerOutcome: CallerOutcome, outcome: CallOutcome, reason: string): Promise<void> {
    this.outcome ??= { outcome, reason };
    await this.end(reason, callerOutcome);
  }

  /** Every ending is recorded once: a refusal's reason wins over the caller hanging up during its announcement,
   *  and a failed step (ARI or database trouble) is recorded as failed. */
  protected override async end(why: string, callerOutcome: CallerOutcome = 'normal'): Promise<void> {
    if (!this.ended) {
      const recorded = this.outcome ?? { outcome: callOutcomeFor(callerOutcome, this.answered), reason: why };
      this.deps.recorder.callEnded(this.callId, recorded.outcome, recorded.reason);
    }
    return super.end(why, callerOutcome);
  }

  protected override onEnding(): void {
    clearTimeout(this.leg?.timer);
    clearInterval(this.refreshTimer);
    if (this.holdsSlot) void this.services.slots.release(this.accountId, this.callId);
  }
}
