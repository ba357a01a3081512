// A trunk's numbers (the static pool) as a re-apply leaves them. The file (or the API's definition) says which
// numbers the trunk carries; the numbers API may since have taken a pool number for an account and routed it.
// A re-apply keeps what the file does not say:
//  - an entry with `account` assigns the number to it; one without leaves the database's assignment (unless
//    the trunk no longer serves that account: then the number is back in the pool);
//  - `extension` or `destination` set the route; an entry with neither keeps the number's route, unless its
//    account changes (a number starts afresh in another account);
//  - a number the file no longer lists is released (db/repositories/static-pool.ts).
// Pure functions: a dry run and the write use the same merged state, so an unchanged file is "unchanged".
import { isDeepStrictEqual } from 'node:util';
import type { Destination } from '../../core/destinations';
import type { TrunkNumber } from '../../db/repositories/trunk-rows';

function routeOf(entry: TrunkNumber): Pick<TrunkNumber, 'extension' | 'destination'> {
  return {
    ...(entry.extension === undefined ? {} : { extension: entry.extension }),
    ...(entry.destination === undefined ? {} : { destination: entry.destination }),
  };
}

/** One entry merged with the number's current state (undefined: a number new to the trunk). */
function mergeEntry(entry: TrunkNumber, current: TrunkNumber | undefined, accounts: number[]): TrunkNumber {
  const kept = current?.account !== undefined && accounts.includes(current.account) ? current.account : undefined;
  const account = entry.account ?? kept;
  const sameAccount = current !== undefined && current.account === account;
  const routeGiven = entry.extension !== undefined || entry.destination !== undefined;
  const route = account === undefined ? {} : routeGiven || !sameAccount ? routeOf(entry) : routeOf(current);
  return { number: entry.number, ...(account === undefined ? {} : { account }), ...route };
}

/** The trunk's numbers after writing `file` (entries resolved: an extension's owner as destination) over
 *  `current` (the stored numbers with their routes), in the file's order. */
export function mergeStaticPool(current: TrunkNumber[] | undefined, file: TrunkNumber[], accounts: number[]): TrunkNumber[] {
  const byNumber = new Map((current ?? []).map((entry) => [entry.number, entry]));
  return file.map((entry) => mergeEntry(entry, byNumber.get(entry.number), accounts));
}

const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

/** What a write changes in the static pool, one line per number and field: what a dry run prints. */
export function staticPoolChanges(current: TrunkNumber[], desired: TrunkNumber[]): string[] {
  const before = new Map(current.map((entry) => [entry.number, entry]));
  const after = new Map(desired.map((entry) => [entry.number, entry]));
  const changes: string[] = [];
  for (const number of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was = before.get(number);
    const will = after.get(number);
    if (!was) changes.push(`numbers ${number}: add${will?.account === undefined ? ' (pool)' : ` (account ${will.account})`}`);
    else if (!will) changes.push(`numbers ${number}: release (no longer listed)`);
    else {
      for (const field of ['account', 'extension', 'destination'] as const) {
        if (!isDeepStrictEqual(was[field], will[field])) changes.push(`numbers ${number} ${field}: ${show(was[field])} -> ${show(will[field])}`);
      }
    }
  }
  return changes;
}

/** The numbers whose route the write must set: a changed route, or a number that changed account (its old
 *  route went with the reset). Null: routes nowhere. */
export function changedRoutes(current: TrunkNumber[], desired: TrunkNumber[]): Map<string, Destination | null> {
  const before = new Map(current.map((entry) => [entry.number, entry]));
  const routes = new Map<string, Destination | null>();
  for (const entry of desired) {
    const was = before.get(entry.number);
    if (was && was.account === entry.account && isDeepStrictEqual(was.destination, entry.destination)) continue;
    routes.set(entry.number, entry.account === undefined ? null : entry.destination ?? null);
  }
  return routes;
}
