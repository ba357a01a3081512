// Configuration changes travel on one Redis channel from the admin API (the only writer) to every process
// that caches configuration or must tell Asterisk: the ARI app reloads the dialplan when account contexts
// change, and acknowledges on a second channel once Asterisk has applied it.
export const CHANGES_CHANNEL = 'pbx:changes';
export const CHANGES_APPLIED_CHANNEL = 'pbx:changes:applied';

export type ChangeEvent =
  | { id: string; kind: 'dialplan-contexts' }
  | { id: string; kind: 'devices'; accountId: number; endpointIds: string[]; disabled?: boolean };

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
      return { id: event.id, kind: event.kind, accountId: event.accountId, endpointIds: event.endpointIds.map(String), disabled: event.disabled === true };
    }
  } catch {
    // A malformed message is dropped: a publisher bug must not stop the subscriber.
  }
  return undefined;
}
