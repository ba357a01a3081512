// The trunk files' numbers as 20261130000040 left them lack what trunks:apply now gives every static-pool row
// (admin-api/trunks/static-pool.ts): the provider's reference (the number itself) and the country its E.164
// prefix names, which a search of the pool by country matches on. Without this, an unchanged file (which
// trunks:apply does not rewrite) would keep them invisible to such a search.
import type { Knex } from 'knex';
import { destinationOf } from '../../core/dialing/countries';

export async function up(knex: Knex): Promise<void> {
  await knex('phone_numbers').where({ provider: 'static-pool' }).whereNull('provider_ref').update({ provider_ref: knex.ref('number') });
  const rows = (await knex('phone_numbers').where({ provider: 'static-pool' }).whereNull('country').select('id', 'number')) as { id: number | string; number: string }[];
  for (const row of rows) {
    const { country } = destinationOf(row.number);
    if (country) await knex('phone_numbers').where({ id: row.id }).update({ country });
  }
}

export async function down(): Promise<void> {
  // Nothing to undo: the columns stay (20261130000040 owns them) and the values are right either way.
}
