// One call per caller channel, routed to destinations: a device dialing an extension of its account (the dial
// flow's internal branch, the `internal` flow args) or a provider's call to a trunk number (its route). It owns
// the caller channel, every leg it rings, the bridge, the call record and the hop count: each destination is
// served by a step (routing/resolver.ts) that answers, forwards to another destination or ends the call.
// Forwarding loops (A forwards to B, B to A) end at MAX_HOPS with SIP 483 Too Many Hops (through the dialplan).
import { randomUUID } from 'node:crypto';
import { endpointOf, type CallEvent, type ChannelSnapshot } from '../../core/ari/events';
import { isGone } from '../../core/ari/rest';
import { destinationFromColumns, type Destination } from '../../core/destinations';
import { callOutcomeFor, type CallOutcome, type PathStep } from '../calls/records';
import { stepFor, type RoutedCallView, type StepResult } from '../routing/resolver';
import { Call, isHangup, type CallerOutcome, type FlowDeps } from './call';
import { ExternalLegFactory } from './outbound-legs';
import { shownCallerId } from './ring-group';
import { Ringer, type LegHost, type RingLeg, type RingResult } from './ringer';

export const MAX_HOPS = 5;
// Q.850 25, exchange routing error: the loop's cause when the caller cannot be given 483 (chan_pjsip sends 603).
export const FORWARDING_LOOP = { code: 25 } as const;
// chan_pjsip answers cause 25 with 603: the loop's 483 is sent by the dialplan (asterisk-config extensions.conf).
const TOO_MANY_HOPS = 483;
const SIP_RESPONSE_CONTEXT = 'pbx-sip-response';

/** How the call came in: what was called (an extension, or the DID of an inbound call) and the path so far. */
export interface RouteEntry {
  to: string;
  path: PathStep[];
  inbound?: { did: string; trunk: string };
}

/** The caller ID a leg shows its called party: Asterisk sends the leg's connected line as the INVITE's From. */
export function connectedLineVariables(shown: { name: string; number: string }): Record<string, string> {
  return { 'CONNECTEDLINE(num,i)': shown.number, 'CONNECTEDLINE(name,i)': shown.name };
}

/** Whether a dialed string is an extension of the account's plan (from the routing cache). */
export async function isRoutableExtension(deps: FlowDeps, accountId: number, extension: string): Promise<boolean> {
  return (await deps.directory.extensionOwner(accountId, extension)) !== undefined;
}

export class RoutedCall extends Call {
  private readonly view: RoutedCallView;
  private readonly legHost: LegHost;
  private legCount = 0;
  private ringer: Ringer | undefined;
  private ringbackSent = false;
  private answeredLeg: string | undefined;
  private readonly external: ExternalLegFactory | undefined;
  // The last user the call was routed through: whose caller IDs a forward to an external number presents.
  private lastUserId: number | null = null;
  // The user whose own forward leads to the destination being served, while that is an external number: their
  // dialer access is what lets it out (flows/outbound-legs.ts).
  private forwardingUserId: number | null = null;
  private recordedOutcome: CallOutcome | undefined;

  constructor(deps: FlowDeps, private readonly channel: ChannelSnapshot, accountId: number, private readonly entry: RouteEntry) {
    super(deps, randomUUID(), accountId, { channelId: channel.id, to: entry.to });
    this.own(channel.id);
    const callerEndpoint = entry.inbound ? undefined : endpointOf(channel);
    const caller = { name: channel.caller.name, number: channel.caller.number };
    const call = this;
    const outbound = deps.outbound;
    this.external = outbound && new ExternalLegFactory(outbound, {
      callId: this.callId, accountId, log: this.log, did: entry.inbound?.did, responsibleUser: () => this.lastUserId, forwardingUser: () => this.forwardingUserId,
    });
    const external = this.external;
    this.view = {
      callId: this.callId, accountId, deps, log: this.log, callerEndpoint, caller,
      get ended() { return call.ended; },
      ring: (legs, options) => this.ring(legs, options),
      record: (step) => {
        if (step.type === 'user') this.lastUserId = step.userId;
        this.deps.recorder.pathStep(this.callId, step);
      },
      callerIdVariables: (prefix) => connectedLineVariables(shownCallerId(caller, prefix)),
      ...(external ? { externalLeg: (number: string, seconds: number, variables: Record<string, string>) => external.legs(number, seconds, variables) } : {}),
    };
    this.legHost = {
      callId: this.callId, callerChannelId: channel.id, deps, log: this.log,
      get ended() { return call.ended; },
      own: (id) => this.own(id),
      disown: (id) => this.disown(id),
      hangup: (id, reason) => this.hangup(id, reason),
      nextLegId: () => `${this.callId}-${this.legCount++}`,
    };
  }

  /** A call to an extension of the account: its owner in the plan is the first destination. */
  startAtExtension(extension: string): Promise<void> {
    this.recordStart();
    return this.step('route', async () => {
      const owner = await this.deps.directory.extensionOwner(this.accountId, extension);
      const destination = owner && destinationFromColumns({ target_type: owner.ownerType, target_id: owner.ownerId, external_number: null });
      if (!destination) return this.end('unknown extension', 'unallocated');
      await this.route(destination);
    });
  }

  /** A call whose first destination is known (a trunk number's route). */
  startAt(destination: Destination): Promise<void> {
    this.recordStart();
    return this.step('route', () => this.route(destination));
  }

  private recordStart(): void {
    const { inbound } = this.entry;
    this.deps.recorder.callStarted({
      callId: this.callId, accountId: this.accountId, channelId: this.channel.id, direction: inbound ? 'inbound' : 'internal',
      from: { number: this.channel.caller.number, name: this.channel.caller.name, endpointId: this.view.callerEndpoint },
      to: this.entry.to, did: inbound?.did, trunk: inbound?.trunk, path: this.entry.path,
    });
  }

  /** Serves destinations one after another (forwarding, failover) until one answers or the call ends. */
  private async route(first: Destination, hops = 0): Promise<void> {
    if (this.ended) return;
    if (hops >= MAX_HOPS) {
      this.log.warn('forwarding loop', { hops, destination: first });
      return this.endWithSipStatus(TOO_MANY_HOPS, 'forwarding loop', FORWARDING_LOOP);
    }
    const result = await stepFor(first)(this.view);
    await this.serve(result, hops, first);
  }

  private async serve(result: StepResult, hops: number, served: Destination): Promise<void> {
    if (this.ended) return;
    if (result.kind === 'answered') return this.connect(result);
    if (result.kind === 'end') {
      this.recordedOutcome = result.recorded;
      return this.end(result.reason, result.outcome);
    }
    this.view.record(result.via);
    // Only a user's own forwarding rule makes them the one dialing out; a ring group's failover does not.
    this.forwardingUserId = served.type === 'user' && result.destination.type === 'external' ? served.userId : null;
    this.log.info('routing on', { to: result.via, hops: hops + 1 });
    return this.route(result.destination, hops + 1);
  }

  private async ring(legs: RingLeg[], options: { withinMs?: number } = {}): Promise<RingResult> {
    if (this.ended) return { kind: 'failed', statuses: [] };
    if (!this.ringbackSent) {
      this.ringbackSent = true;
      await this.deps.ari.ring(this.channel.id);
    }
    const ringer = new Ringer(this.legHost);
    this.ringer = ringer;
    const timer = options.withinMs === undefined ? undefined : setTimeout(() => void ringer.stop('NOANSWER'), options.withinMs);
    try {
      return await ringer.ring(legs);
    } finally {
      clearTimeout(timer);
      if (this.ringer === ringer) this.ringer = undefined;
    }
  }

  handle(event: CallEvent): void {
    if (this.ended) return;
    const channelId = event.type === 'Dial' ? event.peer.id : event.channel.id;
    if (channelId === this.channel.id) {
      if (isHangup(event)) void this.end(this.answeredLeg ? 'caller hung up' : 'caller hung up while ringing');
      return;
    }
    if (channelId === this.answeredLeg) {
      if (event.type === 'ChannelDestroyed') this.deps.recorder.legEnded(this.callId, channelId, 'answered', event.cause);
      if (isHangup(event)) void this.end('callee hung up');
      return;
    }
    this.ringer?.handle(event);
  }

  private async connect(result: Extract<StepResult, { kind: 'answered' }>): Promise<void> {
    const legId = result.legId;
    this.answeredLeg = legId;
    this.deps.recorder.callAnswered(this.callId, result.by);
    // Bridging sends the trunk the caller channel's ID (a re-INVITE): it must stay the number presented on it.
    const presented = this.external?.presentedOn(legId);
    if (presented) await this.deps.ari.setVariable(this.channel.id, 'CALLERID(all)', `"${this.channel.caller.name.replace(/"/g, '')}" <${presented}>`);
    await this.deps.ari.answer(this.channel.id);
    const bridge = await this.deps.ari.createBridge({ bridgeId: `call-${this.callId}`, type: 'mixing', name: `call-${this.callId}` });
    this.bridgeId = bridge.id;
    await this.deps.ari.addToBridge(bridge.id, [this.channel.id, legId]);
    await this.deps.liveCalls.save({
      callId: this.callId, accountId: this.accountId, bridgeId: bridge.id, channelIds: [this.channel.id, legId], connectedAt: new Date().toISOString(),
    });
    this.log.info('call connected', { legId, bridgeId: bridge.id });
  }

  /** Ends the call with a SIP status no Q.850 cause gives (483): the caller channel goes on in the dialplan's
   *  [pbx-sip-response] (PJSIPHangup) and is no longer ours, so end() does not hang it up and its StasisEnd is
   *  nobody's event. If it cannot go there (gone, or already answered), it is hung up with `fallback`. */
  private async endWithSipStatus(status: number, why: string, fallback: CallerOutcome): Promise<void> {
    if (this.ended) return;
    const canContinue = this.answeredLeg === undefined;
    if (canContinue) this.disown(this.channel.id);
    const continued = canContinue && (await this.deps.ari.continueInDialplan(this.channel.id, { context: SIP_RESPONSE_CONTEXT, extension: String(status) }).then(() => true, (error: unknown) => {
      if (!isGone(error)) this.log.warn('caller not sent to the dialplan for its SIP status', { status, error: (error as Error).message });
      return false;
    }));
    if (!continued && canContinue) this.own(this.channel.id);
    await this.end(why, fallback);
  }

  protected override async end(why: string, outcome: CallerOutcome = 'normal'): Promise<void> {
    if (!this.ended) this.deps.recorder.callEnded(this.callId, this.recordedOutcome ?? callOutcomeFor(outcome, this.answeredLeg !== undefined), why);
    return super.end(why, outcome);
  }

  protected override onEnding(): void {
    // A step waiting on the ringer goes on, sees the call ended and stops; the legs are hung up by end().
    this.ringer?.abandon();
    this.external?.close();
  }
}
