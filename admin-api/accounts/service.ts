// The account tree (reseller > organization > subaccount) and its settings. Each account owns a dialplan
// context that isolates its devices; creating or removing one reloads Asterisk's dialplan via the notifier.
import type { Database, Queryable, Transaction } from '../../db/connection';
import {
  accountDeviceEndpoints, accountMemberUserIds, deleteAccount, findAccount, findAccountRecord, hasChildAccounts, insertAccount, updateAccountSettings,
  type AccountKind, type AccountRecord, type AccountRow,
} from '../../db/repositories/accounts';
import { addAccountDialplan, removeAccountContext } from '../../db/repositories/dialplan';
import { deleteDeviceEndpoints } from '../../db/repositories/pjsip';
import type { AccessInvalidator } from '../auth/access-cache';
import type { ChangeNotifier } from '../notifier';
import type { AccountScope } from '../scope';
import { accountErrors } from './errors';
import type { CreateChildAccountInput, UpdateAccountInput } from './schemas';

export interface NewAccountInput {
  kind: AccountKind;
  name: string;
  parentId?: number | null;
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

  // System operations: `create` and `remove` take no scope. They are the installation's own acts (the
  // bootstrap, the registration bench, test fixtures), with no acting user and so no audit row; no route
  // calls them. Routes use the scoped methods below, which check the actor and write the audit row.

  /** Creates an account under `parentId` (none for a reseller, whose tree it starts). */
  async create(input: NewAccountInput): Promise<{ account: AccountRow; changeId: string }> {
    const account = await this.db.transaction((trx) => this.insertInTransaction(trx, input));
    const changeId = await this.notifier.dialplanContextsChanged();
    return { account, changeId };
  }

  /** Removes an account with its devices and dialplan; refuses while it has child accounts. */
  async remove(accountId: number): Promise<{ changeId: string }> {
    const endpointIds = await this.db.transaction((trx) => this.removeInTransaction(trx, accountId));
    await this.forgetDevices(accountId, endpointIds);
    return { changeId: await this.notifier.dialplanContextsChanged() };
  }

  async view(scope: AccountScope): Promise<AccountRecord> {
    return this.find(this.db, scope.accountId);
  }

  async updateSettings(scope: AccountScope, input: UpdateAccountInput): Promise<AccountRecord> {
    return this.db.transaction(async (trx) => {
      const before = await this.find(trx, scope.accountId);
      this.assertMayEdit(scope, before, input);
      await updateAccountSettings(trx, scope.accountId, input);
      const after = await this.find(trx, scope.accountId);
      await scope.audit(trx, { action: 'account.update', entity: 'account', entityId: scope.accountId, before, after });
      return after;
    });
  }

  /** Creates the account below the scope's: an organization under a reseller, a subaccount under an organization. */
  async createChild(scope: AccountScope, input: CreateChildAccountInput): Promise<AccountRecord> {
    const created = await this.db.transaction(async (trx) => {
      const parent = await findAccount(trx, scope.accountId);
      const kind = parent ? childKindOf(parent.kind) : null;
      if (!parent || !kind) throw accountErrors.cannotHaveChildren();
      const account = await this.insertInTransaction(trx, { kind, name: input.name, parentId: parent.id });
      const { name: _name, ...settings } = input;
      await updateAccountSettings(trx, account.id, settings);
      const after = await this.find(trx, account.id);
      await scope.audit(trx, { action: 'account.create', entity: 'account', entityId: account.id, after });
      return after;
    });
    await this.notifier.dialplanContextsChanged();
    return created;
  }

  /** Deletes the scope's account, which must lie below the one the actor's membership is in (never that one). */
  async removeAsActor(scope: AccountScope): Promise<void> {
    if (!scope.membership.inherited) throw accountErrors.cannotRemoveOwn();
    const removed = await this.db.transaction(async (trx) => {
      const before = await this.find(trx, scope.accountId);
      const held = await accountMemberUserIds(trx, scope.accountId);
      const endpointIds = await this.removeInTransaction(trx, scope.accountId);
      // Recorded on the parent, whose admins removed it and can still read its log.
      await scope.audit(trx, { accountId: before.parentId, action: 'account.delete', entity: 'account', entityId: scope.accountId, before });
      return { held, endpointIds };
    });
    await this.access?.userAccessChanged(removed.held);
    await this.forgetDevices(scope.accountId, removed.endpointIds);
    await this.notifier.dialplanContextsChanged();
  }

  /** Organization settings (its name, its data exports) are the Organization Owners' alone. */
  private assertMayEdit(scope: AccountScope, account: AccountRecord, input: UpdateAccountInput): void {
    const { permissions, roleName } = scope.membership;
    const organizationOnly = account.kind === 'organization' && (input.name !== undefined || input.exportTargets !== undefined);
    if (organizationOnly && !permissions.includes('organization.manage')) throw accountErrors.permissionDenied(roleName, 'organization.manage');
    if (input.exportTargets !== undefined && account.kind !== 'organization') throw accountErrors.exportsOrganizationOnly();
    if (input.exportTargets !== undefined && !permissions.includes('exports.configure')) throw accountErrors.permissionDenied(roleName, 'exports.configure');
  }

  private async insertInTransaction(trx: Transaction, input: NewAccountInput): Promise<AccountRow> {
    const parentId = input.parentId ?? null;
    if (parentId !== null) {
      const parent = await findAccount(trx, parentId);
      if (!parent) throw accountErrors.notFound(parentId);
      if (ALLOWED_PARENT[input.kind] !== parent.kind) throw accountErrors.parentInvalid(input.kind, parent.kind, parentId);
    } else if (input.kind === 'subaccount') {
      throw accountErrors.parentRequired();
    }
    const created = await insertAccount(trx, { kind: input.kind, name: input.name, parentId });
    await addAccountDialplan(trx, created.dialplan_context, created.id);
    return created;
  }

  /** Returns the endpoints of the devices it deleted. */
  private async removeInTransaction(trx: Transaction, accountId: number): Promise<string[]> {
    const account = await findAccount(trx, accountId);
    if (!account) throw accountErrors.notFound(accountId);
    if (await hasChildAccounts(trx, accountId)) throw accountErrors.hasChildren(accountId);
    const endpointIds = await accountDeviceEndpoints(trx, accountId);
    await deleteDeviceEndpoints(trx, endpointIds);
    await removeAccountContext(trx, account.dialplan_context);
    await deleteAccount(trx, accountId);
    return endpointIds;
  }

  /** The removed devices' endpoints may sit in PJSIP's cache: they must stop working now, not when it expires. */
  private async forgetDevices(accountId: number, endpointIds: string[]): Promise<void> {
    if (endpointIds.length > 0) await this.notifier.devicesChanged(accountId, endpointIds);
  }

  private async find(db: Queryable, accountId: number): Promise<AccountRecord> {
    const account = await findAccountRecord(db, accountId);
    if (!account) throw accountErrors.notFound(accountId);
    return account;
  }
}
