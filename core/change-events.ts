// Configuration changes travel on one Redis stream from the admin API (the only writer) to every process
// that caches configuration or must tell Asterisk: the ARI app reloads the dialplan when account contexts
// change, expires PJSIP's cached objects of changed devices and trunks, and acknowledges on a channel once
// Asterisk has applied it. A stream, not pub/sub: a reader whose connection drops goes on from the last entry
// it read, so a device disabled during the gap is not left usable from Asterisk's cache. A reader that cannot
// go on from its position (entries trimmed away, Redis restarted empty) is told, and expires everything.
export const CHANGES_STREAM = 'pbx:changes:stream';
/** Approximate length kept: far more than the changes of any outage a reader survives with its position. */
export const CHANGES_STREAM_MAXLEN = 10_000;
/** The field of a stream entry that holds the event as JSON. */
export const CHANGES_STREAM_FIELD = 'event';
export const CHANGES_APPLIED_CHANNEL = 'pbx:changes:applied';

export type ChangeEvent =
  | { id: string; kind: 'dialplan-contexts' }
  /** created: the endpoints are new (nothing cached to expire, but Asterisk must start tracking their state). */
  | { id: string; kind: 'devices'; accountId: number; endpointIds: string[]; created?: boolean }
  /** Trunks: their PJSIP objects are expired from the cache; outbound registrations are started or stopped
   *  only by reloading their module, so a change to them says so. */
  | { id: string; kind: 'trunks'; objectIds: string[]; registrationsChanged: boolean }
  /** Routing of an account changed (extension plan, call settings, forwarding, ring groups, destinations): the
   *  ARI app reads that account's routing afresh for its next call. */
  | { id: string; kind: 'routing'; accountId: number };

export interface ChangeApplied {
  /** The ids of the change events this application covers. */
  ids: string[];
  kind: ChangeEvent['kind'];
  appliedAt: string;
}

export function parseChangeEvent(message: string): ChangeEvent | undefined {
  try {
    const event = JSON.parse(message) as Partial<ChangeEvent>;
    if (typeof event.id !== 'string') return undefined;
    if (event.kind === 'dialplan-contexts') return { id: event.id, kind: event.kind };
    if (event.kind === 'devices' && typeof event.accountId === 'number' && Array.isArray(event.endpointIds)) {
      return { id: event.id, kind: event.kind, accountId: event.accountId, endpointIds: event.endpointIds.map(String), created: event.created === true };
    }
    if (event.kind === 'routing' && typeof event.accountId === 'number') return { id: event.id, kind: event.kind, accountId: event.accountId };
    if (event.kind === 'trunks' && Array.isArray(event.objectIds)) {
      return { id: event.id, kind: event.kind, objectIds: event.objectIds.map(String), registrationsChanged: event.registrationsChanged === true };
    }
  } catch {
    // A malformed message is dropped: a publisher bug must not stop the subscriber.
  }
  return undefined;
}
