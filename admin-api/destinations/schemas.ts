// A destination as requests carry it: what a forwarding rule, a ring group's failover or a trunk number points
// at. One schema for every domain that takes one; its Static type is core/destinations.ts's Destination.
import { Type, type Static } from '@sinclair/typebox';
import type { Destination } from '../../core/destinations';
import { ID_SCHEMA } from '../http/ids';

/** An external number: E.164 only (+, country code, up to 15 digits); calls to it go out through a trunk. */
export const EXTERNAL_NUMBER_PATTERN = '^\\+[1-9][0-9]{6,14}$';

export const destinationSchema = Type.Union([
  Type.Object({ type: Type.Literal('user'), userId: ID_SCHEMA }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ring_group'), ringGroupId: ID_SCHEMA }, { additionalProperties: false }),
  // Accepted now, refused as not available until queues, menus and voicemail exist (the next issue).
  Type.Object({ type: Type.Literal('queue'), queueId: ID_SCHEMA }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('ivr'), ivrId: ID_SCHEMA }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('voicemail'), voicemailBoxId: ID_SCHEMA }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('external'), number: Type.String({ pattern: EXTERNAL_NUMBER_PATTERN }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('hangup') }, { additionalProperties: false }),
]);

/** A destination, or null for "none" (nothing forwarded, no failover). */
export const optionalDestinationSchema = Type.Union([destinationSchema, Type.Null()]);

// The schema and the shared type agree both ways: a variant added to one and not the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type DestinationSchemaMatchesType = Assert<Same<Static<typeof destinationSchema>, Destination>>;
