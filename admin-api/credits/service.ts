// Credits: the organization's ledger (db/repositories/credit-ledger.ts). Holders of numbers.purchase read the
// balance, what is reserved and the entries; platform operators add credits. Spending goes through
// assertAvailable under the ledger's row lock, so concurrent purchases can never overspend.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable, Transaction } from '../../db/connection';
import {
  addCreditEntry, findCreditEntry, ledgerAccountOf, ledgerTotals, listCreditEntries, lockLedger, type CreditEntry, type LedgerTotals,
} from '../../db/repositories/credit-ledger';
import type { AccountScope, UserScope } from '../scope';
import { creditErrors } from './errors';
import type { AddCreditsInput } from './schemas';

export interface CreditsView extends LedgerTotals {
  accountId: number;
  /** The organization (or reseller) whose ledger this is. */
  ledgerAccountId: number;
  /** Newest first. In a subaccount, only what was spent there; in the ledger's own account, every entry. */
  entries: CreditEntry[];
  /** Pass as `before` for the next page; null on the last page. */
  nextBefore: number | null;
}

export interface AddedCredits extends LedgerTotals {
  ledgerAccountId: number;
  entry: CreditEntry;
  /** False when an earlier request with the same reference added them already. */
  added: boolean;
}

export class CreditService {
  constructor(private readonly db: Database) {}

  async view(scope: AccountScope, page: { beforeId?: number; limit: number }): Promise<CreditsView> {
    const ledgerAccountId = await this.ledgerOf(this.db, scope.accountId);
    const spentInAccountId = ledgerAccountId === scope.accountId ? undefined : scope.accountId;
    // One more than asked tells whether another page follows.
    const entries = await listCreditEntries(this.db, ledgerAccountId, { ...page, limit: page.limit + 1, spentInAccountId });
    const more = entries.length > page.limit;
    const shown = entries.slice(0, page.limit);
    return {
      accountId: scope.accountId, ledgerAccountId, ...(await ledgerTotals(this.db, ledgerAccountId)),
      entries: shown, nextBefore: more ? shown[shown.length - 1]?.id ?? null : null,
    };
  }

  /** A platform operator adds credits to the account's ledger (a subaccount's go to its organization). */
  async add(scope: UserScope, accountId: number, input: AddCreditsInput): Promise<AddedCredits> {
    return this.db.transaction(async (trx) => {
      const ledgerAccountId = await this.ledgerOf(trx, accountId);
      const entryKey = `grant:${ledgerAccountId}:${input.reference ?? randomUUID()}`;
      const added = await addCreditEntry(trx, {
        ledgerAccountId, kind: 'grant', amountCents: input.amountCents, entryKey, spentInAccountId: null, createdBy: scope.actor.user.id, note: input.note,
      });
      const entry = await findCreditEntry(trx, entryKey);
      if (!entry) throw new Error(`credit entry ${entryKey} vanished within its transaction`);
      if (added) await scope.audit(trx, { accountId: ledgerAccountId, action: 'credits.add', entity: 'credit_entry', entityId: entry.id, after: entry });
      return { ledgerAccountId, entry, added, ...(await ledgerTotals(trx, ledgerAccountId)) };
    });
  }

  /** Inside a spending transaction: locks the ledger, then 402 INSUFFICIENT_CREDITS unless `priceCents` is
   *  available. The lock is held until the transaction ends, so the caller's reservation is written before any
   *  other purchase of the organization reads the balance. */
  async assertAvailable(trx: Transaction, ledgerAccountId: number, priceCents: number): Promise<void> {
    await lockLedger(trx, ledgerAccountId);
    const { balanceCents } = await ledgerTotals(trx, ledgerAccountId, { current: true });
    if (balanceCents < priceCents) throw creditErrors.insufficient(balanceCents, priceCents);
  }

  async ledgerOf(db: Queryable, accountId: number): Promise<number> {
    const ledgerAccountId = await ledgerAccountOf(db, accountId);
    if (ledgerAccountId === undefined) throw creditErrors.accountNotFound(accountId);
    return ledgerAccountId;
  }
}
