// An account's extension plan (account_extensions): one namespace per account. Each extension belongs to one
// owner (a user, a ring group, later a queue, auto-receptionist or voicemail box) and an owner holds at most
// one extension per account; both rules are unique keys, so a race between two writers ends in a duplicate key,
// never in two owners.
import type { ExtensionOwnerType } from '../../core/destinations';
import type { Queryable } from '../connection';

export type { ExtensionOwnerType };

export interface ExtensionOwner {
  type: ExtensionOwnerType;
  id: number;
}

export interface PlanEntry {
  extension: string;
  owner: ExtensionOwner;
  /** The owner's name as people know it (a user's full name, a ring group's name); null if not known here. */
  name: string | null;
}

interface PlanRow {
  extension: string;
  owner_type: ExtensionOwnerType;
  owner_id: number | string;
  name?: string | null;
}

const DUPLICATE_KEY = 'ER_DUP_ENTRY';

const ownerOf = (row: PlanRow): ExtensionOwner => ({ type: row.owner_type, id: Number(row.owner_id) });

/** Who holds an extension of an account. `latest`: a locking read, which sees rows committed after this
 *  transaction's snapshot (the holder that just won a race). */
export async function findExtensionOwner(db: Queryable, accountId: number, extension: string, options: { latest?: boolean } = {}): Promise<ExtensionOwner | undefined> {
  const query = db('account_extensions').where({ account_id: accountId, extension }).first('owner_type', 'owner_id');
  if (options.latest) query.forShare();
  const row = (await query) as PlanRow | undefined;
  return row && ownerOf(row);
}

/** The extension an owner holds in an account, if any. */
export async function findOwnerExtension(db: Queryable, accountId: number, owner: ExtensionOwner): Promise<string | undefined> {
  const row = (await db('account_extensions').where({ account_id: accountId, owner_type: owner.type, owner_id: owner.id }).first('extension')) as { extension: string } | undefined;
  return row?.extension;
}

/** The extensions of many users of one account, by user id (users without one are absent). */
export async function extensionsOfUsers(db: Queryable, accountId: number, userIds: number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map();
  const rows = (await db('account_extensions').where({ account_id: accountId, owner_type: 'user' }).whereIn('owner_id', userIds).select('owner_id', 'extension')) as PlanRow[];
  return new Map(rows.map((row) => [Number(row.owner_id), row.extension]));
}

/** A user's extensions in every account, by account id. */
export async function extensionsOfUser(db: Queryable, userId: number): Promise<{ accountId: number; extension: string }[]> {
  const rows = (await db('account_extensions').where({ owner_type: 'user', owner_id: userId }).orderBy('account_id').select('account_id', 'extension')) as { account_id: number | string; extension: string }[];
  return rows.map((row) => ({ accountId: Number(row.account_id), extension: row.extension }));
}

/** Every extension taken in an account, whoever holds it. */
export async function usedExtensions(db: Queryable, accountId: number): Promise<Set<string>> {
  return new Set((await db('account_extensions').where({ account_id: accountId }).pluck('extension')) as string[]);
}

/** Gives `owner` this extension, replacing the one it held. Returns the other owner holding it instead (nothing is
 *  written then), or undefined once the owner holds it. Call inside the caller's transaction. */
export async function claimExtension(db: Queryable, accountId: number, owner: ExtensionOwner, extension: string): Promise<ExtensionOwner | undefined> {
  const holder = await findExtensionOwner(db, accountId, extension);
  if (holder) return holder.type === owner.type && holder.id === owner.id ? undefined : holder;
  await freeExtension(db, accountId, owner);
  try {
    await db('account_extensions').insert({ account_id: accountId, extension, owner_type: owner.type, owner_id: owner.id });
    return undefined;
  } catch (error) {
    if ((error as { code?: string }).code !== DUPLICATE_KEY) throw error;
    // Another transaction took it between the read and the insert (MariaDB undoes only the failed statement).
    return (await findExtensionOwner(db, accountId, extension, { latest: true })) ?? { type: 'user', id: 0 };
  }
}

/** The owner's extension in an account is freed; returns the extension it held. */
export async function freeExtension(db: Queryable, accountId: number, owner: ExtensionOwner): Promise<string | undefined> {
  const held = await findOwnerExtension(db, accountId, owner);
  if (held !== undefined) await db('account_extensions').where({ account_id: accountId, owner_type: owner.type, owner_id: owner.id }).delete();
  return held;
}

/** Many extensions at once (bulk provisioning, whose rows were checked against usedExtensions). */
export async function insertExtensions(db: Queryable, entries: { accountId: number; extension: string; owner: ExtensionOwner }[]): Promise<void> {
  for (let start = 0; start < entries.length; start += 500) {
    await db('account_extensions').insert(entries.slice(start, start + 500).map((entry) => ({
      account_id: entry.accountId, extension: entry.extension, owner_type: entry.owner.type, owner_id: entry.owner.id,
    })));
  }
}

/** The plan of an account, in extension order, each entry with its owner's name. */
export async function listExtensionPlan(db: Queryable, accountId: number): Promise<PlanEntry[]> {
  const rows = (await db('account_extensions as ae')
    .leftJoin('users', (join) => join.on('users.id', 'ae.owner_id').andOnVal('ae.owner_type', 'user'))
    .leftJoin('ring_groups', (join) => join.on('ring_groups.id', 'ae.owner_id').andOnVal('ae.owner_type', 'ring_group'))
    .where('ae.account_id', accountId)
    .orderByRaw('LENGTH(ae.extension), ae.extension')
    .select('ae.extension', 'ae.owner_type', 'ae.owner_id', db.raw('COALESCE(users.full_name, ring_groups.name) as name'))) as PlanRow[];
  return rows.map((row) => ({ extension: row.extension, owner: ownerOf(row), name: row.name ?? null }));
}

/** The name people know an owner by, for messages such as "extension 201 belongs to ...". */
export async function ownerName(db: Queryable, owner: ExtensionOwner): Promise<string | null> {
  if (owner.type === 'user') return ((await db('users').where({ id: owner.id }).first('full_name')) as { full_name: string } | undefined)?.full_name ?? null;
  if (owner.type === 'ring_group') return ((await db('ring_groups').where({ id: owner.id }).first('name')) as { name: string } | undefined)?.name ?? null;
  return null;
}
