// Which flow owns which channel. Every event for a channel goes to its owner; a channel no flow owns is an
// orphan for the sweeper. The registry also admits or refuses new calls (admission control).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { CallEvent } from '../../core/ari/events';
import { EntryLag } from './entry-lag';

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

export type Admission = { admitted: true } | { admitted: false; why: 'at-capacity' | 'event-loop-lagging' | 'asterisk-lagging'; lagMs?: number };

export interface AdmissionLimits {
  maxActiveCalls: number;
  maxEventLoopDelayMs: number;
  /** New calls are refused while the p90 of their wait in Asterisk (channel created to StasisStart here) over
   *  the last two seconds is above this: Asterisk is saturated and every call admitted now would be late. */
  maxEntryLagMs?: number;
}

const ENTRY_LAG_WINDOW_MS = 2000;
const ENTRY_LAG_MIN_SAMPLES = 5;

export class CallRegistry {
  private readonly owners = new Map<string, CallFlow>();
  private readonly calls = new Set<CallFlow>();
  private readonly causes = new WeakMap<CallFlow, HangupCause>();
  private readonly loopDelay: IntervalHistogram;
  private readonly entryLag = new EntryLag(ENTRY_LAG_WINDOW_MS);

  constructor(private readonly limits: AdmissionLimits) {
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.loopDelay.enable();
    // A fresh window every few seconds: the refusal reflects now, not the whole uptime.
    setInterval(() => this.loopDelay.reset(), 5000).unref();
  }

  /** Decided before any work is done for a call: refusing early is cheaper than failing late. */
  admit(): Admission {
    if (this.calls.size >= this.limits.maxActiveCalls) return { admitted: false, why: 'at-capacity' };
    if (this.loopDelay.percentile(99) / 1e6 > this.limits.maxEventLoopDelayMs) return { admitted: false, why: 'event-loop-lagging' };
    const lagMs = this.limits.maxEntryLagMs === undefined ? undefined : this.entryLag.percentile(0.9, ENTRY_LAG_MIN_SAMPLES);
    if (lagMs !== undefined && lagMs > (this.limits.maxEntryLagMs ?? Infinity)) return { admitted: false, why: 'asterisk-lagging', lagMs };
    return { admitted: true };
  }

  /** Called with every event before its flow sees it (app.ts): times new calls' entry, notes hangup causes. */
  observe(event: CallEvent): void {
    // A channel nobody owns entering Stasis is a new call (legs we create are owned before they exist).
    if (event.type === 'StasisStart' && !this.owners.has(event.channel.id)) this.entryLag.record(event.channel.creationtime);
    else this.noteHangup(event);
  }

  /** Called with every event before its flow sees it: the first hangup Asterisk reports for a call's channels
   *  is why the call ended, whatever the flow makes of it (a vanished phone: cause 44 after rtp_timeout). */
  private noteHangup(event: CallEvent): void {
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
