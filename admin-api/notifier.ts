// The one way configuration changes leave the admin API: published on Redis after the transaction commits,
// and logged. Publishing never fails the admin's request: the change is in the database either way, and the
// ARI app catches up on reconnect.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CHANGES_CHANNEL, type ChangeEvent } from '../core/change-events';
import { errorDetails, type Logger } from '../core/logger';

type ChangeWithoutId = ChangeEvent extends infer E ? (E extends ChangeEvent ? Omit<E, 'id'> : never) : never;

export class ChangeNotifier {
  constructor(private readonly redis: Redis, private readonly logger: Logger) {}

  async publish(change: ChangeWithoutId): Promise<string> {
    const event = { id: randomUUID(), ...change } as ChangeEvent;
    try {
      await this.redis.publish(CHANGES_CHANNEL, JSON.stringify(event));
      this.logger.info('configuration change published', { changeId: event.id, kind: event.kind });
    } catch (error) {
      this.logger.error('configuration change not published', { changeId: event.id, kind: event.kind, error: errorDetails(error) });
    }
    return event.id;
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
}
