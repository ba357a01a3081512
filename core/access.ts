// Who may do what: the permission catalogue, the built-in role presets and the tier rules. Pure functions,
// applied by the admin API on every request and unit-tested on their own.
//
// Presets follow two published charts: Scale to Win's admin tiers (Organization Owner > Owner > Admin: who may
// create subaccounts, manage settings and exports, add, promote and remove whom) and Dialer.CX's phone-system
// levels (Admin 9 > Manager 7-8 > Supervisor 5-6 > Agent 1-4, each adding pages to the one below).

export const PERMISSIONS = {
  'accounts.read': 'See the account and its settings',
  'settings.manage': 'Manage account-level settings (area code, calling hours, callback number)',
  'organization.manage': 'Manage organization settings (name, data export targets)',
  'exports.configure': 'Configure S3 and BigQuery data exports for the organization',
  'subaccounts.create': 'Create accounts below this one',
  'integrations.manage': 'Add and edit integrations',
  'clicking.manage': 'Enable and disable clicking',
  'users.read': 'See the users of the account',
  'users.manage': 'Add, edit, promote, demote and remove users within the tier rules',
  'roles.read': 'See the roles offered in the account',
  'roles.manage': 'Create, edit and re-apply custom roles',
  'groups.read': 'See user groups',
  'groups.manage': 'Create and edit user groups and their members',
  'audit.read': 'Read the audit log of the account',
  'numbers.read': 'See phone numbers',
  'numbers.purchase': 'Buy phone numbers (spends credits)',
  'numbers.manage': 'Configure, share and assign phone numbers',
  'devices.manage': "Provision and change users' SIP devices",
  'routing.manage': "Create and edit ring groups (and, later, queues and menus): where the account's calls go",
  // No trunk permission: trunks are operator infrastructure, edited only by platform operators (a property of
  // the user, users.platform_operator, set from the command line), which no role of any account can hold.
  'campaigns.manage': 'Create and manage calling campaigns',
  'calls.place': 'Place calls',
  'calls.read_all': "See every call record of the account (others see their own, group managers their groups')",
  'quality.review': 'Score calls for quality control',
  'pages.dashboard': 'Dashboard',
  'pages.agent_workspace': 'Agent workspace',
  'pages.callbacks': 'Callbacks',
  'pages.monitoring': 'Live monitoring',
  'pages.recordings': 'Call recordings',
  'pages.reports': 'Reports',
  'pages.wallboard': 'Wallboard',
  'pages.campaigns': 'Campaigns',
  'pages.lists': 'Lists',
  'pages.contacts': 'Contacts',
  'pages.inbound': 'Inbound',
  'pages.operations': 'Operations',
  'pages.settings': 'Phone system settings',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export type RoleType = 'reseller' | 'customer' | 'unit';
export type AccountKind = 'reseller' | 'organization' | 'subaccount';

/** A role, the one declaration of its shape: a built-in preset (accountId null, presetKey set) or an account's
 *  custom role. The roles repository returns it and the admin API's roles service hands it out. */
export interface Role {
  id: number;
  accountId: number | null;
  name: string;
  type: RoleType;
  rank: number;
  permissions: Permission[];
  reachesDescendants: boolean;
  presetKey: string | null;
}

/** A preset as declared below, before it is a row (db/repositories/roles.ts keeps the rows in line). */
export type RolePreset = Pick<Role, 'name' | 'type' | 'rank' | 'permissions' | 'reachesDescendants'> & { key: string };

/** Ranks: unit levels 1-9 (Dialer.CX), then the admin tiers, then resellers. Higher outranks lower. */
export const RANK = { agent: 4, supervisor: 6, manager: 8, unitAdmin: 9, admin: 10, owner: 11, organizationOwner: 12, resellerAdmin: 20, resellerOwner: 21 } as const;
export const UNIT_RANK_RANGE = { min: 1, max: 9 } as const;

const AGENT: Permission[] = ['accounts.read', 'pages.dashboard', 'pages.agent_workspace', 'pages.callbacks', 'calls.place'];
const SUPERVISOR: Permission[] = [...AGENT, 'pages.monitoring', 'pages.recordings', 'pages.reports', 'pages.wallboard', 'users.read', 'groups.read', 'quality.review'];
const MANAGER: Permission[] = [...SUPERVISOR, 'pages.campaigns', 'pages.lists', 'pages.contacts', 'pages.inbound', 'pages.operations', 'campaigns.manage'];
const UNIT_ADMIN: Permission[] = [...MANAGER, 'pages.settings', 'users.manage', 'groups.manage', 'roles.read', 'devices.manage', 'numbers.read', 'calls.read_all', 'routing.manage'];
// Scale to Win: Admins run campaigns and add Admins, but manage no account settings or integrations.
const ADMIN: Permission[] = [...UNIT_ADMIN, 'numbers.manage'];
const OWNER: Permission[] = [...ADMIN, 'settings.manage', 'integrations.manage', 'roles.manage', 'audit.read', 'numbers.purchase'];
const ORGANIZATION_OWNER: Permission[] = [...OWNER, 'subaccounts.create', 'organization.manage', 'exports.configure', 'clicking.manage'];

export const PRESETS: RolePreset[] = [
  { key: 'agent', name: 'Agent', type: 'unit', rank: RANK.agent, permissions: AGENT, reachesDescendants: false },
  { key: 'supervisor', name: 'Supervisor', type: 'unit', rank: RANK.supervisor, permissions: SUPERVISOR, reachesDescendants: false },
  { key: 'manager', name: 'Manager', type: 'unit', rank: RANK.manager, permissions: MANAGER, reachesDescendants: false },
  { key: 'unit_admin', name: 'Admin', type: 'unit', rank: RANK.unitAdmin, permissions: UNIT_ADMIN, reachesDescendants: false },
  { key: 'admin', name: 'Admin', type: 'customer', rank: RANK.admin, permissions: ADMIN, reachesDescendants: false },
  { key: 'owner', name: 'Owner', type: 'customer', rank: RANK.owner, permissions: OWNER, reachesDescendants: false },
  // Organization Owners hold every subaccount of their organization, including ones created later.
  { key: 'organization_owner', name: 'Organization Owner', type: 'customer', rank: RANK.organizationOwner, permissions: ORGANIZATION_OWNER, reachesDescendants: true },
  { key: 'reseller_admin', name: 'Reseller Admin', type: 'reseller', rank: RANK.resellerAdmin, permissions: ALL_PERMISSIONS.filter((p) => p !== 'exports.configure'), reachesDescendants: true },
  { key: 'reseller_owner', name: 'Reseller Owner', type: 'reseller', rank: RANK.resellerOwner, permissions: ALL_PERMISSIONS, reachesDescendants: true },
];

export const TOP_TIER_PRESET = 'organization_owner';

/** Where a role of a type may be held. Organization Owner only at the organization itself. */
export function roleAssignableIn(role: { type: RoleType; presetKey?: string | null }, kind: AccountKind): boolean {
  if (role.presetKey === TOP_TIER_PRESET) return kind === 'organization';
  if (role.type === 'reseller') return kind === 'reseller';
  if (role.type === 'customer') return kind === 'organization' || kind === 'subaccount';
  return kind === 'subaccount';
}

export interface Holder {
  rank: number;
  permissions: readonly string[];
}

export type TierVerdict = { allowed: true } | { allowed: false; code: string; message: string; details?: Record<string, unknown> };

const deny = (code: string, message: string, details?: Record<string, unknown>): TierVerdict => ({ allowed: false, code, message, details });
const ALLOWED: TierVerdict = { allowed: true };

/** Nobody grants what they do not hold, nor a rank above their own. */
export function mayGrant(actor: Holder, role: Holder): TierVerdict {
  if (role.rank > actor.rank) return deny('RANK_ABOVE_YOURS', 'You cannot grant a role ranked above your own.', { roleRank: role.rank, yourRank: actor.rank });
  const missing = role.permissions.filter((permission) => !actor.permissions.includes(permission));
  if (missing.length > 0) return deny('PERMISSION_NOT_HELD', `You cannot grant permissions you do not hold: ${missing.join(', ')}.`, { missing });
  return ALLOWED;
}

/** Adding a user: at your own tier or lower. */
export function mayAdd(actor: Holder, role: Holder): TierVerdict {
  return mayGrant(actor, role);
}

/** The top tier is a rank, so a custom role at Organization Owner rank counts as the top tier too. */
export function isTopTier(holder: { rank: number }): boolean {
  return holder.rank === RANK.organizationOwner;
}

/** A membership whose status is unknown is taken as active: the stricter reading for the rule below. */
type Member = Holder & { status?: string };

/** Whether a change (a removal, or a new role `next`) would take away the last active top-tier holder. */
function takesLastTopTierHolder(target: Member, next: Holder | undefined, activeTopTierHolders: number): boolean {
  const holdsTopTier = isTopTier(target) && (target.status ?? 'active') === 'active';
  return holdsTopTier && !(next && isTopTier(next)) && activeTopTierHolders <= 1;
}

/** Changing a user's role: promote someone below you up to your tier; demote only someone below you; whoever
 *  acts (a reseller included), the last Organization Owner is not demoted. */
export function mayChangeRole(actor: Holder, target: Member, role: Holder, activeTopTierHolders: number): TierVerdict {
  if (target.rank >= actor.rank) return deny('TARGET_NOT_BELOW_YOU', "You can change the role only of users ranked below you.", { targetRank: target.rank, yourRank: actor.rank });
  const granted = mayGrant(actor, role);
  if (!granted.allowed) return granted;
  if (takesLastTopTierHolder(target, role, activeTopTierHolders)) return deny('LAST_TOP_TIER_HOLDER', 'The last Organization Owner cannot be demoted: make another one first.');
  return ALLOWED;
}

/** Removing a user: only below your tier, except that top-tier holders may remove each other; whoever acts, the
 *  last Organization Owner stays. */
export function mayRemove(actor: Holder & { topTier: boolean }, target: Member & { topTier: boolean }, activeTopTierHolders: number): TierVerdict {
  const peers = target.topTier && actor.topTier;
  if (!peers && target.rank >= actor.rank) return deny('TARGET_NOT_BELOW_YOU', 'You can remove only users ranked below you.', { targetRank: target.rank, yourRank: actor.rank });
  if (takesLastTopTierHolder(target, undefined, activeTopTierHolders)) return deny('LAST_TOP_TIER_HOLDER', 'The last Organization Owner cannot be removed.');
  return ALLOWED;
}

/** Editing, re-applying or deleting a custom role: within what the editor may grant, and only while every holder
 *  is ranked below the editor, someone they could demote or remove directly. Otherwise lowering the role and
 *  re-applying it would demote a peer (or the editor's superior) by the back door. */
export function mayEditRole(editor: Holder, role: Holder, next: Holder, holders: readonly { userId: number; rank: number }[]): TierVerdict {
  const current = mayGrant(editor, role);
  if (!current.allowed) return current;
  const edited = mayGrant(editor, next);
  if (!edited.allowed) return edited;
  const atOrAbove = holders.filter((holder) => holder.rank >= editor.rank);
  if (atOrAbove.length === 0) return ALLOWED;
  return deny('ROLE_HELD_AT_OR_ABOVE_YOUR_TIER', `This role is held by ${atOrAbove.length} user(s) ranked at or above you; only someone ranked above them may edit, re-apply or delete it.`, {
    yourRank: editor.rank,
    holders: atOrAbove.map(({ userId, rank }) => ({ userId, rank })),
  });
}
