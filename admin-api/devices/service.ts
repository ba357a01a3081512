// Creates the SIP devices phones register as: the device row, its PJSIP endpoint/auth/aor rows in the
// account's own context with a generated password, and the extension's dialplan route, in one transaction.
import type { Config } from '../../core/config';
import { generateIdentifier, generatePassword } from '../../core/secrets';
import type { Database } from '../../db/connection';
import { findAccount } from '../../db/repositories/accounts';
import { effectiveMembership } from '../../db/repositories/memberships';
import { countDevicesWithExtension, deleteDeviceRow, findDevice, insertDevice, listDevices, updateDeviceRow, type DeviceRow } from '../../db/repositories/devices';
import { putStasisRoutes, removeRoute, type StasisRoute } from '../../db/repositories/dialplan';
import { authPassword, callerIdOf, deleteDeviceEndpoints, insertDeviceEndpoints, replaceAuthPassword, setEndpointsEnabled, type DeviceKind } from '../../db/repositories/pjsip';
import { createError, notFound } from '../http/errors';
import type { RequestContext } from '../http/routes';
import { compileValidator } from '../http/validation';
import type { ChangeNotifier } from '../notifier';
import { createDeviceSchema, type UpdateDeviceInput } from './schemas';
import { RegistrationReader, type Registration } from './registration';
import { AriRest } from '../../core/ari/rest';
import type { Logger } from '../../core/logger';

export interface DeviceView {
  id: number;
  accountId: number;
  userId: number | null;
  extension: string;
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

const validateCreate = compileValidator(createDeviceSchema);

/** The dialplan route of an internal extension: a call to it rings the extension's devices. */
export function internalRoute(context: string, accountId: number, extension: string): StasisRoute {
  return { context, exten: extension, flow: 'internal', args: [accountId, extension] };
}

/** Writes the request's audit row inside the service's transaction (RequestContext.audit). */
export type Auditor = RequestContext['audit'];

export class DeviceService {
  constructor(
    private readonly db: Database,
    private readonly notifier: ChangeNotifier,
    private readonly registrations: RegistrationReader,
    private readonly sip: Config['sip'],
  ) {}

  async create(accountId: number, body: unknown, audit?: Auditor): Promise<DeviceProvisioning> {
    const input = validateCreate(body);
    const endpointId = generateIdentifier('d');
    const password = generatePassword();
    const deviceId = await this.db.transaction(async (trx) => {
      const account = await findAccount(trx, accountId);
      if (!account) throw notFound('account', accountId);
      if (input.userId !== undefined && !(await trx('memberships').where({ account_id: accountId, user_id: input.userId }).first('id'))) {
        throw createError('USER_NOT_IN_ACCOUNT', 422, `User ${input.userId} is not a member of this account.`, { fields: [{ path: '/userId', message: 'is not a member of this account' }] });
      }
      const id = await insertDevice(trx, { accountId, extension: input.extension, label: input.label, kind: input.kind, endpointId, userId: input.userId });
      await insertDeviceEndpoints(trx, [{
        endpointId,
        password,
        context: account.dialplan_context,
        kind: input.kind,
        callerIdName: input.label,
        callerIdNumber: input.extension,
      }]);
      await putStasisRoutes(trx, [internalRoute(account.dialplan_context, accountId, input.extension)]);
      await audit?.(trx, { action: 'device.create', entity: 'device', entityId: id, after: { ...input, sipUsername: endpointId } });
      return id;
    });
    await this.notifier.devicesChanged(accountId, [endpointId], { created: true });
    return this.provisioning(accountId, deviceId);
  }

  async list(accountId: number, filter: { userId?: number } = {}): Promise<DeviceView[]> {
    return this.views(await listDevices(this.db, { accountId, userId: filter.userId }));
  }

  /** A user's own devices in every account, with what each phone needs to register. */
  async listOwn(userId: number): Promise<DeviceProvisioning[]> {
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

  async provisioning(accountId: number, deviceId: number, userId?: number): Promise<DeviceProvisioning> {
    const [provisioned] = await this.withSettings([await this.require(accountId, deviceId, userId)]);
    return provisioned!;
  }

  /** Views of the devices (one registration read for all) with each one's SIP settings. */
  private async withSettings(rows: DeviceRow[]): Promise<DeviceProvisioning[]> {
    const [views, passwords] = await Promise.all([this.views(rows), Promise.all(rows.map((row) => authPassword(this.db, row.endpoint_id)))]);
    return views.map((view, index) => ({ ...view, sip: this.sipSettings(rows[index]!, passwords[index] ?? '') }));
  }

  async update(accountId: number, deviceId: number, change: UpdateDeviceInput, audit?: Auditor): Promise<DeviceView> {
    const device = await this.require(accountId, deviceId);
    await this.db.transaction(async (trx) => {
      await updateDeviceRow(trx, deviceId, change);
      if (change.enabled !== undefined) await setEndpointsEnabled(trx, [device.endpoint_id], change.enabled);
      if (change.label !== undefined) await trx('ps_endpoints').where({ id: device.endpoint_id }).update({ callerid: callerIdOf(change.label, device.extension) });
      await audit?.(trx, { action: 'device.update', entity: 'device', entityId: deviceId, before: { label: device.label, enabled: Boolean(device.enabled) }, after: change });
    });
    await this.notifier.devicesChanged(accountId, [device.endpoint_id]);
    const [view] = await this.views([(await findDevice(this.db, deviceId))!]);
    return view!;
  }

  /** A new generated password; the old one stops working for the next REGISTER or call. */
  async rotatePassword(accountId: number, deviceId: number, options: { userId?: number; audit?: Auditor } = {}): Promise<DeviceProvisioning> {
    const { userId, audit } = options;
    const device = await this.require(accountId, deviceId, userId);
    await this.db.transaction(async (trx) => {
      await replaceAuthPassword(trx, device.endpoint_id, generatePassword());
      await audit?.(trx, { action: 'device.rotate_password', entity: 'device', entityId: deviceId });
    });
    await this.notifier.devicesChanged(accountId, [device.endpoint_id]);
    return this.provisioning(accountId, deviceId, userId);
  }

  private async require(accountId: number, deviceId: number, userId?: number): Promise<DeviceRow> {
    const device = await findDevice(this.db, deviceId);
    const owned = userId === undefined || (Number(device?.user_id) === userId && (await this.isActiveMember(userId, accountId)));
    if (!device || Number(device.account_id) !== accountId || !owned) throw notFound('device', deviceId);
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

  async remove(accountId: number, deviceId: number, audit?: Auditor): Promise<void> {
    const device = await this.require(accountId, deviceId);
    await this.db.transaction(async (trx) => {
      await deleteDeviceEndpoints(trx, [device.endpoint_id]);
      await deleteDeviceRow(trx, deviceId);
      await audit?.(trx, { action: 'device.delete', entity: 'device', entityId: deviceId, before: { extension: device.extension, label: device.label, sipUsername: device.endpoint_id } });
      if ((await countDevicesWithExtension(trx, accountId, device.extension)) === 0) {
        const account = await findAccount(trx, accountId);
        if (account) await removeRoute(trx, account.dialplan_context, device.extension);
      }
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
