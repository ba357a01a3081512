// Configuration changes travel on one Redis channel from the admin API (the only writer) to every process
// that caches configuration or must tell Asterisk: the ARI app reloads the dialplan when account contexts
// change, expires PJSIP's cached objects of changed devices and trunks, and acknowledges on a second channel
// once Asterisk has applied it.
export const CHANGES_CHANNEL = 'pbx:changes';
export const CHANGES_APPLIED_CHANNEL = 'pbx:changes:applied';

export type ChangeEvent =
  | { id: string; kind: 'dialplan-contexts' }
  /** created: the endpoints are new (nothing cached to expire, but Asterisk must start tracking their state). */
  | { id: string; kind: 'devices'; accountId: number; endpointIds: string[]; created?: boolean }
  /** Trunks: their PJSIP objects are expired from the cache; outbound registrations are started or stopped
   *  only by reloading their module, so a change to them says so. */
  | { id: string; kind: 'trunks'; objectIds: string[]; registrationsChanged: boolean };

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
    if (event.kind === 'trunks' && Array.isArray(event.objectIds)) {
      return { id: event.id, kind: event.kind, objectIds: event.objectIds.map(String), registrationsChanged: event.registrationsChanged === true };
    }
  } catch {
    // A malformed message is dropped: a publisher bug must not stop the subscriber.
  }
  return undefined;
}
