// Outbound dialing settings of an account (issue 9): an outside-line prefix, the countries it may call abroad
// (ISO 3166 alpha-2, none by default: international calls are refused until an admin allows a country), its
// emergency numbers (always dialable) and its limit on simultaneous outbound calls. With the existing default
// area code, calling hours and callback number these are what the ARI app's outbound flow applies.
import type { Knex } from 'knex';

export const DEFAULT_EMERGENCY_NUMBERS = ['911', '112', '999'];
export const DEFAULT_MAX_CONCURRENT_OUTBOUND = 10;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (table) => {
    table.string('outside_line_prefix', 2).nullable();
    table.json('international_allowed_countries').notNullable().defaultTo('[]');
    table.json('emergency_numbers').notNullable().defaultTo(JSON.stringify(DEFAULT_EMERGENCY_NUMBERS));
    table.integer('max_concurrent_outbound').unsigned().notNullable().defaultTo(DEFAULT_MAX_CONCURRENT_OUTBOUND);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (table) => {
    table.dropColumn('outside_line_prefix');
    table.dropColumn('international_allowed_countries');
    table.dropColumn('emergency_numbers');
    table.dropColumn('max_concurrent_outbound');
  });
}
