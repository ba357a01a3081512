// Reads the configuration change stream from its last position, across dropped connections. The position is
// kept in memory: a process that starts (or loses its position) is told so through onGap and refreshes
// everything it caches, which covers whatever it did not read.
import type { Redis } from 'ioredis';
import { CHANGES_STREAM, CHANGES_STREAM_FIELD, parseChangeEvent, type ChangeEvent } from './change-events';
import { errorDetails, type Logger } from './logger';

export interface ChangeStreamHandlers {
  onEvent(event: ChangeEvent): void;
  /** Changes may have been missed (first start, entries trimmed away, Redis restarted empty). */
  onGap(why: string): void;
}

const BLOCK_MS = 5000;
const BATCH = 500;
const RETRY_MS = 250;

type StreamEntry = [id: string, fields: string[]];

/** `redis` must be a connection of its own (XREAD BLOCK holds it), made with maxRetriesPerRequest null: while
 *  Redis is away the next read waits for it. A read in flight when the connection drops is resent by ioredis
 *  after reconnecting; its answer is discarded and the position checked first. */
export class ChangeStreamReader {
  private position: string | undefined;
  private serverRunId: string | undefined;
  private connectionLost = false;
  private stopped = false;
  private readonly onClose = (): void => {
    this.connectionLost = true;
  };

  constructor(private readonly redis: Redis, private readonly handlers: ChangeStreamHandlers, private readonly logger: Logger) {}

  /** Starts reading in the background; never waits for Redis (it may be down when the process starts). */
  start(): void {
    this.redis.on('close', this.onClose);
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.redis.off('close', this.onClose);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.position === undefined || this.connectionLost) await this.checkPosition();
        const reply = (await this.redis.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', CHANGES_STREAM, this.position ?? '$')) as [string, StreamEntry[]][] | null;
        // The connection may have dropped while the read waited: what it returned is only trusted with our position.
        if (this.connectionLost) continue;
        for (const [, entries] of reply ?? []) for (const entry of entries) this.deliver(entry);
      } catch (error) {
        if (this.stopped) return;
        this.connectionLost = true;
        this.logger.warn('change stream read failed; resuming from the last position', { error: errorDetails(error).message });
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** After a start or a dropped connection: go on from the position if the stream still holds it, else tell
   *  the handlers and go on from the newest entry. */
  private async checkPosition(): Promise<void> {
    this.connectionLost = false;
    const runId = /run_id:(\w+)/.exec(await this.redis.info('server'))?.[1];
    const why = await this.lostBecause(runId);
    this.serverRunId = runId;
    if (!why) {
      this.logger.info('change stream resumed', { position: this.position });
      return;
    }
    const [newest] = (await this.redis.xrevrange(CHANGES_STREAM, '+', '-', 'COUNT', 1)) as StreamEntry[];
    this.position = newest?.[0] ?? '0-0';
    this.logger.warn('change stream position unknown; refreshing everything', { why, position: this.position });
    try {
      this.handlers.onGap(why);
    } catch (error) {
      this.logger.error('change stream gap handling failed', { error: errorDetails(error) });
    }
  }

  private async lostBecause(runId: string | undefined): Promise<string | undefined> {
    if (this.position === undefined) return 'starting';
    if (this.serverRunId !== undefined && runId !== this.serverRunId) return 'Redis restarted';
    if (this.position === '0-0') {
      // Read from the beginning: only a trim (or deletion) since then can have lost entries.
      const trimmed = await this.maxDeletedId();
      return trimmed && trimmed !== '0-0' ? 'entries trimmed before they were read' : undefined;
    }
    const [still] = (await this.redis.xrange(CHANGES_STREAM, this.position, this.position)) as StreamEntry[];
    return still ? undefined : 'position trimmed from the stream';
  }

  private async maxDeletedId(): Promise<string | undefined> {
    const info = (await this.redis.xinfo('STREAM', CHANGES_STREAM).catch(() => [])) as unknown[];
    const at = info.indexOf('max-deleted-entry-id');
    return at >= 0 ? String(info[at + 1]) : undefined;
  }

  private deliver([id, fields]: StreamEntry): void {
    this.position = id;
    const at = fields.indexOf(CHANGES_STREAM_FIELD);
    const raw = at >= 0 && at % 2 === 0 ? fields[at + 1] ?? '' : '';
    const event = parseChangeEvent(raw);
    if (!event) {
      this.logger.warn('unreadable change event skipped', { entryId: id, payload: raw.slice(0, 200) });
      return;
    }
    try {
      this.handlers.onEvent(event);
    } catch (error) {
      this.logger.error('change event handling failed', { entryId: id, changeId: event.id, error: errorDetails(error) });
    }
  }
}
