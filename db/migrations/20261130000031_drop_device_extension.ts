// Devices no longer carry an extension (issue 9): a device belongs to a user and rings when that user's
// extension (account_extensions) is called. 20261130000030 moved every device's extension to its user; this
// one first does the same for devices written since by code that still set devices.extension (the same rules:
// the user gets the device's extension if both are free, a device of nobody gets the holder user of its
// extension, `ext<extension>a<accountId>`, who cannot log in), then drops the column and its index.
import type { Knex } from 'knex';
// The same holder user as 20261130000030 makes: one definition, so both migrations give a device the same owner.
import { deviceHolder, type DeviceRow } from './20261130000030_call_routing';


async function ownerOf(knex: Knex, accountId: number, extension: string): Promise<{ owner_type: string; owner_id: number } | undefined> {
  return knex('account_extensions').where({ account_id: accountId, extension }).first('owner_type', 'owner_id');
}

async function hasExtension(knex: Knex, accountId: number, userId: number): Promise<boolean> {
  return (await knex('account_extensions').where({ account_id: accountId, owner_type: 'user', owner_id: userId }).first('id')) !== undefined;
}

/** Devices whose extension the plan does not yet route to them. */
async function moveRemainingExtensions(knex: Knex): Promise<void> {
  const devices = (await knex('devices').orderBy('id').select('id', 'account_id', 'user_id', 'extension', 'label')) as DeviceRow[];
  for (const device of devices.filter((candidate) => candidate.user_id !== null)) {
    const accountId = Number(device.account_id);
    const userId = Number(device.user_id);
    if (!device.extension || (await hasExtension(knex, accountId, userId)) || (await ownerOf(knex, accountId, device.extension))) continue;
    await knex('account_extensions').insert({ account_id: accountId, extension: device.extension, owner_type: 'user', owner_id: userId });
  }
  for (const device of devices.filter((candidate) => candidate.user_id === null)) {
    const accountId = Number(device.account_id);
    const owner = await ownerOf(knex, accountId, device.extension);
    let userId = owner?.owner_type === 'user' ? Number(owner.owner_id) : undefined;
    if (!owner) {
      userId = await deviceHolder(knex, accountId, device.extension, device.label);
      if (!(await hasExtension(knex, accountId, userId))) {
        await knex('account_extensions').insert({ account_id: accountId, extension: device.extension, owner_type: 'user', owner_id: userId });
      }
    }
    // An extension a ring group (or anything but a user) took meanwhile: the device stays nobody's and rings
    // no more, as an admin who gave the extension away asked.
    if (userId !== undefined) await knex('devices').where({ id: device.id }).update({ user_id: userId });
  }
}

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('devices', 'extension'))) return;
  await moveRemainingExtensions(knex);
  // The foreign key on account_id used the (account_id, extension) index: its replacement serves the ringing join
  // (a user's devices in an account) and the key alike.
  await knex.schema.alterTable('devices', (table) => {
    table.index(['account_id', 'user_id']);
  });
  await knex.schema.alterTable('devices', (table) => {
    table.dropIndex(['account_id', 'extension']);
    table.dropColumn('extension');
  });
}

/** The column comes back holding each device's user's extension ('' for a user without one). */
export async function down(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('devices', 'extension')) return;
  await knex.schema.alterTable('devices', (table) => {
    table.string('extension', 16).notNullable().defaultTo('').after('account_id');
    table.index(['account_id', 'extension']);
  });
  await knex.schema.alterTable('devices', (table) => {
    table.dropIndex(['account_id', 'user_id']);
  });
  await knex.raw(`UPDATE devices JOIN account_extensions plan
    ON plan.account_id = devices.account_id AND plan.owner_type = 'user' AND plan.owner_id = devices.user_id
    SET devices.extension = plan.extension`);
}
