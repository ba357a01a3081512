// The first domain tables: the account tree (extended by the identity work) and devices, each of which owns
// one PJSIP endpoint/auth/aor triple named by devices.endpoint_id.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (table) => {
    table.bigIncrements('id');
    table.bigInteger('parent_id').unsigned().nullable().references('accounts.id').onDelete('RESTRICT');
    table.enu('kind', ['reseller', 'organization', 'subaccount']).notNullable();
    table.string('name', 120).notNullable();
    // The Asterisk dialplan context that isolates this account's devices; fixed at creation.
    table.string('dialplan_context', 40).notNullable().unique();
    table.timestamps(true, true);
  });

  await knex.schema.createTable('devices', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    // Several devices may share an extension: a call to it rings all of them.
    table.string('extension', 16).notNullable();
    table.string('label', 120).notNullable();
    table.enu('kind', ['desk_phone', 'softphone', 'webrtc']).notNullable();
    // Never the extension alone: SIP scanners guess usernames such as 100 or 1001.
    table.string('endpoint_id', 40).notNullable().unique();
    table.boolean('enabled').notNullable().defaultTo(true);
    table.timestamps(true, true);
    table.index(['account_id', 'extension']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('devices');
  await knex.schema.dropTableIfExists('accounts');
}
