import { callerIdOf } from '../../core/asterisk/caller-id';
import { insertInChunks, type Queryable } from '../connection';
import type { DeviceKind } from './pjsip';

export interface DeviceRow {
  id: number;
  account_id: number;
  user_id: number | null;
  extension: string;
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
  extension: string;
  label: string;
  kind: DeviceKind;
  endpointId: string;
  userId?: number;
}

function deviceRow(device: NewDevice): Record<string, unknown> {
  return { user_id: device.userId ?? null, account_id: device.accountId, extension: device.extension, label: device.label, kind: device.kind, endpoint_id: device.endpointId };
}

export async function insertDevice(db: Queryable, device: NewDevice): Promise<number> {
  const [id] = await db('devices').insert(deviceRow(device));
  return Number(id);
}

/** Device rows of many users at once. */
export async function insertDevices(db: Queryable, devices: NewDevice[]): Promise<void> {
  await insertInChunks(db, 'devices', devices.map(deviceRow));
}

/** Extensions already taken in an account. */
export async function usedExtensions(db: Queryable, accountId: number): Promise<Set<string>> {
  return new Set((await db('devices').where({ account_id: accountId }).distinct('extension').pluck('extension')) as string[]);
}

export async function countDevicesWithExtension(db: Queryable, accountId: number, extension: string): Promise<number> {
  const row = await db('devices').where({ account_id: accountId, extension }).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** The enabled devices a call to an extension of an account rings. */
export async function findRingTargets(db: Queryable, accountId: number, extension: string): Promise<RingTarget[]> {
  const rows = await db<DeviceRow>('devices')
    .select('endpoint_id', 'label')
    .where({ account_id: accountId, extension, enabled: true })
    .orderBy('id');
  return rows.map((row) => ({ endpointId: row.endpoint_id, label: row.label }));
}

export async function findDevice(db: Queryable, id: number): Promise<DeviceRow | undefined> {
  return db<DeviceRow>('devices').where({ id }).first();
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
  const query = db<DeviceRow>('devices').select('*').orderBy('id');
  if (where.accountId !== undefined) query.where('account_id', where.accountId);
  if (where.userId !== undefined) query.where('user_id', where.userId);
  return query;
}

export async function updateDeviceRow(db: Queryable, id: number, change: { label?: string; enabled?: boolean }): Promise<void> {
  if (Object.keys(change).length > 0) await db('devices').where({ id }).update({ ...change, updated_at: db.fn.now() });
}

/** A renamed device: the caller ID its endpoint presents follows its label. */
export async function setDeviceCallerId(db: Queryable, endpointId: string, label: string, extension: string): Promise<void> {
  await db('ps_endpoints').where({ id: endpointId }).update({ callerid: callerIdOf(label, extension) });
}
