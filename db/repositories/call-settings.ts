// A user's call settings in one account: do not disturb, how long their devices ring before the no-answer
// forwarding applies, and the four forwarding rules (destinations owned by ('user', user id) in the account).
// A user in several accounts has settings in each.
import type { Destination } from '../../core/destinations';
import type { Queryable } from '../connection';
import { deleteOwnedDestinations, destinationsOf, putDestination } from './destinations';

export const FORWARD_CONDITIONS = ['always', 'busy', 'noAnswer', 'unreachable'] as const;
export type ForwardCondition = (typeof FORWARD_CONDITIONS)[number];

/** The destinations slot of each forwarding condition (what the ARI app reads). */
export const FORWARD_SLOTS: Record<ForwardCondition, string> = {
  always: 'forward_always', busy: 'forward_busy', noAnswer: 'forward_no_answer', unreachable: 'forward_unreachable',
};

export const DEFAULT_NO_ANSWER_SECONDS = 20;

export interface CallSettingsRecord {
  dnd: boolean;
  noAnswerSeconds: number;
  forwarding: Record<ForwardCondition, Destination | null>;
}

/** The user's settings in the account; the defaults (nothing forwarded) when never set. */
export async function readCallSettings(db: Queryable, accountId: number, userId: number): Promise<CallSettingsRecord> {
  const row = (await db('call_settings').where({ account_id: accountId, user_id: userId }).first('dnd', 'no_answer_seconds')) as { dnd: number | boolean; no_answer_seconds: number } | undefined;
  const slots = await destinationsOf(db, accountId, { type: 'user', id: userId });
  const forwarding = Object.fromEntries(FORWARD_CONDITIONS.map((condition) => [condition, slots.get(FORWARD_SLOTS[condition]) ?? null])) as CallSettingsRecord['forwarding'];
  return { dnd: Boolean(row?.dnd ?? false), noAnswerSeconds: row?.no_answer_seconds ?? DEFAULT_NO_ANSWER_SECONDS, forwarding };
}

/** Replaces the user's settings in the account, forwarding included. */
export async function writeCallSettings(db: Queryable, accountId: number, userId: number, settings: CallSettingsRecord): Promise<void> {
  await db('call_settings')
    .insert({ account_id: accountId, user_id: userId, dnd: settings.dnd, no_answer_seconds: settings.noAnswerSeconds })
    .onConflict(['account_id', 'user_id'])
    .merge({ dnd: settings.dnd, no_answer_seconds: settings.noAnswerSeconds, updated_at: db.fn.now() });
  for (const condition of FORWARD_CONDITIONS) {
    await putDestination(db, accountId, { type: 'user', id: userId }, FORWARD_SLOTS[condition], settings.forwarding[condition]);
  }
}

/** The user leaves the account: their settings and forwarding there go. */
export async function deleteCallSettings(db: Queryable, accountId: number, userId: number): Promise<void> {
  await db('call_settings').where({ account_id: accountId, user_id: userId }).delete();
  await deleteOwnedDestinations(db, accountId, { type: 'user', id: userId });
}
