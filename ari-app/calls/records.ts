// Call records: what every flow reports about its call, and the one writer that puts it in MariaDB.
//
// Flows call the CallRecorder interface below (deps.recorder) as things happen. Every method returns at once:
// the writer queues the change and writes it in the background, in order, in batches of one transaction each.
// Recording is best effort: a database that is down or slow never fails, blocks or delays a call. Changes wait
// (bounded queue) while the database is unreachable and are written when it returns; past the bound new changes
// are dropped with a warning, and the reconciler later closes any record left open ('failed', 'interrupted').
import { randomUUID } from 'node:crypto';
import { isDatabaseUnavailable, type Database, type Queryable } from '../../db/connection';
import {
  appendPathStep, endCall, endLeg, findOpenCallRecords, insertCallRecord, insertLeg, markCallAnswered, markLegAnswered,
  type CallDirection, type CallOutcome, type CallPathStep,
} from '../../db/repositories/call-records';
import { errorDetails, type Logger } from '../../core/logger';
import type { HangupReason } from '../../core/ari/rest';

export type { CallDirection, CallOutcome };

/** One step of the route a call took, in order: `number` (a DID) → `extension` → `user` / `ring_group` →
 *  `forward` (condition and target) → ... Flows add the kinds they need; the API shows them as stored. */
export type PathStep =
  | { type: 'number'; number: string }
  | { type: 'extension'; extension: string }
  | { type: 'user'; userId: number }
  | { type: 'ring_group'; id: number; name?: string }
  | { type: 'forward'; condition: 'always' | 'busy' | 'no_answer' | 'unreachable'; to: { type: string; id?: number; number?: string } }
  | { type: 'external'; number: string; trunk?: string }
  | { type: 'hangup' };

export interface CallStart {
  /** The flow's callId: the record's id. */
  callId: string;
  accountId: number;
  direction: CallDirection;
  /** The caller's channel: the reconciler closes the record once no flow owns it. */
  channelId: string;
  /** Caller ID number and name as received; the user when the flow knows it, else the calling device's. */
  from: { number: string; name?: string; userId?: number; endpointId?: string };
  /** What was dialed: an extension, or the DID for inbound calls. */
  to: string;
  did?: string;
  /** The trunk's name (trunks.name) an inbound or outbound call used. */
  trunk?: string;
  path: PathStep[];
}

export interface LegStart {
  channelId: string;
  kind: 'device' | 'external';
  /** A device's PJSIP endpoint (its user is read from the device), or an external number (and its trunk). */
  endpointId?: string;
  userId?: number;
  number?: string;
  trunk?: string;
}

/** How a leg ended: a Dial status classified, or the call's own decision. */
export type LegOutcome = 'answered' | 'busy' | 'no_answer' | 'unreachable' | 'failed' | 'answered_elsewhere' | 'cancelled';

export interface AnsweredBy {
  /** The answering leg: its device's user is taken when userId is not given. */
  legId?: string;
  userId?: number;
  number?: string;
}

/**
 * What flows tell the record. Calls for one callId come in this order: callStarted, then any of legStarted /
 * legAnswered / legEnded / pathStep / callAnswered, then callEnded (once; it also closes legs left open, as
 * 'answered' or 'cancelled'). Reasons are short, for people: 'unknown extension', 'no device registered',
 * 'caller hung up while ringing', 'forwarding loop', 'media timeout'.
 */
export interface CallRecorder {
  callStarted(call: CallStart): void;
  legStarted(callId: string, leg: LegStart): void;
  legAnswered(callId: string, legId: string): void;
  legEnded(callId: string, legId: string, outcome: LegOutcome, hangupCause?: number): void;
  pathStep(callId: string, step: PathStep): void;
  callAnswered(callId: string, by: AnsweredBy): void;
  callEnded(callId: string, outcome: CallOutcome, reason?: string): void;
}

/** A call refused before any flow took it (bad route, overload): started and ended in one go. */
export function recordRefusal(recorder: CallRecorder, call: Omit<CallStart, 'callId'>, outcome: CallOutcome, reason: string): void {
  const callId = randomUUID();
  recorder.callStarted({ ...call, callId });
  recorder.callEnded(callId, outcome, reason);
}

/** A call's outcome from what its caller was told (flows/call.ts CallerOutcome), once the flow ends it. */
export function callOutcomeFor(callerOutcome: HangupReason | { code: number }, answered: boolean): CallOutcome {
  if (answered) return 'answered';
  switch (callerOutcome) {
    case 'busy': return 'busy';
    // The caller gave up while it rang (normal clearing): nobody answered.
    case 'no_answer': case 'normal': return 'no_answer';
    case 'unallocated': return 'refused';
    default: return 'failed';
  }
}

/** The Dial status of a leg that did not answer, as the leg's outcome. */
export function legOutcomeForDialStatus(status: string): LegOutcome {
  switch (status) {
    case 'BUSY': return 'busy';
    case 'NOANSWER': return 'no_answer';
    case 'CHANUNAVAIL': return 'unreachable';
    case 'CANCEL': return 'cancelled';
    default: return 'failed';
  }
}

type Change =
  | { kind: 'start'; at: Date; call: CallStart }
  | { kind: 'leg'; at: Date; callId: string; leg: LegStart }
  | { kind: 'legAnswered'; at: Date; callId: string; legId: string }
  | { kind: 'legEnded'; at: Date; callId: string; legId: string; outcome: LegOutcome; hangupCause?: number }
  | { kind: 'path'; at: Date; callId: string; step: PathStep }
  | { kind: 'answered'; at: Date; callId: string; by: AnsweredBy }
  | { kind: 'ended'; at: Date; callId: string; outcome: CallOutcome; reason?: string }
  | { kind: 'closeInterrupted'; at: Date; startedBefore: Date; isLive: (channelId: string) => boolean };

function apply(db: Queryable, change: Change): Promise<void> {
  switch (change.kind) {
    case 'start': {
      const { call } = change;
      return insertCallRecord(db, {
        id: call.callId, accountId: call.accountId, direction: call.direction, channelId: call.channelId,
        fromNumber: call.from.number, fromName: call.from.name ?? null, fromUserId: call.from.userId ?? null, fromEndpointId: call.from.endpointId ?? null,
        toNumber: call.to, did: call.did ?? null, trunk: call.trunk ?? null, startedAt: change.at, path: call.path as CallPathStep[],
      });
    }
    case 'leg': {
      const { leg } = change;
      return insertLeg(db, change.callId, {
        channelId: leg.channelId, kind: leg.kind, userId: leg.userId ?? null, endpointId: leg.endpointId ?? null, number: leg.number ?? null, trunk: leg.trunk ?? null, startedAt: change.at,
      });
    }
    case 'legAnswered': return markLegAnswered(db, change.callId, change.legId, change.at);
    case 'legEnded': return endLeg(db, change.callId, change.legId, change.at, change.outcome, change.hangupCause ?? null);
    case 'path': return appendPathStep(db, change.callId, change.step as CallPathStep);
    case 'answered': return markCallAnswered(db, change.callId, change.at, { channelId: change.by.legId ?? null, userId: change.by.userId ?? null, number: change.by.number ?? null });
    case 'ended': return endCall(db, change.callId, change.at, change.outcome, change.reason ?? null);
    case 'closeInterrupted': return closeInterrupted(db, change);
  }
}

/** Records still open whose caller channel no flow owns: the app that carried them died (or lost the ending). */
async function closeInterrupted(db: Queryable, change: Extract<Change, { kind: 'closeInterrupted' }>): Promise<void> {
  const open = await findOpenCallRecords(db, change.startedBefore);
  for (const record of open.filter((candidate) => !change.isLive(candidate.channelId))) {
    await endCall(db, record.id, change.at, 'failed', 'interrupted', { onlyIfOpen: true });
  }
}

export interface RecordWriterOptions {
  /** Changes kept while the database is unreachable (a call makes about eight). */
  maxQueued: number;
  batchSize: number;
  retryMs: number;
}

const DEFAULTS: RecordWriterOptions = { maxQueued: 50_000, batchSize: 200, retryMs: 1000 };

/** The one writer of call records: a queue drained in order, one transaction per batch. */
export class CallRecordWriter implements CallRecorder {
  private readonly queue: Change[] = [];
  private draining: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private unavailable = false;
  private readonly options: RecordWriterOptions;

  constructor(private readonly db: Database, private readonly logger: Logger, options: Partial<RecordWriterOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  callStarted(call: CallStart): void { this.enqueue({ kind: 'start', at: new Date(), call }); }
  legStarted(callId: string, leg: LegStart): void { this.enqueue({ kind: 'leg', at: new Date(), callId, leg }); }
  legAnswered(callId: string, legId: string): void { this.enqueue({ kind: 'legAnswered', at: new Date(), callId, legId }); }
  legEnded(callId: string, legId: string, outcome: LegOutcome, hangupCause?: number): void { this.enqueue({ kind: 'legEnded', at: new Date(), callId, legId, outcome, hangupCause }); }
  pathStep(callId: string, step: PathStep): void { this.enqueue({ kind: 'path', at: new Date(), callId, step }); }
  callAnswered(callId: string, by: AnsweredBy): void { this.enqueue({ kind: 'answered', at: new Date(), callId, by }); }
  callEnded(callId: string, outcome: CallOutcome, reason?: string): void { this.enqueue({ kind: 'ended', at: new Date(), callId, outcome, reason }); }

  /** For the reconciler: closes records started before `startedBefore` whose caller channel `isLive` denies,
   *  judged when the change is written, after every change queued before it. */
  closeInterrupted(startedBefore: Date, isLive: (channelId: string) => boolean): void {
    this.enqueue({ kind: 'closeInterrupted', at: new Date(), startedBefore, isLive });
  }

  /** Writes what is queued (at shutdown), giving up after `timeoutMs`. */
  async flush(timeoutMs = 5000): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      this.draining ??= this.drain();
      await this.draining;
      if (this.unavailable) break;
    }
    if (this.queue.length > 0) this.logger.warn('call record changes not written at shutdown', { changes: this.queue.length });
  }

  private enqueue(change: Change): void {
    if (this.queue.length >= this.options.maxQueued) {
      if (this.dropped++ === 0) this.logger.warn('call record queue full; dropping changes until it drains', { maxQueued: this.options.maxQueued });
      return;
    }
    this.queue.push(change);
    if (!this.draining && !this.retryTimer) this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    // Let the flow that queued the change go on first: recording never runs ahead of a call's own work.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, this.options.batchSize);
        if (!(await this.write(batch))) return this.retryLater();
        this.queue.splice(0, batch.length);
      }
    } finally {
      this.draining = undefined;
    }
  }

  /** False when the database is unreachable: the batch stays queued. */
  private async write(batch: Change[]): Promise<boolean> {
    try {
      await this.db.transaction(async (trx) => {
        for (const change of batch) await apply(trx, change);
      });
      this.recovered();
      return true;
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        this.wentDown(error);
        return false;
      }
      // A change the database refuses (a row it does not take) must not hold back the others: one at a time.
      for (const change of batch) {
        await apply(this.db, change).catch((failure: unknown) => {
          this.logger.error('call record change not written', { change: change.kind, callId: 'callId' in change ? change.callId : change.kind === 'start' ? change.call.callId : undefined, error: errorDetails(failure) });
        });
      }
      return true;
    }
  }

  private retryLater(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.draining) this.draining = this.drain();
    }, this.options.retryMs);
    this.retryTimer.unref();
  }

  private wentDown(error: unknown): void {
    if (this.unavailable) return;
    this.unavailable = true;
    this.logger.warn('database unavailable; call records wait in memory', { queued: this.queue.length, error: errorDetails(error).message });
  }

  private recovered(): void {
    if (!this.unavailable && this.dropped === 0) return;
    this.logger.info('call records written again', { dropped: this.dropped });
    this.unavailable = false;
    this.dropped = 0;
  }
}
