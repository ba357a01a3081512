import type { Queryable } from '../connection';

export type UserStatus = 'invited' | 'active' | 'deactivated';
export type PhoneMode = 'sip' | 'webrtc';

export interface UserRecord {
  id: number;
  username: string;
  fullName: string;
  email: string;
  status: UserStatus;
  phoneMode: PhoneMode;
  language: string;
  theme: 'light' | 'dark';
  timezone: string;
}

interface UserRow {
  id: number | string;
  username: string;
  full_name: string;
  email: string;
  password_hash: string | null;
  status: UserStatus;
  phone_mode: PhoneMode;
  language: string;
  theme: 'light' | 'dark';
  timezone: string;
}

export const USER_COLUMNS = ['users.id', 'username', 'full_name', 'email', 'users.status', 'phone_mode', 'language', 'theme', 'timezone'];

export function toUser(row: Omit<UserRow, 'password_hash'>): UserRecord {
  return {
    id: Number(row.id),
    username: row.username,
    fullName: row.full_name,
    email: row.email,
    status: row.status,
    phoneMode: row.phone_mode,
    language: row.language,
    theme: row.theme,
    timezone: row.timezone,
  };
}

export interface NewUser {
  username: string;
  fullName: string;
  email: string;
  passwordHash: string | null;
  status: UserStatus;
  phoneMode: PhoneMode;
  language?: string;
  theme?: 'light' | 'dark';
  timezone?: string;
  /** The organization (or reseller) whose admins manage this user's profile; see homeOrganizationOf. */
  createdInOrganizationId?: number | null;
}

function newUserRow(user: NewUser): Record<string, unknown> {
  return {
    username: user.username,
    full_name: user.fullName,
    email: user.email,
    password_hash: user.passwordHash,
    status: user.status,
    phone_mode: user.phoneMode,
    language: user.language ?? 'en',
    theme: user.theme ?? 'light',
    timezone: user.timezone ?? 'UTC',
    created_in_organization_id: user.createdInOrganizationId ?? null,
  };
}

export async function insertUser(db: Queryable, user: NewUser): Promise<number> {
  const [id] = await db('users').insert(newUserRow(user));
  return Number(id);
}

/** Bulk insert; returns the ids in input order (MariaDB assigns consecutive ids within one INSERT). */
export async function insertUsers(db: Queryable, users: NewUser[]): Promise<number[]> {
  if (users.length === 0) return [];
  const [firstId] = await db('users').insert(users.map(newUserRow));
  return users.map((_user, index) => Number(firstId) + index);
}

export async function findUser(db: Queryable, id: number): Promise<UserRecord | undefined> {
  const row = (await db('users').select(USER_COLUMNS).where('users.id', id).first()) as UserRow | undefined;
  return row ? toUser(row) : undefined;
}

export async function findUserCredentials(db: Queryable, username: string): Promise<{ user: UserRecord; passwordHash: string | null } | undefined> {
  const row = await db<UserRow>('users').where({ username }).first();
  return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
}

export async function existingUsernames(db: Queryable, usernames: string[]): Promise<Set<string>> {
  if (usernames.length === 0) return new Set();
  const rows = await db('users').whereIn('username', usernames).pluck('username');
  return new Set((rows as string[]).map((name) => name.toLowerCase()));
}

export async function updateUser(db: Queryable, id: number, change: Partial<Omit<NewUser, 'username'>>): Promise<void> {
  const row: Record<string, unknown> = {};
  if (change.fullName !== undefined) row.full_name = change.fullName;
  if (change.email !== undefined) row.email = change.email;
  if (change.passwordHash !== undefined) row.password_hash = change.passwordHash;
  if (change.status !== undefined) row.status = change.status;
  if (change.phoneMode !== undefined) row.phone_mode = change.phoneMode;
  if (change.language !== undefined) row.language = change.language;
  if (change.theme !== undefined) row.theme = change.theme;
  if (change.timezone !== undefined) row.timezone = change.timezone;
  if (change.createdInOrganizationId !== undefined) row.created_in_organization_id = change.createdInOrganizationId;
  if (Object.keys(row).length === 0) return;
  await db('users').where({ id }).update({ ...row, updated_at: db.fn.now() });
}

/** The organization an account belongs to: a subaccount's parent, else the account itself. */
export async function organizationOfAccount(db: Queryable, accountId: number): Promise<number | undefined> {
  const row = await db('accounts').where({ id: accountId }).first('id', 'kind', 'parent_id');
  if (!row) return undefined;
  return Number(row.kind === 'subaccount' ? row.parent_id : row.id);
}

/** The organization that created the user; for users made before it was recorded (or by a path that does not
 *  record it), the organization of their earliest membership. */
export async function homeOrganizationOf(db: Queryable, userId: number): Promise<number | undefined> {
  const row = await db('users').where({ id: userId }).first('created_in_organization_id');
  if (row?.created_in_organization_id) return Number(row.created_in_organization_id);
  const first = await db('memberships').where({ user_id: userId }).orderBy('id').first('account_id');
  return first ? organizationOfAccount(db, Number(first.account_id)) : undefined;
}

/** Records the home organization where it is still unknown, before a membership elsewhere could blur it. */
export async function stampHomeOrganization(db: Queryable, userId: number): Promise<void> {
  const home = await homeOrganizationOf(db, userId);
  if (home !== undefined) await db('users').where({ id: userId }).whereNull('created_in_organization_id').update({ created_in_organization_id: home });
}

/** The highest rank the user actively holds in the organization or any of its subaccounts (0 when none). */
export async function highestRankInOrganization(db: Queryable, userId: number, organizationId: number): Promise<number> {
  const row = await db('memberships as m')
    .join('accounts as a', 'a.id', 'm.account_id')
    .where({ 'm.user_id': userId, 'm.status': 'active' })
    .andWhere((scope) => scope.where('a.id', organizationId).orWhere('a.parent_id', organizationId))
    .max<{ top: number | null }[]>({ top: 'm.rank' })
    .first();
  return Number(row?.top ?? 0);
}
