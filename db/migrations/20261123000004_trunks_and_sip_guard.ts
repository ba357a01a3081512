// Trunks to SIP providers (kept as files by ops or edited through the API; both become the same PJSIP rows),
// the numbers each carries, and the address blocks that stop password guessing.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('trunks', (table) => {
    table.bigIncrements('id');
    // Also the PJSIP objects' name, prefixed "trunk-": lowercase letters, digits and dashes.
    table.string('name', 40).notNullable().unique();
    // Who owns the definition: a file under asterisk-config/trunks/ (trunks:apply keeps it in line) or the API.
    table.enu('source', ['file', 'api']).notNullable();
    // The validated definition, secrets excluded (a file's secret is a reference; the API's goes to ps_auths only).
    table.json('definition').notNullable();
    table.timestamps(true, true);
  });

  await knex.schema.createTable('trunk_accounts', (table) => {
    table.bigInteger('trunk_id').unsigned().notNullable().references('trunks.id').onDelete('CASCADE');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.primary(['trunk_id', 'account_id']);
  });

  await knex.schema.createTable('trunk_numbers', (table) => {
    table.bigIncrements('id');
    table.bigInteger('trunk_id').unsigned().notNullable().references('trunks.id').onDelete('CASCADE');
    // E.164 with its "+": one number reaches us through one trunk.
    table.string('number', 16).notNullable().unique();
    // Unassigned numbers are the provider's pool; a call to one is refused as not in service.
    table.bigInteger('account_id').unsigned().nullable().references('accounts.id').onDelete('SET NULL');
    table.string('extension', 16).nullable();
  });

  // res_pjsip_acl's realtime objects: every incoming SIP request is checked against them.
  await knex.schema.createTable('ps_acls', (table) => {
    table.string('id', 255).primary();
    for (const column of ['permit', 'deny', 'acl', 'contact_permit', 'contact_deny', 'contact_acl']) table.string(column, 255).nullable();
  });

  await knex.schema.createTable('sip_address_blocks', (table) => {
    table.string('address', 45).primary();
    table.integer('failures').notNullable();
    table.string('last_event', 40).notNullable();
    table.dateTime('blocked_until').notNullable().index();
    table.timestamps(true, true);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const name of ['sip_address_blocks', 'ps_acls', 'trunk_numbers', 'trunk_accounts', 'trunks']) await knex.schema.dropTableIfExists(name);
}
