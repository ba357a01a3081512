// Applies configuration changes published by the admin API: new or removed account contexts need the
// dialplan reloaded (debounced: a bulk import is one reload); device and trunk changes expire their objects
// from PJSIP's cache and refresh the routing cache.
// Each application is acknowledged on Redis so the writer can tell when Asterisk has it.
// Changes are read from the change stream from the last entry read, so a dropped Redis connection loses none;
// when the position is lost (start, trim, Redis restarted) everything cached is expired instead.
import type { Redis } from 'ioredis';
import { CHANGES_APPLIED_CHANNEL, type ChangeApplied, type ChangeEvent } from '../core/change-events';
import { ChangeStreamReader } from '../core/change-stream';
import { errorDetails, type Logger } from '../core/logger';
import type { AriRest } from '../core/ari/rest';
import type { AmiConnection } from '../core/asterisk/ami';
import { expireAllCachedObjects, expireCachedObjects } from '../core/asterisk/sorcery-cache';
import type { RoutingDirectory } from './routing/directory';

const RELOAD_DEBOUNCE_MS = 100;
// New endpoints are tracked for ARI's endpoint state only when res_pjsip synchronizes its endpoints, which it
// does on reload: one reload per burst of creations (a bulk import is thousands), never per change.
const ENDPOINT_TRACKING_DEBOUNCE_MS = 1000;

export class ConfigSync {
  private pendingReload: string[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;
  private trackingTimer: NodeJS.Timeout | undefined;
  private readonly reader: ChangeStreamReader;

  /** `reader` is a Redis connection of its own for the change stream (see ChangeStreamReader). */
  constructor(
    private readonly deps: { reader: Redis; publisher: Redis; ari: AriRest; ami: AmiConnection; directory: RoutingDirectory; logger: Logger },
  ) {
    this.reader = new ChangeStreamReader(deps.reader, { onEvent: (event) => this.apply(event), onGap: () => void this.refreshAll() }, deps.logger);
  }

  start(): void {
    this.reader.start();
  }

  /** Changes may have been missed: expire every cached PJSIP object, re-read routing, reload the dialplan. */
  private async refreshAll(): Promise<void> {
    this.deps.directory.invalidateAll();
    await Promise.all([this.expireAll(), this.reloadDialplan()]);
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
        if (event.created) this.scheduleEndpointTracking();
        void this.applyPjsipChange(event);
        return;
      case 'trunks':
        void this.applyPjsipChange(event);
        return;
      case 'routing':
        // Nothing for Asterisk: the next call of the account reads its routing afresh (applied on receipt).
        this.deps.directory.invalidateAccount(event.accountId);
        this.deps.logger.info('routing refreshed', { changeId: event.id, accountId: event.accountId });
        void this.acknowledge({ ids: [event.id], kind: event.kind, appliedAt: new Date().toISOString() });
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

  /** A changed device or trunk must take effect for the next REGISTER or call: its cached PJSIP objects are
   *  expired by name, which needs no reload. New outbound registrations start only with their module's reload. */
  private async applyPjsipChange(event: Extract<ChangeEvent, { kind: 'devices' | 'trunks' }>): Promise<void> {
    const objectIds = event.kind === 'devices' ? event.endpointIds : event.objectIds;
    try {
      await expireCachedObjects(this.deps.ami, objectIds);
      if (event.kind === 'trunks' && event.registrationsChanged) await this.deps.ari.reloadModule('res_pjsip_outbound_registration.so');
      this.deps.logger.info('PJSIP objects refreshed', { changeId: event.id, kind: event.kind, objects: objectIds.length });
    } catch (error) {
      this.deps.logger.error('PJSIP objects not refreshed', { changeId: event.id, kind: event.kind, error: errorDetails(error) });
      return;
    }
    await this.acknowledge({ ids: [event.id], kind: event.kind, appliedAt: new Date().toISOString() });
  }

  private scheduleEndpointTracking(): void {
    clearTimeout(this.trackingTimer);
    this.trackingTimer = setTimeout(() => {
      this.deps.ari.reloadModule('res_pjsip.so')
        .then(() => this.deps.logger.info('new endpoints tracked for their state'))
        .catch((error: unknown) => this.deps.logger.warn('endpoint tracking reload failed', { error: errorDetails(error) }));
    }, ENDPOINT_TRACKING_DEBOUNCE_MS);
  }

  /** After every AMI (re)connection and every lost stream position: whatever changed while we were away is
   *  read afresh. */
  async expireAll(): Promise<void> {
    try {
      await expireAllCachedObjects(this.deps.ami);
      this.deps.logger.info('PJSIP caches expired');
    } catch (error) {
      this.deps.logger.error('PJSIP caches not expired', { error: errorDetails(error) });
    }
  }

  private async acknowledge(applied: ChangeApplied): Promise<void> {
    await this.deps.publisher.publish(CHANGES_APPLIED_CHANNEL, JSON.stringify(applied)).catch((error: unknown) => {
      this.deps.logger.warn('change acknowledgement not published', { error: errorDetails(error) });
    });
  }

  stop(): void {
    this.reader.stop();
    clearTimeout(this.reloadTimer);
    clearTimeout(this.trackingTimer);
  }
}
