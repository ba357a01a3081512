// Where a call goes: what a number, a forwarding rule, a ring group's failover or (later) a menu digit points
// at. One type for the admin API (which validates and stores it) and the ARI app (whose resolver turns it into
// a call flow); stored as one `destinations` row per pointer (db/repositories/destinations.ts).

export type Destination =
  | { type: 'user'; userId: number }
  | { type: 'ring_group'; ringGroupId: number }
  | { type: 'queue'; queueId: number }
  | { type: 'ivr'; ivrId: number }
  | { type: 'voicemail'; voicemailBoxId: number }
  | { type: 'external'; number: string }
  | { type: 'hangup' };

export type DestinationType = Destination['type'];

/** What may own an extension of an account's plan (the destinations that can be dialed by extension). */
export type ExtensionOwnerType = 'user' | 'ring_group' | 'queue' | 'ivr' | 'voicemail';

/** The columns a destination is stored in. */
export interface DestinationColumns {
  target_type: DestinationType;
  target_id: number | null;
  external_number: string | null;
}

export function destinationColumns(destination: Destination): DestinationColumns {
  switch (destination.type) {
    case 'user': return { target_type: 'user', target_id: destination.userId, external_number: null };
    case 'ring_group': return { target_type: 'ring_group', target_id: destination.ringGroupId, external_number: null };
    case 'queue': return { target_type: 'queue', target_id: destination.queueId, external_number: null };
    case 'ivr': return { target_type: 'ivr', target_id: destination.ivrId, external_number: null };
    case 'voicemail': return { target_type: 'voicemail', target_id: destination.voicemailBoxId, external_number: null };
    case 'external': return { target_type: 'external', target_id: null, external_number: destination.number };
    case 'hangup': return { target_type: 'hangup', target_id: null, external_number: null };
  }
}

/** The destination stored in these columns; undefined when the row is incomplete (never written so). */
export function destinationFromColumns(row: { target_type: string; target_id: number | string | null; external_number: string | null }): Destination | undefined {
  const id = row.target_id === null ? undefined : Number(row.target_id);
  switch (row.target_type) {
    case 'user': return id === undefined ? undefined : { type: 'user', userId: id };
    case 'ring_group': return id === undefined ? undefined : { type: 'ring_group', ringGroupId: id };
    case 'queue': return id === undefined ? undefined : { type: 'queue', queueId: id };
    case 'ivr': return id === undefined ? undefined : { type: 'ivr', ivrId: id };
    case 'voicemail': return id === undefined ? undefined : { type: 'voicemail', voicemailBoxId: id };
    case 'external': return row.external_number ? { type: 'external', number: row.external_number } : undefined;
    case 'hangup': return { type: 'hangup' };
    default: return undefined;
  }
}

/** The extension-plan owner a destination targets, if it is one that can hold an extension. */
export function extensionOwnerOf(destination: Destination): { ownerType: ExtensionOwnerType; ownerId: number } | undefined {
  const columns = destinationColumns(destination);
  if (columns.target_id === null || columns.target_type === 'external' || columns.target_type === 'hangup') return undefined;
  return { ownerType: columns.target_type, ownerId: columns.target_id };
}
