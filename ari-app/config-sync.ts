// Applies configuration changes published by the admin API: new or removed account contexts need the
// dialplan reloaded (debounced: a bulk import is one reload); device changes refresh the routing cache.
// Each application is acknowledged on Redis so the writer can tell when Asterisk has it.
import type { Redis } from 'ioredis';
import { CHANGES_APPLIED_CHANNEL, CHANGES_CHANNEL, parseChangeEvent, type ChangeApplied, type ChangeEvent } from '../core/change-events';
import { errorDetails, type Logger } from '../core/logger';
import type { AriRest } from '../core/ari/rest';
import type { RoutingDirectory } from './routing/directory';

const RELOAD_DEBOUNCE_MS = 100;

export class ConfigSync {
  private pendingReload: string[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { subscriber: Redis; publisher: Redis; ari: AriRest; directory: RoutingDirectory; logger: Logger },
  ) {}

  async start(): Promise<void> {
    this.deps.subscriber.on('message', (_channel: string, message: string) => {
      const event = parseChangeEvent(message);
      if (event) this.apply(event);
      else this.deps.logger.warn('unreadable change event dropped', { message: message.slice(0, 200) });
    });
    await this.deps.subscriber.subscribe(CHANGES_CHANNEL);
  }

  private apply(event: ChangeEvent): void {
    switch (event.kind) {
      case 'dialplan-contexts':
        this.pendingReload.push(event.id);
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => void this.reloadDialplan(), RELOAD_DEBOUNCE_MS);
        return;
      case 'devices':
        this.deps.directory.invalidateAccount(event.accountId);
        void this.applyDeviceChange(event);
        return;
    }
  }

  /** Also run after every ARI (re)connection: changes made while we were away are picked up. */
  async reloadDialplan(): Promise<void> {
    const ids = this.pendingReload;
    this.pendingReload = [];
    try {
      await this.deps.ari.reloadModule('pbx_config.so');
      this.deps.logger.info('dialplan reloaded', { changeIds: ids });
      if (ids.length > 0) await this.acknowledge({ ids, kind: 'dialplan-contexts', appliedAt: new Date().toISOString() });
    } catch (error) {
      this.deps.logger.error('dialplan reload failed', { changeIds: ids, error: (error as Error).message });
      this.pendingReload.push(...ids);
    }
  }

  /** Disabled devices must stop at once: PJSIP's memory cache would serve their endpoints for up to a minute,
   *  so it is expired (expire_on_reload) by reloading res_pjsip. */
  private async applyDeviceChange(event: Extract<ChangeEvent, { kind: 'devices' }>): Promise<void> {
    if (event.disabled) {
      try {
        await this.deps.ari.reloadModule('res_pjsip.so');
        this.deps.logger.info('PJSIP cache expired for disabled devices', { changeId: event.id, endpointIds: event.endpointIds });
      } catch (error) {
        this.deps.logger.error('PJSIP reload failed', { changeId: event.id, error: (error as Error).message });
        return;
      }
    }
    await this.acknowledge({ ids: [event.id], kind: event.kind, appliedAt: new Date().toISOString() });
  }

  private async acknowledge(applied: ChangeApplied): Promise<void> {
    await this.deps.publisher.publish(CHANGES_APPLIED_CHANNEL, JSON.stringify(applied)).catch((error: unknown) => {
      this.deps.logger.warn('change acknowledgement not published', { error: errorDetails(error) });
    });
  }

  stop(): void {
    clearTimeout(this.reloadTimer);
  }
}
