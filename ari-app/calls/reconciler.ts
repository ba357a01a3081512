// After every (re)connection: connected calls recorded in Redis are adopted when both legs are still up, and
// cleaned up otherwise. Periodically: channels no flow owns (left by a crash, a lost event or a bug) are
// ended, so nothing lingers in Asterisk holding a line.
import type { Logger } from '../../core/logger';
import type { ChannelSnapshot } from '../../core/ari/events';
import { isGone, type AriRest } from '../../core/ari/rest';
import { AdoptedCall, type FlowDeps } from '../flows/call';
import type { LiveCallStore } from '../../core/live-calls';
import type { CallRegistry } from './registry';
import type { CallRecordWriter } from './records';

export class Reconciler {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: FlowDeps & { ari: AriRest; liveCalls: LiveCallStore; registry: CallRegistry; logger: Logger; recorder: CallRecordWriter },
    private readonly options: { sweepIntervalMs: number; orphanGraceMs: number },
  ) {}

  /** After a (re)connection at `connectedAt`: adopt connected calls, then end what no flow owns from before. */
  async reconcile(connectedAt: number): Promise<void> {
    const { ari, liveCalls, registry, logger } = this.deps;
    const existing = new Set((await ari.listChannels()).map((channel) => channel.id));
    for (const call of await liveCalls.all()) {
      if (call.channelIds.some((id) => registry.owns(id))) continue;
      const alive = call.channelIds.filter((id) => existing.has(id));
      if (alive.length === call.channelIds.length) {
        new AdoptedCall(this.deps, call.callId, call.accountId, call.bridgeId, call.channelIds);
        logger.info('connected call adopted after reconnect', { callId: call.callId, channelIds: call.channelIds });
        continue;
      }
      logger.info('connected call lost a leg while we were away; ending it', { callId: call.callId, alive });
      await Promise.all(alive.map((id) => ari.hangup(id).catch((error: unknown) => isGone(error) || Promise.reject(error))));
      await ari.destroyBridge(call.bridgeId).catch(() => undefined);
      await liveCalls.remove(call.callId);
    }
    // A channel of ours from before this connection that no flow owns belonged to a previous process (a call
    // still ringing when it died): nothing will ever end it but us.
    const ended = await this.endOrphans(connectedAt);
    this.closeInterruptedRecords(connectedAt, ended.present);
  }

  startSweeping(): void {
    this.sweepTimer = setInterval(() => {
      const cutoff = Date.now() - this.options.orphanGraceMs;
      this.endOrphans(cutoff)
        .then((ended) => this.closeInterruptedRecords(cutoff, ended.present))
        .catch((error: unknown) => {
          this.deps.logger.warn('sweep failed', { error: (error as Error).message });
        });
    }, this.options.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
  }

  /** Call records started before `cutoff` and still open whose caller channel no flow of ours owns and Asterisk
   *  no longer has (beyond the orphans just ended): the app that carried them died (or their ending was lost)
   *  and no one else will finish them. An adopted call owns its channels, and another ARI app instance's live
   *  call still has its channel in Asterisk, so their records stay open until they end. */
  closeInterruptedRecords(cutoff: number, present: ReadonlySet<string>): void {
    this.deps.recorder.closeInterrupted(new Date(cutoff), (channelId) => this.deps.registry.owns(channelId) || present.has(channelId));
  }

  /** Ends channels in our Stasis application that no flow owns and that were created before `cutoff`. The
   *  periodic sweep's cutoff leaves a grace period for calls whose StasisStart is still being handled. */
  async endOrphans(cutoff: number): Promise<{ ended: number; present: Set<string> }> {
    const { ari, registry, logger, app } = this.deps;
    const channels = await ari.listChannels();
    const orphans = channels.filter(
      (channel) => isOurs(channel, app) && !registry.owns(channel.id) && Date.parse(channel.creationtime) < cutoff,
    );
    const orphanIds = new Set(orphans.map((channel) => channel.id));
    for (const channel of orphans) {
      logger.warn('orphan channel ended', { channelId: channel.id, name: channel.name, state: channel.state });
      // An unanswered caller learns the service failed (503: try again), not that the callee declined (603).
      const reason = channel.state === 'Up' ? 'normal' : 'congestion';
      await ari.hangup(channel.id, reason).catch((error: unknown) => isGone(error) || Promise.reject(error));
    }
    await this.destroyEmptyBridges(cutoff);
    // What stays up in Asterisk once the orphans are gone: channels of live calls, ours or another instance's.
    return { ended: orphans.length, present: new Set(channels.map((channel) => channel.id).filter((id) => !orphanIds.has(id))) };
  }

  /** A call's bridge always holds its parties (a flow destroys it when it ends), so an empty one from before
   *  `cutoff` was left by a crash, a call whose end failed, or a lost event: after an overload or a restart
   *  they would otherwise pile up in Asterisk for ever. */
  private async destroyEmptyBridges(cutoff: number): Promise<void> {
    const bridges = (await this.deps.ari.listBridges()) as BridgeSnapshot[];
    const left = bridges.filter((bridge) => bridge.id.startsWith(CALL_BRIDGE_PREFIX) && bridge.channels.length === 0
      && (bridge.creationtime === undefined || Date.parse(bridge.creationtime) < cutoff));
    for (const bridge of left) {
      this.deps.logger.warn('orphan bridge destroyed', { bridgeId: bridge.id });
      await this.deps.ari.destroyBridge(bridge.id).catch((error: unknown) => isGone(error) || Promise.reject(error));
    }
  }
}

/** Flows name their bridges `call-<callId>`; other bridges (none today) are not the sweep's business. */
const CALL_BRIDGE_PREFIX = 'call-';

interface BridgeSnapshot {
  id: string;
  channels: string[];
  /** Asterisk 22 sends it; the REST adapter's type does not declare it. */
  creationtime?: string;
}

function isOurs(channel: ChannelSnapshot, app: string): boolean {
  const dialplan = channel.dialplan;
  return dialplan?.app_name === 'Stasis' && (dialplan.app_data ?? '').split(',')[0] === app;
}
