// Every routing pointer of an account, one `destinations` row each: a user's forwarding, a ring group's
// failover, a trunk number's route (later: purchased numbers, menu digits). An owner (owner_type, owner_id)
// holds one destination per slot per account (a user in several accounts forwards differently in each), so
// "what points at X" is one query on (account_id, target_type, target_id).
import { destinationColumns, destinationFromColumns, type Destination } from '../../core/destinations';
import { STATIC_POOL } from '../../core/numbers';
import { insertInChunks, type Queryable } from '../connection';

export type DestinationOwnerType = 'user' | 'ring_group' | 'number';

export interface DestinationOwner {
  type: DestinationOwnerType;
  id: number;
}

/** What a destination can point at by id (external numbers and "hang up" are nobody's). */
export interface RoutingTarget {
  type: 'user' | 'ring_group' | 'queue' | 'ivr' | 'voicemail';
  id: number;
}

/** Something that points at a target: shown in a 409 so the admin knows what to change first. */
export interface Referrer {
  ownerType: DestinationOwnerType;
  ownerId: number;
  /** The user's full name, the ring group's name, or the trunk number itself. */
  name: string;
  /** The slot holding the pointer ('forward_busy', 'failover', 'route'), or 'member' for a ring group member. */
  slot: string;
}

interface DestinationRow {
  owner_id: number | string;
  slot: string;
  target_type: string;
  target_id: number | string | null;
  external_number: string | null;
}

/** The destinations of some owners of one type, by owner id then slot. */
export async function destinationsOfOwners(db: Queryable, accountId: number, ownerType: DestinationOwnerType, ownerIds: number[]): Promise<Map<number, Map<string, Destination>>> {
  const byOwner = new Map<number, Map<string, Destination>>(ownerIds.map((id) => [id, new Map()]));
  if (ownerIds.length === 0) return byOwner;
  const rows = (await db('destinations')
    .where({ account_id: accountId, owner_type: ownerType })
    .whereIn('owner_id', ownerIds)
    .select('owner_id', 'slot', 'target_type', 'target_id', 'external_number')) as DestinationRow[];
  for (const row of rows) {
    const destination = destinationFromColumns(row);
    if (destination) byOwner.get(Number(row.owner_id))?.set(row.slot, destination);
  }
  return byOwner;
}

export async function destinationsOf(db: Queryable, accountId: number, owner: DestinationOwner): Promise<Map<string, Destination>> {
  return (await destinationsOfOwners(db, accountId, owner.type, [owner.id])).get(owner.id) ?? new Map();
}

/** Sets (or with null clears) the owner's destination in one slot. */
export async function putDestination(db: Queryable, accountId: number, owner: DestinationOwner, slot: string, destination: Destination | null): Promise<void> {
  const key = { account_id: accountId, owner_type: owner.type, owner_id: owner.id, slot };
  await db('destinations').where(key).delete();
  if (destination) await db('destinations').insert({ ...key, ...destinationColumns(destination) });
}

/** Everything the owner points at in this account goes (the owner itself is going). */
export async function deleteOwnedDestinations(db: Queryable, accountId: number, owner: DestinationOwner): Promise<void> {
  await db('destinations').where({ account_id: accountId, owner_type: owner.type, owner_id: owner.id }).delete();
}

/** The destinations of the account pointing at the target, with the name of each owner; for a user, also the
 *  ring groups that ring them. */
export async function referrersOf(db: Queryable, accountId: number, target: RoutingTarget): Promise<Referrer[]> {
  const rows = (await db('destinations as d')
    .leftJoin('users as u', function joinUser() { this.on('u.id', '=', 'd.owner_id').andOnVal('d.owner_type', '=', 'user'); })
    .leftJoin('ring_groups as g', function joinGroup() { this.on('g.id', '=', 'd.owner_id').andOnVal('d.owner_type', '=', 'ring_group'); })
    .leftJoin('phone_numbers as n', function joinNumber() { this.on('n.id', '=', 'd.owner_id').andOnVal('d.owner_type', '=', 'number'); })
    .where({ 'd.account_id': accountId, 'd.target_type': target.type, 'd.target_id': target.id })
    .orderBy(['d.owner_type', 'd.owner_id', 'd.slot'])
    .select('d.owner_type', 'd.owner_id', 'd.slot', 'u.full_name', 'g.name as group_name', 'n.number')) as {
      owner_type: DestinationOwnerType; owner_id: number | string; slot: string; full_name: string | null; group_name: string | null; number: string | null;
    }[];
  const referrers: Referrer[] = rows.map((row) => ({
    ownerType: row.owner_type, ownerId: Number(row.owner_id), name: row.full_name ?? row.group_name ?? row.number ?? '', slot: row.slot,
  }));
  if (target.type !== 'user') return referrers;
  const groups = (await db('ring_group_members as m')
    .join('ring_groups as g', 'g.id', 'm.ring_group_id')
    .where({ 'g.account_id': accountId, 'm.user_id': target.id })
    .distinct('g.id', 'g.name')
    .orderBy('g.id')) as { id: number | string; name: string }[];
  return [...referrers, ...groups.map((group) => ({ ownerType: 'ring_group' as const, ownerId: Number(group.id), name: group.name, slot: 'member' }))];
}

/** The accounts where something points at the user (a destination or a ring group membership). */
export async function accountsReferringToUser(db: Queryable, userId: number): Promise<number[]> {
  const viaDestinations = await db('destinations').where({ target_type: 'user', target_id: userId }).distinct('account_id').pluck('account_id');
  const viaGroups = await db('ring_group_members as m').join('ring_groups as g', 'g.id', 'm.ring_group_id').where('m.user_id', userId).distinct('g.account_id').pluck('g.account_id');
  return [...new Set([...viaDestinations, ...viaGroups].map(Number))];
}

/** The accounts where the user has routing of their own (forwarding, call settings). */
export async function accountsWithUserRouting(db: Queryable, userId: number): Promise<number[]> {
  const owned = await db('destinations').where({ owner_type: 'user', owner_id: userId }).distinct('account_id').pluck('account_id');
  const settings = await db('call_settings').where({ user_id: userId }).pluck('account_id');
  return [...new Set([...owned, ...settings].map(Number))];
}

/** Whether the account may call external numbers at all: a trunk serves it. */
export async function accountHasTrunk(db: Queryable, accountId: number): Promise<boolean> {
  return (await db('trunk_accounts').where({ account_id: accountId }).first('trunk_id')) !== undefined;
}

/** Whether the user holds an active membership of this account (whom calls of the account may ring). */
export async function isActiveMember(db: Queryable, accountId: number, userId: number): Promise<boolean> {
  return (await db('memberships').where({ account_id: accountId, user_id: userId, status: 'active' }).first('id')) !== undefined;
}

/** The routes of a trunk's static-pool numbers that are held (not released), by number. */
export async function trunkNumberRoutes(db: Queryable, trunkId: number): Promise<Map<string, Destination>> {
  const rows = (await db('phone_numbers as n')
    .join('destinations as d', function joinRoute() {
      this.on('d.owner_id', '=', 'n.id').andOn('d.account_id', '=', 'n.account_id').andOnVal('d.owner_type', '=', 'number').andOnVal('d.slot', '=', 'route');
    })
    .where({ 'n.trunk_id': trunkId, 'n.provider': STATIC_POOL })
    .whereNotNull('n.live_number')
    .select('n.number', 'd.owner_id', 'd.slot', 'd.target_type', 'd.target_id', 'd.external_number')) as (DestinationRow & { number: string })[];
  const routes = new Map<string, Destination>();
  for (const row of rows) {
    const destination = destinationFromColumns(row);
    if (destination) routes.set(row.number, destination);
  }
  return routes;
}

/** Sets the routes of some of a trunk's static-pool numbers (null: none), in each number's account; numbers
 *  not in the map keep theirs. A number with no account routes nowhere. */
export async function setTrunkNumberRoutes(db: Queryable, trunkId: number, routes: Map<string, Destination | null>): Promise<void> {
  if (routes.size === 0) return;
  const numbers = (await db('phone_numbers')
    .where({ trunk_id: trunkId, provider: STATIC_POOL })
    .whereIn('live_number', [...routes.keys()])
    .select('id', 'number', 'account_id')) as { id: number | string; number: string; account_id: number | string | null }[];
  if (numbers.length === 0) return;
  await db('destinations').where({ owner_type: 'number', slot: 'route' }).whereIn('owner_id', numbers.map((row) => Number(row.id))).delete();
  const rows = numbers.flatMap((row) => {
    const destination = routes.get(row.number);
    return destination && row.account_id !== null
      ? [{ account_id: Number(row.account_id), owner_type: 'number', owner_id: Number(row.id), slot: 'route', ...destinationColumns(destination) }] : [];
  });
  if (rows.length > 0) await insertInChunks(db, 'destinations', rows);
}

/** Routes of numbers whose rows are gone (rows are released rather than deleted now; kept for a cleanup). */
export async function deleteOrphanTrunkNumberRoutes(db: Queryable): Promise<void> {
  await db('destinations').where({ owner_type: 'number' }).whereNotIn('owner_id', db('phone_numbers').select('id')).delete();
}
