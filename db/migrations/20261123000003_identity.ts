// Identity and access: account settings, users, roles (presets and custom), memberships (a role's permissions
// copied at the time it was applied), sessions and API keys, invitations, user groups and the audit log.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (table) => {
    table.string('default_area_code', 3).nullable();
    table.string('calling_hours_start', 5).nullable();
    table.string('calling_hours_end', 5).nullable();
    table.string('timezone', 64).nullable();
    table.string('callback_number', 20).nullable();
    table.bigInteger('credits_cents').notNullable().defaultTo(0);
    table.json('export_targets').nullable();
  });

  await knex.schema.createTable('users', (table) => {
    table.bigIncrements('id');
    table.string('username', 120).notNullable().unique();
    table.string('full_name', 120).notNullable();
    table.string('email', 254).notNullable();
    table.string('password_hash', 255).nullable();
    table.enu('status', ['invited', 'active', 'deactivated']).notNullable();
    table.enu('phone_mode', ['sip', 'webrtc']).notNullable().defaultTo('sip');
    table.string('language', 16).notNullable().defaultTo('en');
    table.enu('theme', ['light', 'dark']).notNullable().defaultTo('light');
    table.string('timezone', 64).notNullable().defaultTo('UTC');
    table.timestamps(true, true);
    table.index(['email']);
  });

  await knex.schema.createTable('roles', (table) => {
    table.bigIncrements('id');
    // NULL: a built-in preset, offered in every account.
    table.bigInteger('account_id').unsigned().nullable().references('accounts.id').onDelete('CASCADE');
    table.string('name', 80).notNullable();
    table.enu('type', ['reseller', 'customer', 'unit']).notNullable();
    table.integer('rank').notNullable();
    table.json('permissions').notNullable();
    // Holders reach every account below the one they hold it in (Organization Owners, reseller roles).
    table.boolean('reaches_descendants').notNullable().defaultTo(false);
    table.string('preset_key', 40).nullable().unique();
    table.timestamps(true, true);
    table.unique(['account_id', 'type', 'name']);
  });

  await knex.schema.createTable('memberships', (table) => {
    table.bigIncrements('id');
    table.bigInteger('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.bigInteger('role_id').unsigned().nullable().references('roles.id').onDelete('SET NULL');
    // Copied from the role when applied: editing the role later does not change this membership.
    table.string('role_name', 80).notNullable();
    table.integer('rank').notNullable();
    table.json('permissions').notNullable();
    table.boolean('reaches_descendants').notNullable().defaultTo(false);
    table.enu('status', ['invited', 'active', 'deactivated']).notNullable();
    table.timestamps(true, true);
    table.unique(['user_id', 'account_id']);
    table.index(['account_id', 'status']);
  });

  await knex.schema.createTable('auth_tokens', (table) => {
    table.bigIncrements('id');
    table.bigInteger('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    table.enu('kind', ['session', 'api_key']).notNullable();
    table.string('name', 80).nullable();
    // SHA-256 of the token: a leaked table grants nothing.
    table.string('token_hash', 64).notNullable().unique();
    table.timestamp('expires_at').nullable();
    table.timestamp('revoked_at').nullable();
    table.timestamp('last_used_at').nullable();
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
    table.index(['user_id', 'kind']);
  });

  await knex.schema.createTable('invitations', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.bigInteger('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    table.bigInteger('invited_by').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.string('token_hash', 64).nullable().unique();
    table.timestamp('expires_at').notNullable();
    table.timestamp('sent_at').nullable();
    table.timestamp('accepted_at').nullable();
    table.timestamp('created_at').notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('user_groups', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.string('name', 80).notNullable();
    table.bigInteger('manager_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.timestamps(true, true);
    table.unique(['account_id', 'name']);
  });

  await knex.schema.createTable('user_group_members', (table) => {
    table.bigInteger('group_id').unsigned().notNullable().references('user_groups.id').onDelete('CASCADE');
    table.bigInteger('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    table.primary(['group_id', 'user_id']);
    table.index(['user_id']);
  });

  await knex.schema.createTable('audit_log', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().nullable().references('accounts.id').onDelete('CASCADE');
    table.bigInteger('actor_user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.string('action', 80).notNullable();
    table.string('entity', 40).notNullable();
    table.string('entity_id', 64).nullable();
    table.json('before').nullable();
    table.json('after').nullable();
    table.string('request_id', 64).nullable();
    table.timestamp('created_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
    table.index(['account_id', 'id']);
  });

  await knex.schema.alterTable('devices', (table) => {
    table.bigInteger('user_id').unsigned().nullable().references('users.id').onDelete('SET NULL');
    table.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('devices', (table) => {
    table.dropForeign(['user_id']);
    table.dropColumn('user_id');
  });
  for (const name of ['audit_log', 'user_group_members', 'user_groups', 'invitations', 'auth_tokens', 'memberships', 'roles', 'users']) {
    await knex.schema.dropTableIfExists(name);
  }
  await knex.schema.alterTable('accounts', (table) => {
    for (const column of ['default_area_code', 'calling_hours_start', 'calling_hours_end', 'timezone', 'callback_number', 'credits_cents', 'export_targets']) {
      table.dropColumn(column);
    }
  });
}
