// Credits are the organization's ledger (credit_entries, issue 10): the balance is the sum of its entries, so
// the bare balance column accounts carried from the start goes. Nothing ever wrote it but its default, 0.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('accounts', 'credits_cents')) {
    await knex.schema.alterTable('accounts', (table) => table.dropColumn('credits_cents'));
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (table) => table.bigInteger('credits_cents').notNullable().defaultTo(0));
}
