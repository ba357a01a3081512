// Call routing (issue 9): an account's extension plan (one namespace: each extension belongs to one user, ring
// group, queue, auto-receptionist or voicemail box), per-user call settings (do not disturb, no-answer time),
// every routing pointer as one `destinations` row (forwarding, failovers, trunk numbers' routes: "what points
// at X" is one query), and ring groups with their members.
//
// Existing data keeps working: a device's extension becomes its user's extension; devices that belonged to no
// user get one user per (account, extension), who cannot log in, so that calling the extension still rings
// them; a trunk number's extension becomes a destination to that extension's owner. devices.extension stays
// for now (the code that still reads it moves in the same issue; a later migration drops it).
import type { Knex } from 'knex';

const EXTENSION_OWNERS = ['user', 'ring_group', 'queue', 'ivr', 'voicemail'];
const TARGET_TYPES = ['user', 'ring_group', 'queue', 'ivr', 'voicemail', 'external', 'hangup'];

async function createTables(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_extensions', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.string('extension', 16).notNullable();
    table.enu('owner_type', EXTENSION_OWNERS).notNullable();
    table.bigInteger('owner_id').unsigned().notNullable();
    table.unique(['account_id', 'extension']);
    table.unique(['account_id', 'owner_type', 'owner_id']);
  });
  await knex.schema.createTable('call_settings', (table) => {
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.bigInteger('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE');
    table.boolean('dnd').notNullable().defaultTo(false);
    table.integer('no_answer_seconds').notNullable().defaultTo(20);
    table.timestamps(true, true);
    table.primary(['account_id', 'user_id']);
  });
  await knex.schema.createTable('destinations', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.string('owner_type', 24).notNullable();
    table.bigInteger('owner_id').unsigned().notNullable();
    table.string('slot', 24).notNullable();
    table.enu('target_type', TARGET_TYPES).notNullable();
    table.bigInteger('target_id').unsigned().nullable();
    table.string('external_number', 16).nullable();
    table.timestamps(true, true);
    table.unique(['owner_type', 'owner_id', 'slot']);
    table.index(['account_id', 'target_type', 'target_id']);
  });
  await knex.schema.createTable('ring_groups', (table) => {
    table.bigIncrements('id');
    table.bigInteger('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    table.string('name', 80).notNullable();
    table.enu('strategy', ['ring_all', 'linear', 'round_robin', 'random']).notNullable().defaultTo('ring_all');
    table.integer('member_ring_seconds').notNullable().defaultTo(20);
    table.integer('total_seconds').notNullable().defaultTo(60);
    table.boolean('skip_busy').notNullable().defaultTo(false);
    table.string('caller_id_prefix', 40).nullable();
    // Round robin's memory: the position the next call starts at (after the last member who answered).
    table.integer('next_position').notNullable().defaultTo(0);
    table.timestamps(true, true);
    table.unique(['account_id', 'name']);
  });
  await knex.schema.createTable('ring_group_members', (table) => {
    table.bigInteger('ring_group_id').unsigned().notNullable().references('ring_groups.id').onDelete('CASCADE');
    table.integer('position').notNullable();
    table.enu('member_type', ['user', 'external']).notNullable();
    table.bigInteger('user_id').unsigned().nullable().references('users.id').onDelete('CASCADE');
    table.string('external_number', 16).nullable();
    table.integer('ring_seconds').nullable();
    table.primary(['ring_group_id', 'position']);
    table.index(['user_id']);
  });
}

/** A device row as it was before extensions moved to users. */
export interface DeviceRow {
  id: number;
  account_id: number;
  user_id: number | null;
  extension: string;
  label: string;
}

/** A user for devices that belonged to nobody: calling their extension must keep ringing them. */
export async function deviceHolder(knex: Knex, accountId: number, extension: string, label: string): Promise<number> {
  const username = `ext${extension}a${accountId}`;
  const existing = await knex('users').where({ username }).first('id');
  if (existing) return Number(existing.id);
  const [userId] = await knex('users').insert({
    username,
    full_name: label.replace(/[\u0000-\u001F\u007F-\u009F]/g, ' ').slice(0, 120) || `Extension ${extension}`,
    email: `${username}@devices.invalid`,
    password_hash: null,
    status: 'active',
  });
  const agent = await knex('roles').where({ preset_key: 'agent' }).first('id', 'name', 'rank', 'permissions', 'reaches_descendants');
  if (agent) {
    await knex('memberships').insert({
      user_id: userId, account_id: accountId, role_id: agent.id, role_name: agent.name, rank: agent.rank,
      permissions: typeof agent.permissions === 'string' ? agent.permissions : JSON.stringify(agent.permissions),
      reaches_descendants: agent.reaches_descendants, status: 'active',
    });
  }
  return Number(userId);
}

async function moveDeviceExtensionsToUsers(knex: Knex): Promise<void> {
  const devices = (await knex('devices').orderBy('id').select('id', 'account_id', 'user_id', 'extension', 'label')) as DeviceRow[];
  const owner = new Map<string, number>(); // `${account}:${extension}` -> user id
  const userExtension = new Set<string>(); // `${account}:${user}`
  const claim = async (accountId: number, extension: string, userId: number): Promise<void> => {
    owner.set(`${accountId}:${extension}`, userId);
    userExtension.add(`${accountId}:${userId}`);
    await knex('account_extensions').insert({ account_id: accountId, extension, owner_type: 'user', owner_id: userId });
  };
  for (const device of devices.filter((candidate) => candidate.user_id !== null)) {
    const key = `${device.account_id}:${device.extension}`;
    if (!owner.has(key) && !userExtension.has(`${device.account_id}:${device.user_id}`)) await claim(device.account_id, device.extension, Number(device.user_id));
  }
  for (const device of devices.filter((candidate) => candidate.user_id === null)) {
    const key = `${device.account_id}:${device.extension}`;
    let userId = owner.get(key);
    if (userId === undefined) {
      userId = await deviceHolder(knex, device.account_id, device.extension, device.label);
      await claim(device.account_id, device.extension, userId);
    }
    await knex('devices').where({ id: device.id }).update({ user_id: userId });
  }
}

async function trunkNumberRoutes(knex: Knex): Promise<void> {
  const numbers = await knex('trunk_numbers').whereNotNull('account_id').whereNotNull('extension').select('id', 'account_id', 'extension');
  for (const number of numbers as { id: number; account_id: number; extension: string }[]) {
    const target = await knex('account_extensions').where({ account_id: number.account_id, extension: number.extension }).first('owner_type', 'owner_id');
    if (!target) continue;
    await knex('destinations').insert({
      account_id: number.account_id, owner_type: 'trunk_number', owner_id: number.id, slot: 'route',
      target_type: target.owner_type, target_id: target.owner_id, external_number: null,
    });
  }
}

export async function up(knex: Knex): Promise<void> {
  await createTables(knex);
  await moveDeviceExtensionsToUsers(knex);
  await trunkNumberRoutes(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['ring_group_members', 'ring_groups', 'destinations', 'call_settings', 'account_extensions']) {
    await knex.schema.dropTableIfExists(table);
  }
}
