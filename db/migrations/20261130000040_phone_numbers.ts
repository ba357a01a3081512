// Phone numbers (issue 10): a number becomes a first-class record with a life cycle, rather than a line of a
// trunk file. The trunk files' numbers become the inventory of the "static pool" provider (their rows keep
// their ids, so the routes that point from them keep working); numbers bought at providers join them.
//
// - phone_numbers (was trunk_numbers): E.164, location, capabilities, provider and its reference, trunk, account,
//   owner, label, sharing, state and price. A number is unique among the live ones only: a released number
//   may be bought again later, and its old row stays for the history (a generated column carries the unique
//   key, NULL once released or failed: MariaDB has no partial indexes).
// - phone_number_shares: the users a number "shared with listed users" is shared with.
// - dialer_access: who may place outbound calls in an account, and with which number by default.
// - credit_entries: the organization's ledger. There is no balance column: the balance is the sum, and every
//   entry carries a unique key, so a step that runs twice (a retried job) writes its entry once.
// - number_orders: a purchase or a release at a provider, driven by a job (the job id derives from the order).
// - number_requests: a user's request for a number and how an admin resolved it.
//
// Existing data keeps working: the trunk files' numbers assigned to an account are shared with the whole
// account, and every active member of such an account gets dialer access, as they could dial out before.
import type { Knex } from 'knex';

const STATES = ['reserved', 'purchasing', 'active', 'releasing', 'released', 'failed'];

async function movePhoneNumbers(knex: Knex): Promise<void> {
  await knex.schema.renameTable('trunk_numbers', 'phone_numbers');
  // The trunk goes nullable: numbers bought at a provider are ours (and paid for) even after ops remove the
  // trunk file they arrived on; reconciliation reports them rather than a cascade deleting them.
  await knex.schema.alterTable('phone_numbers', (table) => {
    table.dropForeign(['trunk_id'], 'trunk_numbers_trunk_id_foreign');
    table.dropForeign(['account_id'], 'trunk_numbers_account_id_foreign');
    table.dropUnique(['number'], 'trunk_numbers_number_unique');
  });
  await knex.schema.alterTable('phone_numbers', (table) => {
    table.bigInteger('trunk_id').unsigned().nullable().alter();
    table.foreign('trunk_id', 'phone_numbers_trunk_id_foreign').references('trunks.id').onDelete('SET NULL');
    table.foreign('account_id', 'phone_numbers_account_id_foreign').references('accounts.id').onDelete('SET NULL');
    table.string('country', 2).nullable();
    table.string('region', 80).nullable();
    table.string('locality', 80).nullable();
    table.boolean('voice').notNullable().defaultTo(true);
    table.boolean('sms').notNullable().defaultTo(false);
    table.boolean('fax').notNullable().defaultTo(false);
    // 'static-pool' for numbers a trunk file lists; otherwise the provider API ('telnyx', 'twilio').
    table.string('provider', 24).notNullable().defaultTo('static-pool');
    table.string('provider_ref', 80).nullable();
    table.bigInteger('owner_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.string('label', 120).nullable();
    table.enu('sharing', ['private', 'users', 'account']).notNullable().defaultTo('account');
    table.enu('state', STATES).notNullable().defaultTo('active');
    table.integer('monthly_price_cents').notNullable().defaultTo(0);
    table.timestamp('released_at').nullable();
    table.timestamps(true, true);
    table.index(['account_id', 'state']);
    table.index(['owner_user_id']);
  });
  await knex.raw(`ALTER TABLE phone_numbers ADD COLUMN live_number VARCHAR(16)
    AS (IF(state IN ('released', 'failed'), NULL, number)) PERSISTENT, ADD UNIQUE INDEX phone_numbers_live_number_unique (live_number)`);
  await knex.raw('ALTER TABLE phone_numbers ADD INDEX phone_numbers_number_index (number)');
  await knex('destinations').where({ owner_type: 'trunk_number' }).update({ owner_type: 'number' });
}

async function createTables(knex: Knex): Promise<void> {
  await knex.schema.createTable('phone_number_shares', (table) => {
    table.bigInteger('number_id').unsigned().notNullable().references('phone_numbers.id').onDelete('CASCADE');
    table.bigInteger('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    table.primary(['number_id', 'user_id']);
    table.index(['user_id']);
  });
  await knex.schema.createTable('dialer_access', (table) => {
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.bigInteger('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    // The caller ID the user's calls carry unless they pick another they may use.
    table.bigInteger('default_number_id').unsigned().nullable().references('phone_numbers.id').onDelete('SET NULL');
    table.bigInteger('granted_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.timestamps(true, true);
    table.primary(['account_id', 'user_id']);
  });
  await knex.schema.createTable('credit_entries', (table) => {
    table.bigIncrements('id');
    // The organization (or reseller) whose credits these are: subaccounts spend their organization's.
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.enu('kind', ['grant', 'reservation', 'reservation_release', 'charge', 'rental', 'refund', 'adjustment']).notNullable();
    // Signed, in cents: credits added are positive, reservations and charges negative.
    table.bigInteger('amount_cents').notNullable();
    // Makes each step idempotent, e.g. "order:12:reserve", "rental:7:2026-11".
    table.string('entry_key', 80).notNullable().unique();
    table.bigInteger('number_id').unsigned().nullable().references('phone_numbers.id').onDelete('SET NULL');
    table.bigInteger('order_id').unsigned().nullable();
    table.bigInteger('spent_in_account_id').unsigned().nullable().references('accounts.id').onDelete('SET NULL');
    table.bigInteger('created_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.string('note', 200).nullable();
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
    table.index(['account_id', 'id']);
  });
  await knex.schema.createTable('number_orders', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.bigInteger('ledger_account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.bigInteger('number_id').unsigned().notNullable().references('phone_numbers.id').onDelete('CASCADE');
    table.enu('kind', ['purchase', 'release']).notNullable();
    table.enu('state', ['pending', 'ordered', 'completed', 'failed']).notNullable().defaultTo('pending');
    table.integer('price_cents').notNullable().defaultTo(0);
    table.bigInteger('requested_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.string('error', 500).nullable();
    table.timestamps(true, true);
    table.index(['number_id']);
  });
  await knex.schema.createTable('number_requests', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.bigInteger('requester_user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    table.string('country', 2).notNullable();
    table.string('region', 80).nullable();
    table.string('locality', 80).nullable();
    table.string('area_code', 8).nullable();
    table.boolean('voice').notNullable().defaultTo(true);
    table.boolean('sms').notNullable().defaultTo(false);
    table.boolean('fax').notNullable().defaultTo(false);
    table.string('note', 500).nullable();
    table.enu('state', ['open', 'purchasing', 'fulfilled', 'rejected', 'cancelled']).notNullable().defaultTo('open');
    table.enu('resolution', ['purchased', 'assigned', 'rejected']).nullable();
    table.bigInteger('number_id').unsigned().nullable().references('phone_numbers.id').onDelete('SET NULL');
    table.string('reason', 500).nullable();
    table.bigInteger('resolved_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.timestamp('resolved_at').nullable();
    table.timestamps(true, true);
    table.index(['account_id', 'state']);
    table.index(['requester_user_id']);
  });
}

/** What dialed out before keeps dialing out: assigned static numbers are shared with their account, and the
 *  active members of accounts holding numbers get dialer access. */
async function keepExistingDialing(knex: Knex): Promise<void> {
  await knex('phone_numbers').whereNotNull('account_id').update({ sharing: 'account' });
  await knex.raw(`INSERT IGNORE INTO dialer_access (account_id, user_id, created_at, updated_at)
    SELECT DISTINCT m.account_id, m.user_id, NOW(), NOW() FROM memberships m
     WHERE m.status = 'active' AND m.account_id IN (SELECT account_id FROM phone_numbers WHERE account_id IS NOT NULL)`);
}

export async function up(knex: Knex): Promise<void> {
  await movePhoneNumbers(knex);
  await createTables(knex);
  await keepExistingDialing(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['number_requests', 'number_orders', 'credit_entries', 'dialer_access', 'phone_number_shares']) await knex.schema.dropTableIfExists(table);
  await knex('destinations').where({ owner_type: 'number' }).update({ owner_type: 'trunk_number' });
  await knex.raw('ALTER TABLE phone_numbers DROP INDEX phone_numbers_live_number_unique, DROP COLUMN live_number');
  await knex.schema.renameTable('phone_numbers', 'trunk_numbers');
}
