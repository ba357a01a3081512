// Routes every ARI event: to the flow that owns its channel, or, for a new call entering Stasis, to the flow
// named by its Stasis arguments [flow, accountId, ...ids] (set by the dialplan rows).
import type { CallEvent, StasisStartEvent } from '../core/ari/events';
import { eventChannelId } from '../core/ari/events';
import { errorDetails } from '../core/logger';
import type { FlowDeps } from './flows/call';
import { routeInternal, startDial } from './flows/dial';
import { RoutedCall } from './flows/routed-call';
import type { OutboundServices } from './flows/outbound-services';
import { recordRefusal } from './calls/records';

export class StasisDispatcher {
  constructor(private readonly deps: FlowDeps, private readonly outbound?: OutboundServices) {}

  dispatch(event: CallEvent): void {
    const channelId = eventChannelId(event);
    const owner = this.deps.registry.ownerOf(channelId);
    // Debug: at info, one line per ARI event was the app's largest cost per call (stdout writes, bench:calls).
    this.deps.logger.debug('call event', {
      type: event.type,
      channelId,
      callId: owner?.callId,
      ...(event.type === 'Dial' ? { dialstatus: event.dialstatus } : {}),
      ...(event.type === 'ChannelDestroyed' ? { cause: event.cause } : {}),
    });
    if (owner) {
      owner.handle(event);
      return;
    }
    if (event.type === 'StasisStart') void this.startCall(event);
  }

  private async startCall(event: StasisStartEvent): Promise<void> {
    const { channel, args } = event;
    const log = this.deps.logger.child({ channelId: channel.id });
    const [flow, accountArg, ...ids] = args;
    // Legs we create arrive here only if their call ended before Asterisk reported them: nothing to do.
    if (flow === 'dialed') return this.refuse(channel.id, 'normal', log, 'leg of an ended call');
    // Admission is the dial flow's to decide, after it knows the number: an emergency call is never refused for load.
    if (flow === 'dial') return this.startDial(channel, accountArg, ids[0], log);
    const admission = this.deps.registry.admit();
    if (!admission.admitted) return this.refuse(channel.id, 'congestion', log, admission.why);
    if (flow === 'inbound') return this.startInbound(channel, accountArg, ids[0], log);
    const accountId = Number(accountArg);
    if (!Number.isSafeInteger(accountId) || accountId <= 0) return this.refuse(channel.id, 'failure', log, 'bad Stasis arguments', args);
    log.info('call entered Stasis', { flow, accountId, args, caller: channel.caller.number, name: channel.name });
    switch (flow) {
      // Rows written before the catch-all 'dial' rows: an extension of the account, routed like the dial flow's.
      case 'internal': {
        const [extension] = ids;
        if (!extension) return this.refuse(channel.id, 'failure', log, 'internal call without an extension', args);
        await routeInternal(this.deps, channel, accountId, extension);
        return;
      }
      default:
        return this.refuse(channel.id, 'failure', log, 'unknown flow', args);
    }
  }

  /** A call from a provider's trunk to one of its numbers: it goes to the number's route (a destination) in its
   *  account. A number the trunk does not carry, or one not assigned to an account, is not in service (404). */
  private async startInbound(channel: StasisStartEvent['channel'], trunkEndpoint: string | undefined, dialed: string | undefined, log: FlowDeps['logger']): Promise<void> {
    if (!trunkEndpoint || !dialed) return this.refuse(channel.id, 'failure', log, 'inbound call without trunk or number');
    const number = dialed.startsWith('+') ? dialed : `+${dialed}`;
    const route = await this.deps.directory.trunkNumberRoute(trunkEndpoint, number).catch((error: unknown) => {
      log.error('inbound route lookup failed', { error: errorDetails(error) });
      return null;
    });
    // 503: the provider may retry or route the call elsewhere.
    if (route === null) return this.refuse(channel.id, 'congestion', log, 'inbound route unavailable');
    log.info('inbound call from trunk', { trunk: trunkEndpoint, number, accountId: route?.accountId, destination: route?.destination });
    const trunk = trunkEndpoint.replace(/^trunk-/, '');
    if (route && !route.destination && !route.extension) {
      // The account's number leads nowhere: its admins see the refused call.
      recordRefusal(this.deps.recorder, {
        accountId: route.accountId, direction: 'inbound', channelId: channel.id, from: { number: channel.caller.number, name: channel.caller.name },
        to: number, did: number, trunk, path: [{ type: 'number', number }],
      }, 'refused', 'number has no destination');
    }
    if (!route?.destination && !route?.extension) return this.refuse(channel.id, 'unallocated', log, 'number not in service', [trunkEndpoint, number]);
    const entry = { to: number, path: [{ type: 'number' as const, number }], inbound: { did: number, trunk } };
    const call = new RoutedCall(this.deps, channel, route.accountId, entry);
    // A number whose route is still only an extension (set by a trunk file before destinations) goes to its owner.
    await (route.destination ? call.startAt(route.destination) : call.startAtExtension(route.extension as string));
  }

  /** A device dialed something (the account context's catch-all rows): flows/dial.ts classifies it. */
  private async startDial(channel: StasisStartEvent['channel'], accountArg: string | undefined, dialed: string | undefined, log: FlowDeps['logger']): Promise<void> {
    const accountId = Number(accountArg);
    if (!this.outbound || !dialed || !Number.isSafeInteger(accountId) || accountId <= 0) return this.refuse(channel.id, 'failure', log, 'bad Stasis arguments', [String(accountArg), String(dialed)]);
    log.info('call entered Stasis', { flow: 'dial', accountId, dialed, caller: channel.caller.number, name: channel.name });
    await startDial(this.deps, this.outbound, channel, accountId, dialed, log);
  }

  private async refuse(channelId: string, reason: 'congestion' | 'failure' | 'normal' | 'unallocated', log: FlowDeps['logger'], why: string, args?: string[]): Promise<void> {
    if (reason !== 'normal') log.warn('call refused', { why, reason, args });
    await this.deps.ari.hangup(channelId, reason).catch(() => undefined);
  }
}
