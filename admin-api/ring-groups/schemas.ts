// Request shapes of the ring-groups domain. A PUT replaces the whole group (fields, members in order, failover),
// so two admins editing at once each leave a whole group behind, never a mix.
import { Type, type Static } from '@sinclair/typebox';
import { EXTENSION_PATTERN } from '../devices/schemas';
import { EXTERNAL_NUMBER_PATTERN, optionalDestinationSchema } from '../destinations/schemas';
import { ID_SCHEMA } from '../http/ids';

const ringSeconds = Type.Optional(Type.Union([Type.Integer({ minimum: 5, maximum: 120 }), Type.Null()], { description: "Overrides the group's memberRingSeconds; null: the group's" }));

export const ringGroupMemberSchema = Type.Union([
  Type.Object({ userId: ID_SCHEMA, ringSeconds }, { additionalProperties: false }),
  Type.Object({ number: Type.String({ pattern: EXTERNAL_NUMBER_PATTERN }), ringSeconds }, { additionalProperties: false }),
]);

export const ringGroupSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80, pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F]*$' }),
  extension: Type.String({ pattern: EXTENSION_PATTERN }),
  strategy: Type.Optional(Type.Unsafe<'ring_all' | 'linear' | 'round_robin' | 'random'>({ type: 'string', enum: ['ring_all', 'linear', 'round_robin', 'random'] })),
  memberRingSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 120 })),
  totalSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 600 })),
  skipBusy: Type.Optional(Type.Boolean()),
  // Shown to members before the caller's name ("Sales: Ann Smith"); no quotes or angle brackets, which would
  // end the caller ID's name part in SIP.
  callerIdPrefix: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 40, pattern: '^[^\\u0000-\\u001F\\u007F-\\u009F"<>\\\\]*$' }), Type.Null()])),
  members: Type.Optional(Type.Array(ringGroupMemberSchema, { maxItems: 100 })),
  failover: Type.Optional(optionalDestinationSchema),
}, { additionalProperties: false });
export type RingGroupInput = Static<typeof ringGroupSchema>;
