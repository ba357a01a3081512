// Request shapes of number reconciliation (TypeBox: the validator's schema and the TypeScript type at once).
import { Type, type Static } from '@sinclair/typebox';

export const reconciliationRequestSchema = Type.Object({
  /** Also repair the differences (release what we pay for but don't hold; mark released what the provider dropped). */
  fix: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export type ReconciliationRequest = Static<typeof reconciliationRequestSchema>;
