// Creates the SIP devices phones register as: the device row, its PJSIP endpoint/auth/aor rows in the
// account's own context with a generated password, and the extension's dialplan route, in one transaction.
import type { Config } from '../../core/config';
import { generateIdentifier, generatePassword } from '../../core/secrets';
import type { Database } from '../../db/connection';
import { findAccount } from '../../db/repositories/accounts';
import { countDevicesWithExtension, deleteDeviceRow, findDevice, insertDevice } from '../../db/repositories/devices';
import { putStasisRoutes, removeRoute, type StasisRoute } from '../../db/repositories/dialplan';
import { deleteDeviceEndpoints, insertDeviceEndpoints } from '../../db/repositories/pjsip';
import { createError, notFound } from '../http/errors';
import { compileValidator } from '../http/validation';
import type { ChangeNotifier } from '../notifier';
import { createDeviceSchema } from './schemas';

export interface DeviceProvisioning {
  deviceId: number;
  accountId: number;
  extension: string;
  /** What a phone is configured with. The password is shown here and never stored anywhere else in clear. */
  sip: { server: string; port: number; transports: string[]; username: string; password: string; authUsername: string };
}

const validateCreate = compileValidator(createDeviceSchema);

/** The dialplan route of an internal extension: a call to it rings the extension's devices. */
export function internalRoute(context: string, accountId: number, extension: string): StasisRoute {
  return { context, exten: extension, flow: 'internal', args: [accountId, extension] };
}

export class DeviceService {
  constructor(private readonly db: Database, private readonly notifier: ChangeNotifier, private readonly sip: Config['sip']) {}

  async create(accountId: number, body: unknown): Promise<DeviceProvisioning> {
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
      return id;
    });
    await this.notifier.devicesChanged(accountId, [endpointId]);
    return {
      deviceId,
      accountId,
      extension: input.extension,
      sip: {
        server: this.sip.publicHost,
        port: this.sip.port,
        transports: input.kind === 'webrtc' ? ['ws'] : ['udp', 'tcp'],
        username: endpointId,
        authUsername: endpointId,
        password,
      },
    };
  }

  async remove(accountId: number, deviceId: number): Promise<void> {
    const endpointId = await this.db.transaction(async (trx) => {
      const device = await findDevice(trx, deviceId);
      if (!device || Number(device.account_id) !== accountId) throw notFound('device', deviceId);
      await deleteDeviceEndpoints(trx, [device.endpoint_id]);
      await deleteDeviceRow(trx, deviceId);
      if ((await countDevicesWithExtension(trx, accountId, device.extension)) === 0) {
        const account = await findAccount(trx, accountId);
        if (account) await removeRoute(trx, account.dialplan_context, device.extension);
      }
      return device.endpoint_id;
    });
    await this.notifier.devicesChanged(accountId, [endpointId]);
  }
}
