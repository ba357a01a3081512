// The `dial` flow: every call a device places enters here (the account context's catch-all rows) with what it
// dialed, and is classified in this order:
//   1. an emergency number of the account -> outbound emergency call (no admission, no toll-fraud check);
//   2. an extension of the account        -> routeInternal (flows/routed-call.ts);
//   3. an external number (E.164 after the account's prefix, area code and 011 rules) -> outbound call;
//   4. digits that are neither            -> routeInternal, which refuses an unknown extension (404);
//      a national number missing the outside-line prefix or the area code -> 484 Address Incomplete.
// The account's dialing settings come from memory (refreshed each second), the extension check from the
// routing directory's cache: an internal call pays no extra query.
import { endpointOf, type ChannelSnapshot } from '../../core/ari/events';
import { normalizeDialed } from '../../core/dialing/numbers';
import type { Logger } from '../../core/logger';
import { recordRefusal } from '../calls/records';
import { callerOutcomeFor } from '../routing/directory';
import type { FlowDeps } from './call';
import { isRoutableExtension, RoutedCall } from './routed-call';
import { OutboundCall } from './outbound';
import type { AccountDialing, OutboundServices } from './outbound-services';

// Q.850 28, invalid number format: Asterisk answers SIP 484 Address Incomplete.
const INVALID_NUMBER_FORMAT = { code: 28 } as const;
const EXTENSION_LIKE = /^[0-9*#]{1,16}$/;

/** A call to an extension of the account. The one place internal routing starts: the extension's owner in the
 *  account's plan (a user, a ring group) is served by a RoutedCall; an unknown extension is refused (404). */
export function routeInternal(deps: FlowDeps, channel: ChannelSnapshot, accountId: number, extension: string): Promise<void> {
  return new RoutedCall(deps, channel, accountId, { to: extension, path: [{ type: 'extension', extension }] }).startAtExtension(extension);
}

export async function startDial(deps: FlowDeps, services: OutboundServices, channel: ChannelSnapshot, accountId: number, dialed: string, log: Logger): Promise<void> {
  let settings: AccountDialing | undefined;
  try {
    settings = await services.directory.accountDialing(accountId);
  } catch (error) {
    log.error('dialing settings unavailable', { accountId, error: (error as Error).message });
    return hangup(deps, channel.id, callerOutcomeFor(error));
  }
  if (!settings) return hangup(deps, channel.id, 'failure');
  const number = normalizeDialed(dialed, settings);
  if (number.kind === 'emergency') return startOutbound(deps, services, channel, accountId, number, settings, log);
  const admission = deps.registry.admit();
  if (!admission.admitted) {
    log.warn('call refused', { why: admission.why, reason: 'congestion' });
    return hangup(deps, channel.id, 'congestion');
  }
  if (EXTENSION_LIKE.test(dialed) && (await isExtension(deps, accountId, dialed, log))) return routeInternal(deps, channel, accountId, dialed);
  if (number.kind === 'external') return startOutbound(deps, services, channel, accountId, number, settings, log);
  if (number.reason === 'not a phone number') return routeInternal(deps, channel, accountId, dialed);
  log.info('dialed number incomplete', { dialed, reason: number.reason });
  recordRefusal(deps.recorder, {
    accountId, direction: 'outbound', channelId: channel.id, from: { number: channel.caller.number, name: channel.caller.name, endpointId: endpointOf(channel) },
    to: dialed, path: [{ type: 'external', number: dialed }],
  }, 'refused', number.reason);
  return hangup(deps, channel.id, INVALID_NUMBER_FORMAT);
}

/** Whether an extension of the account answers to this string (a failed read counts as no: the number is then
 *  tried as what it looks like, and the routed call reports the routing trouble if it is internal). */
async function isExtension(deps: FlowDeps, accountId: number, dialed: string, log: Logger): Promise<boolean> {
  try {
    return await isRoutableExtension(deps, accountId, dialed);
  } catch (error) {
    log.warn('extension lookup failed', { dialed, error: (error as Error).message });
    return false;
  }
}

async function startOutbound(
  deps: FlowDeps, services: OutboundServices, channel: ChannelSnapshot, accountId: number,
  number: { kind: 'emergency'; number: string } | { kind: 'external'; e164: string },
  settings: AccountDialing, log: Logger,
): Promise<void> {
  // Who calls decides which caller IDs may be sent; an emergency call goes out even if this read fails.
  const device = await services.directory.callingDevice(endpointOf(channel)).catch((error: unknown) => {
    log.warn('calling device unknown', { error: (error as Error).message });
    return undefined;
  });
  const target = number.kind === 'emergency' ? { kind: 'emergency' as const, number: number.number } : { kind: 'external' as const, e164: number.e164 };
  await new OutboundCall(deps, services, channel, accountId, target, settings, device).start();
}

async function hangup(deps: FlowDeps, channelId: string, reason: Parameters<FlowDeps['ari']['hangup']>[1]): Promise<void> {
  await deps.ari.hangup(channelId, reason).catch(() => undefined);
}
