import { callerIdOf } from '../../core/asterisk/caller-id';
import { insertInChunks, type Queryable } from '../connection';
import type { DeviceKind } from './pjsip';

export interface DeviceRow {
  id: number;
  account_id: number;
  user_id: number | null;
  /** Its user's extension in the device's account (the extension plan), read with the device; null if none. */
  extension: string | null;
  label: string;
  kind: DeviceKind;
  endpoint_id: string;
  enabled: number | boolean;
}

export interface RingTarget {
  endpointId: string;
  label: string;
}

export interface NewDevice {
  accountId: number;
  label: string;
  kind: DeviceKind;
  endpointId: string;
  userId?: number;
}

function deviceRow(device: NewDevice): Record<string, unknown> {
  return { user_id: device.userId ?? null, account_id: device.accountId, label: device.label, kind: device.kind, endpoint_id: device.endpointId };
}

export async function insertDevice(db: Queryable, device: NewDevice): Promise<number> {
  const [id] = await db('devices').insert(deviceRow(device));
  return Number(id);
}

/** Device rows of many users at once. */
export async function insertDevices(db: Queryable, devices: NewDevice[]): Promise<void> {
  await insertInChunks(db, 'devices', devices.map(deviceRow));
}

/** Devices with their user's extension in the device's account (the plan is the only place extensions live). */
function devicesWithExtension(db: Queryable) {
  return db('devices')
    .leftJoin('account_extensions as plan', (join) => join.on('plan.account_id', 'devices.account_id').andOnVal('plan.owner_type', 'user').andOn('plan.owner_id', 'devices.user_id'))
    .select('devices.*', 'plan.extension as extension');
}

/** The enabled devices a call to an extension of an account rings: those of the user who holds the extension. */
export async function findRingTargets(db: Queryable, accountId: number, extension: string): Promise<RingTarget[]> {
  const rows = (await db('account_extensions as plan')
    .join('devices', (join) => join.on('devices.user_id', 'plan.owner_id').andOn('devices.account_id', 'plan.account_id'))
    .where({ 'plan.account_id': accountId, 'plan.extension': extension, 'plan.owner_type': 'user', 'devices.enabled': true })
    .orderBy('devices.id')
    .select('devices.endpoint_id', 'devices.label')) as Pick<DeviceRow, 'endpoint_id' | 'label'>[];
  return rows.map((row) => ({ endpointId: row.endpoint_id, label: row.label }));
}

export async function findDevice(db: Queryable, id: number): Promise<DeviceRow | undefined> {
  return (await devicesWithExtension(db).where('devices.id', id).first()) as DeviceRow | undefined;
}

export async function deleteDeviceRow(db: Queryable, id: number): Promise<void> {
  await db('devices').where({ id }).delete();
}

export async function setDevicesEnabled(db: Queryable, where: { userId: number; accountId?: number }, enabled: boolean): Promise<{ accountId: number; endpointId: string }[]> {
  const query = db('devices').where('user_id', where.userId);
  if (where.accountId !== undefined) query.andWhere('account_id', where.accountId);
  const rows = (await query.clone().select('account_id', 'endpoint_id')) as { account_id: number; endpoint_id: string }[];
  await query.update({ enabled });
  return rows.map((row) => ({ accountId: Number(row.account_id), endpointId: row.endpoint_id }));
}

/** Devices of an account (optionally one user's), or of one user across accounts, oldest first. */
export async function listDevices(db: Queryable, where: { accountId?: number; userId?: number }): Promise<DeviceRow[]> {
  const query = devicesWithExtension(db).orderBy('devices.id');
  if (where.accountId !== undefined) query.where('devices.account_id', where.accountId);
  if (where.userId !== undefined) query.where('devices.user_id', where.userId);
  return (await query) as DeviceRow[];
}

export async function updateDeviceRow(db: Queryable, id: number, change: { label?: string; enabled?: boolean }): Promise<void> {
  if (Object.keys(change).length > 0) await db('devices').where({ id }).update({ ...change, updated_at: db.fn.now() });
}

/** The caller ID a device's endpoint presents: its user's full name and extension. */
export async function setDeviceCallerId(db: Queryable, endpointId: string, name: string, extension: string): Promise<void> {
  await db('ps_endpoints').where({ id: endpointId }).update({ callerid: callerIdOf(name, extension) });
}

/** The caller IDs of a user's devices (in one account, or all): the user's full name and the user's extension in
 *  each device's account. Returns the endpoints rewritten, by account, for the change events. */
export async function refreshUserCallerIds(db: Queryable, userId: number, accountId?: number): Promise<Map<number, string[]>> {
  const user = (await db('users').where({ id: userId }).first('full_name')) as { full_name: string } | undefined;
  const devices = await listDevices(db, { userId, accountId });
  const byAccount = new Map<number, string[]>();
  for (const device of devices) {
    await setDeviceCallerId(db, device.endpoint_id, user?.full_name ?? device.label, device.extension ?? '');
    const account = Number(device.account_id);
    byAccount.set(account, [...(byAccount.get(account) ?? []), device.endpoint_id]);
  }
  return byAccount;
}
