// Request shapes of the call-settings domain: a user's do-not-disturb, ring time before the no-answer
// forwarding, and the four forwarding rules, each a destination or null. A PUT replaces them all.
import { Type, type Static } from '@sinclair/typebox';
import { optionalDestinationSchema } from '../destinations/schemas';

export const callSettingsSchema = Type.Object({
  dnd: Type.Boolean(),
  /** How long the user's devices ring before the no-answer forwarding (or the caller's next step) applies. */
  noAnswerSeconds: Type.Integer({ minimum: 5, maximum: 120 }),
  forwarding: Type.Object({
    always: optionalDestinationSchema,
    busy: optionalDestinationSchema,
    noAnswer: optionalDestinationSchema,
    unreachable: optionalDestinationSchema,
  }, { additionalProperties: false }),
}, { additionalProperties: false });
export type CallSettingsInput = Static<typeof callSettingsSchema>;
