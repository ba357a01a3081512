// The account tree (reseller > organization > subaccount) and its settings. Each account owns a dialplan
// context that isolates its devices; creating or removing one reloads Asterisk's dialplan via the notifier.
import type { Database, Transaction } from '../../db/connection';
import { findAccount, insertAccount, type AccountKind, type AccountRow } from '../../db/repositories/accounts';
import { reachableAccounts } from '../../db/repositories/memberships';
import { deleteDeviceEndpoints } from '../../db/repositories/pjsip';
import type { AccountContext } from '../http/routes';
import type { AccessInvalidator } from '../auth/access-cache';
import type { AccountSettingsInput } from './schemas';
import { addAccountContext, removeAccountContext } from '../../db/repositories/dialplan';
import { createError, notFound } from '../http/errors';
import type { ChangeNotifier } from '../notifier';

export function accountView(row: Record<string, unknown>): Record<string, unknown> {
  const parse = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
  return {
    id: Number(row.id),
    parentId: row.parent_id === null ? null : Number(row.parent_id),
    kind: row.kind,
    name: row.name,
    defaultAreaCode: row.default_area_code ?? null,
    callingHours: row.calling_hours_start ? { start: row.calling_hours_start, end: row.calling_hours_end, timezone: row.timezone } : null,
    callbackNumber: row.callback_number ?? null,
    creditsCents: Number(row.credits_cents ?? 0),
    ...(row.kind === 'organization' ? { exportTargets: parse(row.export_targets) ?? [] } : {}),
  };
}

function settingsColumns(input: AccountSettingsInput): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (input.name !== undefined) row.name = input.name;
  if (input.defaultAreaCode !== undefined) row.default_area_code = input.defaultAreaCode;
  if (input.callbackNumber !== undefined) row.callback_number = input.callbackNumber;
  if (input.callingHours !== undefined) {
    row.calling_hours_start = input.callingHours?.start ?? null;
    row.calling_hours_end = input.callingHours?.end ?? null;
    row.timezone = input.callingHours?.timezone ?? null;
  }
  if (input.exportTargets !== undefined) row.export_targets = input.exportTargets === null ? null : JSON.stringify(input.exportTargets);
  return row;
}

const ALLOWED_PARENT: Record<AccountKind, AccountKind | null> = {
  reseller: null,
  organization: 'reseller',
  subaccount: 'organization',
};

/** The kind of account created below one of `kind`: the tree read the other way. */
function childKindOf(kind: AccountKind): AccountKind | null {
  return (Object.keys(ALLOWED_PARENT) as AccountKind[]).find((child) => ALLOWED_PARENT[child] === kind) ?? null;
}

export class AccountService {
  constructor(private readonly db: Database, private readonly notifier: ChangeNotifier, private readonly access?: AccessInvalidator) {}

  async create(input: { kind: AccountKind; name: string; parentId?: number | null }): Promise<{ account: AccountRow; changeId: string }> {
    const account = await this.db.transaction((trx) => this.insertInTransaction(trx, input));
    const changeId = await this.notifier.dialplanContextsChanged();
    return { account, changeId };
  }

  private async insertInTransaction(trx: Transaction, input: { kind: AccountKind; name: string; parentId?: number | null }): Promise<AccountRow> {
    const parentId = input.parentId ?? null;
    if (parentId !== null) {
      const parent = await findAccount(trx, parentId);
      if (!parent) throw notFound('account', parentId);
      if (ALLOWED_PARENT[input.kind] !== parent.kind) {
        throw createError('ACCOUNT_PARENT_INVALID', 422, `A ${input.kind} cannot be placed under a ${parent.kind}.`, { parentId });
      }
    } else if (input.kind === 'subaccount') {
      throw createError('ACCOUNT_PARENT_REQUIRED', 422, 'A subaccount must belong to an organization: give parentId.');
    }
    const created = await insertAccount(trx, { kind: input.kind, name: input.name, parentId });
    await addAccountContext(trx, created.dialplan_context);
    return created;
  }

  async view(accountId: number): Promise<Record<string, unknown>> {
    const row = await this.db('accounts').where({ id: accountId }).first();
    if (!row) throw notFound('account', accountId);
    return accountView(row);
  }

  /** Reachable accounts: held ones and those below the ones whose role reaches descendants. */
  async reachable(userId: number): Promise<Record<string, unknown>[]> {
    const reached = await reachableAccounts(this.db, userId);
    if (reached.length === 0) return [];
    const rows = await this.db('accounts').whereIn('id', reached.map((entry) => entry.accountId)).orderBy('id');
    return rows.map((row: Record<string, unknown>) => {
      const entry = reached.find((candidate) => candidate.accountId === Number(row.id));
      return { ...accountView(row), role: entry?.membership.roleName, rank: entry?.membership.rank, inherited: entry?.inherited ?? false };
    });
  }

  async updateSettings(ctx: AccountContext, input: AccountSettingsInput): Promise<Record<string, unknown>> {
    return this.db.transaction(async (trx) => {
      const before = await trx('accounts').where({ id: ctx.accountId }).first();
      if (!before) throw notFound('account', ctx.accountId);
      // Organization settings (its name, its data exports) are the Organization Owners' alone.
      const organizationOnly = before.kind === 'organization' && (input.name !== undefined || input.exportTargets !== undefined);
      if (organizationOnly && !ctx.membership.permissions.includes('organization.manage')) {
        throw createError('PERMISSION_DENIED', 403, `Your role (${ctx.membership.roleName}) lacks the permission organization.manage.`, { missingPermission: 'organization.manage' });
      }
      if (input.exportTargets !== undefined && before.kind !== 'organization') {
        throw createError('EXPORTS_ORGANIZATION_ONLY', 422, 'Data export targets are set on the organization.', { fields: [{ path: '/exportTargets', message: 'only on organizations' }] });
      }
      if (input.exportTargets !== undefined && !ctx.membership.permissions.includes('exports.configure')) {
        throw createError('PERMISSION_DENIED', 403, `Your role (${ctx.membership.roleName}) lacks the permission exports.configure.`, { missingPermission: 'exports.configure' });
      }
      await trx('accounts').where({ id: ctx.accountId }).update({ ...settingsColumns(input), updated_at: trx.fn.now() });
      const after = await trx('accounts').where({ id: ctx.accountId }).first();
      await ctx.audit(trx, { action: 'account.update', entity: 'account', entityId: ctx.accountId, before: accountView(before), after: accountView(after) });
      return accountView(after);
    });
  }

  async createChild(ctx: AccountContext, input: AccountSettingsInput & { name: string }): Promise<Record<string, unknown>> {
    const created = await this.db.transaction(async (trx) => {
      const parent = await findAccount(trx, ctx.accountId);
      const kind = parent ? childKindOf(parent.kind) : null;
      if (!parent || !kind) throw createError('ACCOUNT_CANNOT_HAVE_CHILDREN', 422, 'A subaccount cannot hold accounts below it.');
      const account = await this.insertInTransaction(trx, { kind, name: input.name, parentId: parent.id });
      const { name: _name, ...settings } = input;
      const columns = settingsColumns(settings);
      if (Object.keys(columns).length > 0) await trx('accounts').where({ id: account.id }).update(columns);
      const row = await trx('accounts').where({ id: account.id }).first();
      await ctx.audit(trx, { action: 'account.create', entity: 'account', entityId: account.id, after: accountView(row) });
      return accountView(row);
    });
    await this.notifier.dialplanContextsChanged();
    return created;
  }

  /** Deletes an account below the one you hold (never the account your own membership is in). */
  async removeAsActor(ctx: AccountContext): Promise<void> {
    if (!ctx.membership.inherited) {
      throw createError('CANNOT_REMOVE_OWN_ACCOUNT', 403, 'You can remove only accounts below the one you hold a role in.');
    }
    const members = await this.db.transaction(async (trx) => {
      const before = await trx('accounts').where({ id: ctx.accountId }).first();
      if (!before) throw notFound('account', ctx.accountId);
      const held = (await trx('memberships').where({ account_id: ctx.accountId }).pluck('user_id')).map(Number);
      const endpointIds = await this.removeInTransaction(trx, ctx.accountId);
      // Recorded on the parent, whose admins removed it and can still read its log.
      await ctx.audit(trx, { accountId: before.parent_id === null ? null : Number(before.parent_id), action: 'account.delete', entity: 'account', entityId: ctx.accountId, before: accountView(before) });
      return { held, endpointIds };
    });
    await this.access?.userAccessChanged(members.held);
    await this.forgetDevices(ctx.accountId, members.endpointIds);
    await this.notifier.dialplanContextsChanged();
  }

  /** Removes an account with its devices and dialplan; refuses while it has child accounts. */
  async remove(accountId: number): Promise<{ changeId: string }> {
    const endpointIds = await this.db.transaction((trx) => this.removeInTransaction(trx, accountId));
    await this.forgetDevices(accountId, endpointIds);
    return { changeId: await this.notifier.dialplanContextsChanged() };
  }

  /** The removed devices' endpoints may sit in PJSIP's cache: they must stop working now, not when it expires. */
  private async forgetDevices(accountId: number, endpointIds: string[]): Promise<void> {
    if (endpointIds.length > 0) await this.notifier.devicesChanged(accountId, endpointIds);
  }

  /** Returns the endpoints of the devices it deleted. */
  private async removeInTransaction(trx: Transaction, accountId: number): Promise<string[]> {
    const account = await findAccount(trx, accountId);
    if (!account) throw notFound('account', accountId);
    const child = await trx('accounts').where({ parent_id: accountId }).first('id');
    if (child) throw createError('ACCOUNT_HAS_CHILDREN', 409, 'Remove or move the accounts below this one first.', { accountId });
    const endpointIds = (await trx('devices').where({ account_id: accountId }).pluck('endpoint_id')) as string[];
    await deleteDeviceEndpoints(trx, endpointIds);
    await removeAccountContext(trx, account.dialplan_context);
    await trx('accounts').where({ id: accountId }).delete();
    return endpointIds;
  }
}
