// The one way configuration changes leave the admin API: appended to the change stream on Redis after the
// transaction commits, and logged. Publishing never fails the admin's request: the change is in the database
// either way. An event Redis did not take is kept and appended once the connection is back, so a Redis blip
// between the admin API and Redis does not leave a disabled device usable.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CHANGES_STREAM, CHANGES_STREAM_FIELD, CHANGES_STREAM_MAXLEN, type ChangeEvent } from '../core/change-events';
import { errorDetails, type Logger } from '../core/logger';

type ChangeWithoutId = ChangeEvent extends infer E ? (E extends ChangeEvent ? Omit<E, 'id'> : never) : never;

// Bound on events kept for a later append; past it the oldest are dropped (readers of a Redis that lost this
// many changes have almost surely lost their position too, and refresh everything).
const MAX_PENDING = 1000;

export class ChangeNotifier {
  private readonly pending: ChangeEvent[] = [];

  constructor(private readonly redis: Redis, private readonly logger: Logger) {
    redis.on('ready', () => void this.flushPending());
  }

  async publish(change: ChangeWithoutId): Promise<string> {
    const event = { id: randomUUID(), ...change } as ChangeEvent;
    try {
      await this.append(event);
      this.logger.info('configuration change published', { changeId: event.id, kind: event.kind });
    } catch (error) {
      this.keep(event);
      this.logger.error('configuration change not published; kept for when Redis is back', { changeId: event.id, kind: event.kind, error: errorDetails(error) });
    }
    return event.id;
  }

  private append(event: ChangeEvent): Promise<unknown> {
    return this.redis.xadd(CHANGES_STREAM, 'MAXLEN', '~', CHANGES_STREAM_MAXLEN, '*', CHANGES_STREAM_FIELD, JSON.stringify(event));
  }

  private keep(event: ChangeEvent): void {
    this.pending.push(event);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
  }

  private async flushPending(): Promise<void> {
    while (this.pending.length > 0) {
      const event = this.pending[0] as ChangeEvent;
      try {
        await this.append(event);
      } catch {
        return; // Still down: the next 'ready' tries again.
      }
      this.pending.shift();
      this.logger.info('kept configuration change published', { changeId: event.id, kind: event.kind });
    }
  }

  dialplanContextsChanged(): Promise<string> {
    return this.publish({ kind: 'dialplan-contexts' });
  }

  devicesChanged(accountId: number, endpointIds: string[], options: { created?: boolean } = {}): Promise<string> {
    return this.publish({ kind: 'devices', accountId, endpointIds, created: options.created });
  }

  trunksChanged(objectIds: string[], registrationsChanged: boolean): Promise<string> {
    return this.publish({ kind: 'trunks', objectIds, registrationsChanged });
  }

  /** After commit of any change to where the account's calls go: the ARI app re-reads its routing. */
  routingChanged(accountId: number): Promise<string> {
    return this.publish({ kind: 'routing', accountId });
  }
}
