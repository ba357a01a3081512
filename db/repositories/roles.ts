// Roles: the built-in presets (account_id NULL) and each account's custom roles, returned as core's Role.
import { PRESETS, type Permission, type Role, type RoleType } from '../../core/access';
import { parseJson, type Queryable } from '../connection';

interface RoleRow {
  id: number | string;
  account_id: number | string | null;
  name: string;
  type: RoleType;
  rank: number;
  permissions: string | Permission[];
  reaches_descendants: number | boolean;
  preset_key: string | null;
}

function toRole(row: RoleRow): Role {
  return {
    id: Number(row.id),
    accountId: row.account_id === null ? null : Number(row.account_id),
    name: row.name,
    type: row.type,
    rank: row.rank,
    permissions: parseJson<Permission[]>(row.permissions),
    reachesDescendants: Boolean(row.reaches_descendants),
    presetKey: row.preset_key,
  };
}

/** Built-in presets are rows too (account_id NULL), kept in line with core/access.ts on every migration. */
export async function ensurePresetRoles(db: Queryable): Promise<void> {
  for (const preset of PRESETS) {
    await db('roles')
      .insert({
        account_id: null,
        name: preset.name,
        type: preset.type,
        rank: preset.rank,
        permissions: JSON.stringify(preset.permissions),
        reaches_descendants: preset.reachesDescendants,
        preset_key: preset.key,
      })
      .onConflict('preset_key')
      .merge(['name', 'type', 'rank', 'permissions', 'reaches_descendants']);
  }
}

export async function findPresetRole(db: Queryable, key: string): Promise<Role> {
  const row = await db<RoleRow>('roles').where({ preset_key: key }).first();
  if (!row) throw new Error(`preset role ${key} is missing: run the migrations`);
  return toRole(row);
}

/** A role usable in an account: a preset, or a custom role of that account. */
export async function findRoleForAccount(db: Queryable, roleId: number, accountId: number, options: { forUpdate?: boolean } = {}): Promise<Role | undefined> {
  const query = db<RoleRow>('roles')
    .where({ id: roleId })
    .andWhere((where) => where.whereNull('account_id').orWhere('account_id', accountId))
    .first();
  if (options.forUpdate) query.forUpdate();
  const row = await query;
  return row ? toRole(row) : undefined;
}

/** Whether the account already has a custom role of this type and name (names are unique per account and type). */
export async function roleNameTaken(db: Queryable, accountId: number, type: RoleType, name: string): Promise<boolean> {
  return (await db('roles').where({ account_id: accountId, type, name }).first('id')) !== undefined;
}

export async function listRolesForAccount(db: Queryable, accountId: number): Promise<Role[]> {
  const rows = await db<RoleRow>('roles').whereNull('account_id').orWhere('account_id', accountId).orderBy([{ column: 'rank', order: 'desc' }, 'name']);
  return rows.map(toRole);
}

export async function insertRole(db: Queryable, role: Omit<Role, 'id' | 'presetKey'>): Promise<Role> {
  const [id] = await db('roles').insert({
    account_id: role.accountId,
    name: role.name,
    type: role.type,
    rank: role.rank,
    permissions: JSON.stringify(role.permissions),
    reaches_descendants: role.reachesDescendants,
  });
  return { ...role, id: Number(id), presetKey: null };
}

export async function updateRole(db: Queryable, id: number, change: Partial<Pick<Role, 'name' | 'rank' | 'permissions'>>): Promise<void> {
  await db('roles').where({ id }).update({
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(change.rank !== undefined ? { rank: change.rank } : {}),
    ...(change.permissions !== undefined ? { permissions: JSON.stringify(change.permissions) } : {}),
    updated_at: db.fn.now(),
  });
}

export async function deleteRole(db: Queryable, id: number): Promise<void> {
  await db('roles').where({ id }).delete();
}
