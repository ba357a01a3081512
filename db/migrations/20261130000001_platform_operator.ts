// Platform operators: the people who run the installation (trunks to providers, their inbound addresses and
// hosts). A property of the user, not a permission of a role, so no account's role can hold or grant it; it is
// set only from the command line (npm run admin:bootstrap -- --grant-operator USERNAME).
// The trunks.manage permission is gone from the catalogue: it is taken out of every role and membership that
// copied it, so an Organization Owner of an existing installation loses it like a new one.
import type { Knex } from 'knex';

const REMOVED_PERMISSION = 'trunks.manage';

async function stripPermission(knex: Knex, table: 'roles' | 'memberships'): Promise<void> {
  const rows = (await knex(table).where('permissions', 'like', `%"${REMOVED_PERMISSION}"%`).select('id', 'permissions')) as { id: number; permissions: unknown }[];
  for (const row of rows) {
    const permissions = (typeof row.permissions === 'string' ? JSON.parse(row.permissions) : row.permissions) as string[];
    await knex(table).where({ id: row.id }).update({ permissions: JSON.stringify(permissions.filter((permission) => permission !== REMOVED_PERMISSION)) });
  }
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.boolean('platform_operator').notNullable().defaultTo(false);
  });
  await stripPermission(knex, 'roles');
  await stripPermission(knex, 'memberships');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('platform_operator');
  });
}
