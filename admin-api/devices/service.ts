// Creates the SIP devices phones register as: the device row of a user, and its PJSIP endpoint/auth/aor rows in
// the account's own context with a generated password, in one transaction. A device rings when its user's
// extension is called and presents its user's name and extension (the extension plan lives on the user).
import type { Config } from '../../core/config';
import { generateIdentifier, generatePassword } from '../../core/secrets';
import type { Database } from '../../db/connection';
import { findAccount } from '../../db/repositories/accounts';
import { findOwnerExtension } from '../../db/repositories/extensions';
import { effectiveMembership } from '../../db/repositories/memberships';
import { findUser } from '../../db/repositories/users';
import {
  deleteDeviceRow, findDevice, insertDevice, listDevices, updateDeviceRow, type DeviceRow,
} from '../../db/repositories/devices';
import type { StasisRoute } from '../../db/repositories/dialplan';
import {
  authPassword, deleteDeviceEndpoints, insertDeviceEndpoints, replaceAuthPassword, setEndpointsEnabled, type DeviceKind,
} from '../../db/repositories/pjsip';
import type { ChangeNotifier } from '../notifier';
import type { AccountScope, AuditWriter, UserScope } from '../scope';
import { deviceErrors } from './errors';
import type { CreateDeviceInput, UpdateDeviceInput } from './schemas';
import { RegistrationReader, type Registration } from './registration';
import { AriRest } from '../../core/ari/rest';
import type { Logger } from '../../core/logger';

export interface DeviceView {
  id: number;
  accountId: number;
  userId: number | null;
  /** Read-only: the extension of the device's user in this account (set on the user), null if none. */
  extension: string | null;
  label: string;
  kind: DeviceKind;
  enabled: boolean;
  sipUsername: string;
  registration: Registration;
}

export interface SipSettings {
  server: string;
  port: number;
  transport: 'udp' | 'tcp' | 'ws';
  /** For WebRTC phones: where the browser opens its SIP WebSocket. */
  websocketUrl?: string;
  username: string;
  authUsername: string;
  password: string;
}

/** What a phone is configured with: the device and its SIP settings, password included. */
export interface DeviceProvisioning extends DeviceView {
  sip: SipSettings;
}

/** The dialplan route of an internal extension: a call to it rings the extension's devices. */
export function internalRoute(context: string, accountId: number, extension: string): StasisRoute {
  return { context, exten: extension, flow: 'internal', args: [accountId, extension] };
}

export class DeviceService {
  constructor(
    private readonly db: Database,
    private readonly notifier: ChangeNotifier,
    private readonly registrations: RegistrationReader,
    private readonly sip: Config['sip'],
  ) {}

  async create(scope: AccountScope, input: CreateDeviceInput): Promise<DeviceProvisioning> {
    if (input.extension !== undefined) throw deviceErrors.extensionOnUser();
    const { accountId } = scope;
    const { userId, label, kind } = input;
    const endpointId = generateIdentifier('d');
    const password = generatePassword();
    const deviceId = await this.db.transaction(async (trx) => {
      const account = await findAccount(trx, accountId);
      if (!account) throw deviceErrors.accountNotFound(accountId);
      // Only for an active member (directly or from above): a removed or merely invited user gets no phone here.
      const user = (await effectiveMembership(trx, userId, accountId)) && (await findUser(trx, userId));
      if (!user) throw deviceErrors.userNotInAccount(userId);
      const extension = await findOwnerExtension(trx, accountId, { type: 'user', id: userId });
      const id = await insertDevice(trx, { accountId, label, kind, endpointId, userId });
      await insertDeviceEndpoints(trx, [{
        endpointId,
        password,
        context: account.dialplan_context,
        kind,
        callerIdName: user.fullName,
        callerIdNumber: extension ?? '',
        media: this.sip.endpointMedia,
      }]);
      await scope.audit(trx, { action: 'device.create', entity: 'device', entityId: id, after: { label, kind, userId, sipUsername: endpointId } });
      return id;
    });
    await this.notifier.devicesChanged(accountId, [endpointId], { created: true });
    return this.provisioning(scope, deviceId);
  }

  async list(scope: AccountScope, filter: { userId?: number } = {}): Promise<DeviceView[]> {
    return this.views(await listDevices(this.db, { accountId: scope.accountId, userId: filter.userId }));
  }

  /** The caller's own devices in every account, with what each phone needs to register. */
  async listOwn(scope: UserScope): Promise<DeviceProvisioning[]> {
    const userId = scope.actor.user.id;
    const rows = await listDevices(this.db, { userId });
    const accountIds = [...new Set(rows.map((row) => Number(row.account_id)))];
    const held = await Promise.all(accountIds.map(async (accountId) => ((await this.isActiveMember(userId, accountId)) ? accountId : undefined)));
    return this.withSettings(rows.filter((row) => held.includes(Number(row.account_id))));
  }

  /** Devices stay assigned to a user removed from their account (an admin hands them on), but their
   *  credentials are the user's only while the user is an active member there, directly or from above. */
  private async isActiveMember(userId: number, accountId: number): Promise<boolean> {
    return (await effectiveMembership(this.db, userId, accountId)) !== undefined;
  }

  async provisioning(scope: AccountScope, deviceId: number): Promise<DeviceProvisioning> {
    return this.provisioned(await this.require(scope.accountId, deviceId));
  }

  private async provisioned(device: DeviceRow): Promise<DeviceProvisioning> {
    const [provisioned] = await this.withSettings([device]);
    return provisioned!;
  }

  /** Views of the devices (one registration read for all) with each one's SIP settings. */
  private async withSettings(rows: DeviceRow[]): Promise<DeviceProvisioning[]> {
    const [views, passwords] = await Promise.all([this.views(rows), Promise.all(rows.map((row) => authPassword(this.db, row.endpoint_id)))]);
    return views.map((view, index) => ({ ...view, sip: this.sipSettings(rows[index]!, passwords[index] ?? '') }));
  }

  async update(scope: AccountScope, deviceId: number, change: UpdateDeviceInput): Promise<DeviceView> {
    const device = await this.require(scope.accountId, deviceId);
    await this.db.transaction(async (trx) => {
      // A device its user's removal disabled stays disabled until the user is a member again.
      if (change.enabled === true && device.user_id !== null && !(await effectiveMembership(trx, Number(device.user_id), scope.accountId))) {
        throw deviceErrors.userNotInAccount(Number(device.user_id));
      }
      await updateDeviceRow(trx, deviceId, change);
      if (change.enabled !== undefined) await setEndpointsEnabled(trx, [device.endpoint_id], change.enabled);
      await scope.audit(trx, { action: 'device.update', entity: 'device', entityId: deviceId, before: { label: device.label, enabled: Boolean(device.enabled) }, after: change });
    });
    await this.notifier.devicesChanged(scope.accountId, [device.endpoint_id]);
    const [view] = await this.views([await this.require(scope.accountId, deviceId)]);
    return view!;
  }

  /** A new generated password; the old one stops working for the next REGISTER or call. */
  async rotatePassword(scope: AccountScope, deviceId: number): Promise<DeviceProvisioning> {
    return this.rotate(scope.audit, await this.require(scope.accountId, deviceId));
  }

  /** The same for the caller's own device: found only while the device is theirs and they are an active member
   *  of its account. The audit row names the device's account (the route has none of its own). */
  async rotateOwnPassword(scope: UserScope, accountId: number, deviceId: number): Promise<DeviceProvisioning> {
    const device = await this.require(accountId, deviceId, scope.actor.user.id);
    return this.rotate((db, entry) => scope.audit(db, { ...entry, accountId }), device);
  }

  private async rotate(audit: AuditWriter, device: DeviceRow): Promise<DeviceProvisioning> {
    const deviceId = Number(device.id);
    await this.db.transaction(async (trx) => {
      await replaceAuthPassword(trx, device.endpoint_id, generatePassword());
      await audit(trx, { action: 'device.rotate_password', entity: 'device', entityId: deviceId });
    });
    await this.notifier.devicesChanged(Number(device.account_id), [device.endpoint_id]);
    return this.provisioned(device);
  }

  private async require(accountId: number, deviceId: number, userId?: number): Promise<DeviceRow> {
    const device = await findDevice(this.db, deviceId);
    const owned = userId === undefined || (Number(device?.user_id) === userId && (await this.isActiveMember(userId, accountId)));
    if (!device || Number(device.account_id) !== accountId || !owned) throw deviceErrors.notFound(deviceId);
    return device;
  }

  private async views(rows: DeviceRow[]): Promise<DeviceView[]> {
    const registrations = await this.registrations.read(this.db, rows.map((row) => row.endpoint_id));
    return rows.map((row) => ({
      id: Number(row.id),
      accountId: Number(row.account_id),
      userId: row.user_id === null ? null : Number(row.user_id),
      extension: row.extension,
      label: row.label,
      kind: row.kind,
      enabled: Boolean(row.enabled),
      sipUsername: row.endpoint_id,
      registration: registrations.get(row.endpoint_id)!,
    }));
  }

  private sipSettings(device: DeviceRow, password: string): SipSettings {
    const common = { server: this.sip.publicHost, username: device.endpoint_id, authUsername: device.endpoint_id, password };
    if (device.kind === 'webrtc') return { ...common, port: this.sip.websocketPort, transport: 'ws', websocketUrl: this.sip.websocketUrl };
    return { ...common, port: this.sip.port, transport: 'udp' };
  }

  async remove(scope: AccountScope, deviceId: number): Promise<void> {
    const { accountId } = scope;
    const device = await this.require(accountId, deviceId);
    await this.db.transaction(async (trx) => {
      await deleteDeviceEndpoints(trx, [device.endpoint_id]);
      await deleteDeviceRow(trx, deviceId);
      await scope.audit(trx, { action: 'device.delete', entity: 'device', entityId: deviceId, before: { extension: device.extension, label: device.label, sipUsername: device.endpoint_id } });
    });
    await this.notifier.devicesChanged(accountId, [device.endpoint_id]);
  }
}

/** The service wired with its ARI reader, as the admin API and tools build it. */
export function createDeviceService(deps: { db: Database; notifier: ChangeNotifier; config: Config; logger: Logger }): DeviceService {
  const { config } = deps;
  const ari = new AriRest({ baseUrl: config.ari.url, username: config.ari.username, password: config.ari.password, timeoutMs: 2000 });
  return new DeviceService(deps.db, deps.notifier, new RegistrationReader(ari, deps.logger), config.sip);
}
