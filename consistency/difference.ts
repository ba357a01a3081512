// One difference between what the database says and what Asterisk reports, typed for --json consumers and
// carrying a one-line message for people.

export type DifferenceKind =
  /** The database has it; Asterisk does not have it or cannot load it. */
  | 'missing-in-asterisk'
  /** Asterisk has it; the database no longer does. */
  | 'unexpected-in-asterisk'
  /** Both have it, with different values: Asterisk uses a stale copy. */
  | 'value-mismatch'
  /** The database disagrees with itself: the rows Asterisk reads do not follow from the domain rows. */
  | 'database-inconsistent';

export type ObjectType = 'endpoint' | 'auth' | 'aor' | 'identify' | 'registration' | 'contact' | 'context' | 'route' | 'device' | 'account';

export interface Difference {
  kind: DifferenceKind;
  object: { type: ObjectType; id: string };
  /** The option or column that differs; null when the whole object does. */
  field: string | null;
  database: string | null;
  asterisk: string | null;
  message: string;
}

/** Shown instead of a secret's value: differences are printed and may be pasted into tickets. */
export const HIDDEN = '(hidden)';

export function difference(kind: DifferenceKind, type: ObjectType, id: string, message: string, values: { field?: string; database?: string | null; asterisk?: string | null } = {}): Difference {
  return { kind, object: { type, id }, field: values.field ?? null, database: values.database ?? null, asterisk: values.asterisk ?? null, message: `${type} ${id}: ${message}` };
}

export function quoted(value: string): string {
  return value === '' ? '(empty)' : JSON.stringify(value);
}
