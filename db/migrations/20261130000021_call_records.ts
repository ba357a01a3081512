// Call records (issue 9): one row per call and one per leg, written by the ARI app from what it did (never parsed
// from Asterisk's CDR files). The record's id is the flow's callId. Also grants the new permission calls.read_all
// to the memberships and custom roles that already hold users.manage: a membership keeps the permissions copied
// when its role was applied, so adding the permission to the presets alone would not reach existing admins.
import type { Knex } from 'knex';

const CALL_OUTCOMES = ['answered', 'busy', 'no_answer', 'failed', 'refused'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('call_records', (table) => {
    table.uuid('id').primary();
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.enu('direction', ['internal', 'inbound', 'outbound']).notNullable();
    // Caller ID as received: a device's extension, or any number a provider sends.
    table.string('from_number', 40).notNullable();
    table.string('from_name', 80).nullable();
    table.bigInteger('from_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.string('to_number', 40).notNullable();
    table.string('did', 20).nullable();
    table.string('trunk', 64).nullable();
    // The caller's channel: what the reconciler checks a flow still owns, and what ties the row to Asterisk's logs.
    table.string('channel_id', 64).notNullable();
    table.datetime('started_at', { precision: 3 }).notNullable();
    table.datetime('answered_at', { precision: 3 }).nullable();
    table.datetime('ended_at', { precision: 3 }).nullable();
    table.enu('outcome', [...CALL_OUTCOMES]).nullable();
    table.string('outcome_reason', 120).nullable();
    table.bigInteger('answered_by_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.string('answered_by_number', 40).nullable();
    table.json('path').notNullable();
    table.integer('ring_seconds').unsigned().nullable();
    table.integer('talk_seconds').unsigned().nullable();
    // Pages newest first: (account_id, started_at) plus the primary key InnoDB appends to every secondary index.
    table.index(['account_id', 'started_at']);
    table.index(['from_user_id', 'started_at']);
    table.index(['answered_by_user_id', 'started_at']);
    // Records left open (a crash): the reconciler looks for ended_at IS NULL.
    table.index(['ended_at']);
  });

  await knex.schema.createTable('call_record_legs', (table) => {
    table.bigIncrements('id');
    table.uuid('call_id').notNullable().references('call_records.id').onDelete('CASCADE');
    table.string('channel_id', 64).notNullable();
    table.enu('kind', ['device', 'external']).notNullable();
    table.bigInteger('user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.string('endpoint_id', 40).nullable();
    table.string('number', 40).nullable();
    table.string('trunk', 64).nullable();
    table.datetime('started_at', { precision: 3 }).notNullable();
    table.datetime('answered_at', { precision: 3 }).nullable();
    table.datetime('ended_at', { precision: 3 }).nullable();
    // answered, busy, no_answer, unreachable, failed, answered_elsewhere, cancelled
    table.string('outcome', 24).nullable();
    table.integer('hangup_cause').nullable();
    table.unique(['call_id', 'channel_id']);
  });

  await grantCallsReadAll(knex);
}

/** calls.read_all to every membership and custom role holding users.manage (the admin tiers and unit Admins). */
export async function grantCallsReadAll(knex: Knex): Promise<void> {
  for (const table of ['memberships', 'roles']) {
    await knex.raw(
      `UPDATE ?? SET permissions = JSON_ARRAY_APPEND(permissions, '$', 'calls.read_all')
        WHERE JSON_CONTAINS(permissions, '"users.manage"') AND NOT JSON_CONTAINS(permissions, '"calls.read_all"')`,
      [table],
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['memberships', 'roles']) {
    await knex.raw(
      `UPDATE ?? SET permissions = JSON_REMOVE(permissions, JSON_UNQUOTE(JSON_SEARCH(permissions, 'one', 'calls.read_all')))
        WHERE JSON_CONTAINS(permissions, '"calls.read_all"')`,
      [table],
    );
  }
  await knex.schema.dropTableIfExists('call_record_legs');
  await knex.schema.dropTableIfExists('call_records');
}
