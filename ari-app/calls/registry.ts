// Which flow owns which channel. Every event for a channel goes to its owner; a channel no flow owns is an
// orphan for the sweeper. The registry also admits or refuses new calls (admission control).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { CallEvent } from '../../core/ari/events';

export interface CallFlow {
  readonly callId: string;
  handle(event: CallEvent): void;
}

/** Why Asterisk hung a call's channel up (Q.850): 16 a party's BYE, 44 a media time-out (rtp_timeout), ... */
export interface HangupCause {
  hangupChannelId: string;
  hangupCause: number;
  hangupCauseText?: string;
}

export type Admission = { admitted: true } | { admitted: false; why: 'at-capacity' | 'event-loop-lagging' };

export class CallRegistry {
  private readonly owners = new Map<string, CallFlow>();
  private readonly calls = new Set<CallFlow>();
  private readonly causes = new WeakMap<CallFlow, HangupCause>();
  private readonly loopDelay: IntervalHistogram;

  constructor(private readonly limits: { maxActiveCalls: number; maxEventLoopDelayMs: number }) {
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.loopDelay.enable();
    // A fresh window every few seconds: the refusal reflects now, not the whole uptime.
    setInterval(() => this.loopDelay.reset(), 5000).unref();
  }

  /** Decided before any work is done for a call: refusing early is cheaper than failing late. */
  admit(): Admission {
    if (this.calls.size >= this.limits.maxActiveCalls) return { admitted: false, why: 'at-capacity' };
    if (this.loopDelay.percentile(99) / 1e6 > this.limits.maxEventLoopDelayMs) return { admitted: false, why: 'event-loop-lagging' };
    return { admitted: true };
  }

  /** Called with every event before its flow sees it: the first hangup Asterisk reports for a call's channels
   *  is why the call ended, whatever the flow makes of it (a vanished phone: cause 44 after rtp_timeout). */
  noteHangup(event: CallEvent): void {
    if (event.type !== 'ChannelHangupRequest' && event.type !== 'ChannelDestroyed') return;
    const owner = this.owners.get(event.channel.id);
    if (!owner || this.causes.has(owner) || !event.cause) return;
    const text = event.type === 'ChannelDestroyed' ? event.cause_txt : undefined;
    this.causes.set(owner, { hangupChannelId: event.channel.id, hangupCause: event.cause, ...(text ? { hangupCauseText: text } : {}) });
  }

  hangupCauseOf(flow: CallFlow): HangupCause | undefined {
    return this.causes.get(flow);
  }

  claim(channelId: string, flow: CallFlow): void {
    this.owners.set(channelId, flow);
    this.calls.add(flow);
  }

  release(channelId: string): void {
    this.owners.delete(channelId);
  }

  finish(flow: CallFlow): void {
    this.calls.delete(flow);
    for (const [channelId, owner] of this.owners) if (owner === flow) this.owners.delete(channelId);
  }

  ownerOf(channelId: string): CallFlow | undefined {
    return this.owners.get(channelId);
  }

  owns(channelId: string): boolean {
    return this.owners.has(channelId);
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  stop(): void {
    this.loopDelay.disable();
  }
}
