// The benchmark's devices: one account holding N desk phones of one user (devices belong to users), written by
// the product's own services and repositories (AccountService, insertUser, insertExtensions, insertDevices,
// insertDeviceEndpoints), so Asterisk reads exactly the rows a real provisioning writes. Removed through
// AccountService.remove, which also drops their ps_contacts rows and the user's extension there.
import { AccountService } from '../../../admin-api/accounts/service';
import { generateIdentifier, generatePassword } from '../../../core/secrets';
import type { Database } from '../../../db/connection';
import { insertDevices } from '../../../db/repositories/devices';
import { insertExtensions } from '../../../db/repositories/extensions';
import { insertMemberships } from '../../../db/repositories/memberships';
import { findPresetRole } from '../../../db/repositories/roles';
import { insertUser } from '../../../db/repositories/users';
import { insertDeviceEndpoints, type DeviceEndpoint } from '../../../db/repositories/pjsip';

/** Marks the benchmark's account so a run killed before its clean-up is swept by the next one. */
export const BENCH_ACCOUNT_NAME = 'bench:registrations (temporary)';

export interface BenchDevice {
  endpointId: string;
  password: string;
}

export interface BenchDevices {
  accountId: number;
  devices: BenchDevice[];
}

/** The PJSIP rows of the devices, as stored: what the static instance's pjsip.conf must repeat. */
export interface PjsipRows {
  endpoints: Record<string, unknown>[];
  auths: Record<string, unknown>[];
  aors: Record<string, unknown>[];
}

export async function provisionDevices(db: Database, accounts: AccountService, count: number): Promise<BenchDevices> {
  const { account } = await accounts.create({ kind: 'organization', name: BENCH_ACCOUNT_NAME });
  const endpoints: DeviceEndpoint[] = Array.from({ length: count }, () => ({
    endpointId: generateIdentifier('d'),
    password: generatePassword(),
    context: account.dialplan_context,
    kind: 'desk_phone',
    callerIdName: 'Bench user',
    callerIdNumber: '10000',
  }));
  await db.transaction(async (trx) => {
    const username = generateIdentifier('bench-').toLowerCase();
    const userId = await insertUser(trx, { username, fullName: 'Bench user', email: `${username}@bench.invalid`, passwordHash: null, status: 'active', phoneMode: 'sip' });
    await insertMemberships(trx, [{ userId, accountId: account.id, role: await findPresetRole(trx, 'agent'), status: 'active' }]);
    await insertExtensions(trx, [{ accountId: account.id, extension: '10000', owner: { type: 'user', id: userId } }]);
    await insertDevices(trx, endpoints.map((endpoint, index) => ({
      accountId: account.id, userId, label: `Bench phone ${index}`, kind: endpoint.kind, endpointId: endpoint.endpointId,
    })));
    await insertDeviceEndpoints(trx, endpoints);
  });
  return { accountId: account.id, devices: endpoints.map(({ endpointId, password }) => ({ endpointId, password })) };
}

/** Removes the benchmark accounts left by runs that could not clean up (killed with SIGKILL, power loss). */
export async function removeLeftoverAccounts(db: Database, accounts: AccountService): Promise<number> {
  const ids = (await db('accounts').where({ name: BENCH_ACCOUNT_NAME }).pluck('id')).map(Number);
  for (const id of ids) await accounts.remove(id);
  return ids.length;
}

export async function readPjsipRows(db: Database, endpointIds: string[]): Promise<PjsipRows> {
  const read = async (table: string): Promise<Record<string, unknown>[]> => {
    const rows: Record<string, unknown>[] = [];
    // Chunked: a single IN list of thousands of ids is legal but slow to plan.
    for (let start = 0; start < endpointIds.length; start += 500) {
      rows.push(...(await db(table).whereIn('id', endpointIds.slice(start, start + 500)).orderBy('id')));
    }
    return rows;
  };
  return { endpoints: await read('ps_endpoints'), auths: await read('ps_auths'), aors: await read('ps_aors') };
}

/** SIPp's injection file: one device per line, field0 its username, field1 its credentials. Sequential, so
 *  each step registers every device exactly once when it runs as many registrations as there are devices. */
export function sippInjectionFile(devices: BenchDevice[]): string {
  const lines = devices.map((device) => `${device.endpointId};[authentication username=${device.endpointId} password=${device.password}]`);
  return ['SEQUENTIAL', ...lines, ''].join('\n');
}
