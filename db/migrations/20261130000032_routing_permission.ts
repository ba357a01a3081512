// Routing administration (issue 9): the new permission routing.manage (ring groups, later queues and menus)
// reaches the memberships and custom roles that already hold users.manage (the admin tiers and unit Admins): a
// membership keeps the permissions copied when its role was applied, so adding it to the presets alone
// (core/access.ts, rewritten into the preset rows on every migrate) would not reach existing admins.
//
// Also: a destination's owner is unique per account, not across accounts. A user may belong to several
// accounts with different forwarding in each; their forwarding rows are owned by ('user', user id) with the
// account in the key, (account_id, owner_type, owner_id, slot). Ring groups and trunk numbers have ids of
// their own account anyway, so nothing else changes for them.
import type { Knex } from 'knex';

const PERMISSION = 'routing.manage';

/** routing.manage to every membership and custom role holding users.manage; idempotent. */
export async function grantRoutingManage(knex: Knex): Promise<void> {
  for (const table of ['memberships', 'roles']) {
    await knex.raw(
      `UPDATE ?? SET permissions = JSON_ARRAY_APPEND(permissions, '$', ?)
        WHERE JSON_CONTAINS(permissions, '"users.manage"') AND NOT JSON_CONTAINS(permissions, JSON_QUOTE(?))`,
      [table, PERMISSION, PERMISSION],
    );
  }
}

export async function up(knex: Knex): Promise<void> {
  await grantRoutingManage(knex);
  await knex.schema.alterTable('destinations', (table) => {
    table.unique(['account_id', 'owner_type', 'owner_id', 'slot'], { indexName: 'destinations_owner_slot_per_account' });
  });
  await knex.schema.alterTable('destinations', (table) => {
    table.dropUnique(['owner_type', 'owner_id', 'slot']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('destinations', (table) => {
    table.unique(['owner_type', 'owner_id', 'slot']);
  });
  await knex.schema.alterTable('destinations', (table) => {
    table.dropUnique(['account_id', 'owner_type', 'owner_id', 'slot'], 'destinations_owner_slot_per_account');
  });
  for (const table of ['memberships', 'roles']) {
    await knex.raw(
      `UPDATE ?? SET permissions = JSON_REMOVE(permissions, JSON_UNQUOTE(JSON_SEARCH(permissions, 'one', ?)))
        WHERE JSON_CONTAINS(permissions, JSON_QUOTE(?))`,
      [table, PERMISSION, PERMISSION],
    );
  }
}
