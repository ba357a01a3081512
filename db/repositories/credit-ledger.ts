// The credits ledger (issue 10): entries only, never a balance column. The balance is the sum of an account's
// entries; reservations count against it from the moment a purchase is placed, so the balance is what can
// still be spent. Every entry carries a unique key naming the step that wrote it ("order:12:reserve"), so a
// step run twice (a retried job, a repeated request) writes its entry once.
//
// The ledger belongs to the account's organization: a subaccount spends its organization's credits, a reseller
// or an organization its own (organizationOfAccount).
import type { Queryable } from '../connection';
import { organizationOfAccount } from './users';

export const CREDIT_ENTRY_KINDS = ['grant', 'reservation', 'reservation_release', 'charge', 'rental', 'refund', 'adjustment'] as const;
export type CreditEntryKind = (typeof CREDIT_ENTRY_KINDS)[number];

export interface NewCreditEntry {
  /** The ledger's account (an organization or a reseller). */
  ledgerAccountId: number;
  kind: CreditEntryKind;
  /** Signed cents: credits added are positive, reservations and charges negative. */
  amountCents: number;
  entryKey: string;
  numberId?: number | null;
  orderId?: number | null;
  /** The account the credits were spent in (a subaccount of the ledger's organization, or the ledger itself). */
  spentInAccountId?: number | null;
  createdBy?: number | null;
  note?: string | null;
}

export interface CreditEntry {
  id: number;
  kind: CreditEntryKind;
  amountCents: number;
  entryKey: string;
  numberId: number | null;
  orderId: number | null;
  spentInAccountId: number | null;
  createdBy: number | null;
  note: string | null;
  createdAt: string;
}

export interface LedgerTotals {
  /** What can be spent now: every entry summed, open reservations included. */
  balanceCents: number;
  /** Held by purchases not yet completed or failed. */
  reservedCents: number;
}

interface EntryRow {
  id: number | string;
  kind: CreditEntryKind;
  amount_cents: number | string;
  entry_key: string;
  number_id: number | string | null;
  order_id: number | string | null;
  spent_in_account_id: number | string | null;
  created_by: number | string | null;
  note: string | null;
  created_at: Date | string;
}

const ENTRY_COLUMNS = ['id', 'kind', 'amount_cents', 'entry_key', 'number_id', 'order_id', 'spent_in_account_id', 'created_by', 'note', 'created_at'];

const optionalId = (value: number | string | null): number | null => (value === null ? null : Number(value));

function toEntry(row: EntryRow): CreditEntry {
  return {
    id: Number(row.id),
    kind: row.kind,
    amountCents: Number(row.amount_cents),
    entryKey: row.entry_key,
    numberId: optionalId(row.number_id),
    orderId: optionalId(row.order_id),
    spentInAccountId: optionalId(row.spent_in_account_id),
    createdBy: optionalId(row.created_by),
    note: row.note,
    createdAt: (row.created_at instanceof Date ? row.created_at : new Date(row.created_at)).toISOString(),
  };
}

/** The account whose ledger the account spends from; undefined for an unknown account. */
export function ledgerAccountOf(db: Queryable, accountId: number): Promise<number | undefined> {
  return organizationOfAccount(db, accountId);
}

/** Serializes spending from one ledger: every balance check that may lead to a debit takes this row lock first
 *  (after the account's own routing lock), so two purchases cannot both see the same credits. */
export async function lockLedger(trx: Queryable, ledgerAccountId: number): Promise<void> {
  await trx('accounts').where({ id: ledgerAccountId }).forUpdate().first('id');
}

/** `current`: a locking read, which sees every committed entry; a plain read inside a transaction sees the
 *  snapshot taken at its first read, which may predate the ledger lock and miss another purchase's reservation. */
export async function ledgerTotals(db: Queryable, ledgerAccountId: number, options: { current?: boolean } = {}): Promise<LedgerTotals> {
  const query = db('credit_entries').where({ account_id: ledgerAccountId });
  if (options.current) query.forShare();
  const row = (await query
    .first(
      db.raw('COALESCE(SUM(amount_cents), 0) AS balance'),
      db.raw("COALESCE(SUM(CASE WHEN kind IN ('reservation', 'reservation_release') THEN amount_cents ELSE 0 END), 0) AS reserved"),
    )) as { balance: number | string; reserved: number | string };
  return { balanceCents: Number(row.balance), reservedCents: -Number(row.reserved) };
}

/** Writes the entry unless its key was written before; true when this call wrote it. A zero amount writes
 *  nothing (a free number leaves no trace in the ledger but its order). */
export async function addCreditEntry(db: Queryable, entry: NewCreditEntry): Promise<boolean> {
  if (entry.amountCents === 0) return false;
  // ON DUPLICATE KEY UPDATE of the key itself: a repeat is a no-op, while any other failure (a foreign key)
  // still fails, which INSERT IGNORE would turn into a warning.
  const [result] = (await db('credit_entries')
    .insert({
      account_id: entry.ledgerAccountId,
      kind: entry.kind,
      amount_cents: entry.amountCents,
      entry_key: entry.entryKey,
      number_id: entry.numberId ?? null,
      order_id: entry.orderId ?? null,
      spent_in_account_id: entry.spentInAccountId ?? null,
      created_by: entry.createdBy ?? null,
      note: entry.note ?? null,
    })
    .onConflict('entry_key')
    .merge(['entry_key'])) as unknown as [number];
  // MariaDB reports the inserted id, or 0 for a duplicate whose update changed nothing.
  return Number(result) > 0;
}

export interface EntryPage {
  /** Only entries spent in this account (a subaccount sees its own spending, not its siblings'). */
  spentInAccountId?: number;
  /** Entries older than this id (the previous page's last). */
  beforeId?: number;
  limit: number;
}

/** One page of the ledger, newest first. */
export async function listCreditEntries(db: Queryable, ledgerAccountId: number, page: EntryPage): Promise<CreditEntry[]> {
  const query = db('credit_entries').where({ account_id: ledgerAccountId }).orderBy('id', 'desc').limit(page.limit);
  if (page.spentInAccountId !== undefined) query.andWhere('spent_in_account_id', page.spentInAccountId);
  if (page.beforeId !== undefined) query.andWhere('id', '<', page.beforeId);
  const rows = (await query.select(ENTRY_COLUMNS)) as EntryRow[];
  return rows.map(toEntry);
}

export async function findCreditEntry(db: Queryable, entryKey: string): Promise<CreditEntry | undefined> {
  const row = (await db('credit_entries').where({ entry_key: entryKey }).first(ENTRY_COLUMNS)) as EntryRow | undefined;
  return row && toEntry(row);
}

/** The entries of one order, oldest first (what a test or an audit reads to see reserve, release, charge). */
export async function creditEntriesOfOrder(db: Queryable, orderId: number): Promise<CreditEntry[]> {
  const rows = (await db('credit_entries').where({ order_id: orderId }).orderBy('id').select(ENTRY_COLUMNS)) as EntryRow[];
  return rows.map(toEntry);
}

/** The sum of every ledger's entries of these kinds (the provisioning benchmark's ledger check). */
export async function sumOfEntryKinds(db: Queryable, kinds: CreditEntryKind[]): Promise<number> {
  const row = (await db('credit_entries').whereIn('kind', kinds).first(db.raw('COALESCE(SUM(amount_cents), 0) AS total'))) as { total: number | string };
  return Number(row.total);
}
