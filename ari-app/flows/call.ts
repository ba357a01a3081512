// What every call flow shares: the channels it owns, its bridge, and one idempotent way to end that never
// throws, so a failure in one call ends that call cleanly and touches no other.
import { errorDetails, type Logger } from '../../core/logger';
import type { CallEvent } from '../../core/ari/events';
import { isGone, type AriRest, type HangupReason } from '../../core/ari/rest';
import type { LiveCallStore } from '../../core/live-calls';
import type { CallFlow, CallRegistry } from '../calls/registry';
import type { CallRecorder } from '../calls/records';
import type { OutboundServices } from './outbound-services';
import { callerOutcomeFor, type RoutingDirectory } from '../routing/directory';

export interface FlowDeps {
  ari: AriRest;
  app: string;
  registry: CallRegistry;
  liveCalls: LiveCallStore;
  directory: RoutingDirectory;
  logger: Logger;
  ringTimeoutSeconds: number;
  /** Call records: every flow reports what it did (ari-app/calls/records.ts). Never throws, never waits. */
  recorder: CallRecorder;
  /** Trunks, toll-fraud settings and outbound slots, for routed calls to external numbers (absent: refused). */
  outbound?: OutboundServices;
}

export type CallerOutcome = HangupReason | { code: number };

const HANGUP_EVENTS: ReadonlySet<CallEvent['type']> = new Set(['StasisEnd', 'ChannelDestroyed', 'ChannelHangupRequest']);

export function isHangup(event: CallEvent): boolean {
  return HANGUP_EVENTS.has(event.type);
}

export abstract class Call implements CallFlow {
  protected readonly channels = new Set<string>();
  protected bridgeId: string | undefined;
  protected ended = false;
  protected readonly log: Logger;

  constructor(protected readonly deps: FlowDeps, readonly callId: string, readonly accountId: number, meta: Record<string, unknown>) {
    this.log = deps.logger.child({ callId, accountId, ...meta });
  }

  abstract handle(event: CallEvent): void;

  /** Claims a channel for this call. A call that already ended (its caller hung up while a step awaited) claims
   *  nothing more: the channel is hung up instead, so no leg outlives its call unowned by the sweep. */
  protected own(channelId: string): void {
    if (this.ended) {
      void this.hangup(channelId);
      return;
    }
    this.channels.add(channelId);
    this.deps.registry.claim(channelId, this);
  }

  protected disown(channelId: string): void {
    this.channels.delete(channelId);
    this.deps.registry.release(channelId);
  }

  /** Hangs up a channel that may already be gone; a 404 just means the other side was faster. */
  protected async hangup(channelId: string, reason: CallerOutcome = 'normal'): Promise<void> {
    try {
      await this.deps.ari.hangup(channelId, reason);
    } catch (error) {
      if (isGone(error)) this.log.debug('channel already gone', { channelId });
      else this.log.warn('hangup failed', { channelId, error: (error as Error).message });
    }
  }

  /** Ends the call: every channel it still owns, its bridge, its live state. Safe to call twice. */
  protected async end(why: string, outcome: CallerOutcome = 'normal'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.onEnding();
    const channels = [...this.channels];
    this.deps.registry.finish(this);
    this.log.info('call ended', { why, outcome: typeof outcome === 'string' ? outcome : `cause ${outcome.code}`, ...this.deps.registry.hangupCauseOf(this) });
    await Promise.all(channels.map((channelId) => this.hangup(channelId, outcome)));
    if (this.bridgeId) {
      await this.deps.ari.destroyBridge(this.bridgeId).catch((error: unknown) => {
        if (!isGone(error)) this.log.warn('bridge not destroyed', { bridgeId: this.bridgeId, error: (error as Error).message });
      });
    }
    await this.deps.liveCalls.remove(this.callId).catch((error: unknown) => this.log.warn('live state not removed', { error: errorDetails(error) }));
  }

  /** Hook for flows to clear their timers. */
  protected onEnding(): void {}

  /** Runs a step of the flow; any unexpected failure ends this call (never the process). */
  protected async step(name: string, work: () => Promise<void>): Promise<void> {
    if (this.ended) return;
    try {
      await work();
    } catch (error) {
      if (isGone(error)) {
        this.log.debug('a channel left during a step', { step: name });
        await this.end('channel gone');
      } else {
        this.log.error('call step failed', { step: name, error: errorDetails(error) });
        // Routing that can't be read (database down, route never in memory) is 503: the caller may retry.
        await this.end('failure', callerOutcomeFor(error));
      }
    }
  }
}

/** A connected call found in Redis after a restart: both legs are still up; end both when either leaves. */
export class AdoptedCall extends Call {
  private readonly callerChannelId: string | undefined;

  constructor(deps: FlowDeps, callId: string, accountId: number, bridgeId: string, channelIds: string[]) {
    super(deps, callId, accountId, { adopted: true });
    this.callerChannelId = channelIds[0];
    this.bridgeId = bridgeId;
    for (const channelId of channelIds) this.own(channelId);
  }

  handle(event: CallEvent): void {
    if (!isHangup(event) || this.ended) return;
    // Its record was opened by the app that connected it: completed here, with who left.
    const why = event.type !== 'Dial' && event.channel.id === this.callerChannelId ? 'caller hung up' : 'callee hung up';
    this.deps.recorder.callEnded(this.callId, 'answered', why);
    void this.end(why);
  }
}
