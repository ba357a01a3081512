// Temporary blocks on SIP source addresses (ari-app/security): the record ops list (sip_address_blocks) and the
// res_pjsip_acl row Asterisk enforces (ps_acls), always written and removed together in one transaction.
import type { Database, Queryable } from '../connection';

export interface AddressBlock {
  address: string;
  failures: number;
  lastEvent: string;
  blockedUntil: Date;
  blockedAt: Date;
}

export interface NewAddressBlock {
  address: string;
  failures: number;
  lastEvent: string;
  blockedUntil: Date;
  /** The ACL rule, e.g. "203.0.113.7/32". */
  deny: string;
}

interface BlockRow {
  address: string;
  failures: number;
  last_event: string;
  blocked_until: Date;
  created_at: Date;
}

/** One ACL row per address, so lifting one block never touches another. */
export function blockAclId(address: string): string {
  return `block-${address}`;
}

/** Blocks an address; false (and nothing written) when it is already blocked beyond `now`. An expired block
 *  the sweep has not lifted yet is renewed. */
export async function blockAddress(db: Database, block: NewAddressBlock, now: Date): Promise<boolean> {
  return db.transaction(async (trx) => {
    const existing = await trx<BlockRow>('sip_address_blocks').where({ address: block.address }).forUpdate().first('blocked_until');
    if (existing && new Date(existing.blocked_until) > now) return false;
    await trx('sip_address_blocks')
      .insert({ address: block.address, failures: block.failures, last_event: block.lastEvent, blocked_until: block.blockedUntil, created_at: now, updated_at: now })
      .onConflict('address').merge();
    await trx('ps_acls').insert({ id: blockAclId(block.address), deny: block.deny }).onConflict('id').merge();
    return true;
  });
}

/** Writes only the ACL row: the block takes effect at Asterisk's next request. One statement, no lock, so the
 *  guard can put it first, ahead of the bookkeeping; writing it twice (two instances) leaves one row. */
export async function denyAddress(db: Queryable, address: string, deny: string): Promise<void> {
  await db('ps_acls').insert({ id: blockAclId(address), deny }).onConflict('id').merge();
}

/** Lifts an address's block: its record and its ACL row. With `expiredBy`, only a block that ended by then
 *  (the sweep: a block renewed meanwhile stays). False when there was nothing to lift. */
export async function liftAddressBlock(db: Database, address: string, expiredBy?: Date): Promise<boolean> {
  return db.transaction(async (trx) => {
    const records = trx('sip_address_blocks').where({ address });
    if (expiredBy) records.andWhere('blocked_until', '<=', expiredBy);
    const removed = await records.del();
    if (removed === 0 && expiredBy) return false;
    // A manual lift also clears an ACL row left without its record.
    const acls = await trx('ps_acls').where({ id: blockAclId(address) }).del();
    return removed + acls > 0;
  });
}

export async function expiredAddressBlocks(db: Queryable, now: Date): Promise<string[]> {
  return (await db('sip_address_blocks').where('blocked_until', '<=', now).orderBy('blocked_until').pluck('address')) as string[];
}

export async function listAddressBlocks(db: Queryable): Promise<AddressBlock[]> {
  const rows = await db<BlockRow>('sip_address_blocks').select('address', 'failures', 'last_event', 'blocked_until', 'created_at').orderBy('blocked_until');
  return rows.map((row) => ({
    address: row.address,
    failures: Number(row.failures),
    lastEvent: row.last_event,
    blockedUntil: new Date(row.blocked_until),
    blockedAt: new Date(row.created_at),
  }));
}

/** Every identify row: which endpoint (a trunk) is taken for which source addresses (`match`, possibly
 *  comma-separated). */
export async function identifyMatches(db: Queryable): Promise<{ endpoint: string; match: string }[]> {
  const rows = (await db('ps_endpoint_id_ips').whereNotNull('match').select('endpoint', 'match')) as { endpoint: string; match: string }[];
  return rows.filter((row) => row.match.trim() !== '');
}
