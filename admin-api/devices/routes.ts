import { ID_QUERY_SCHEMA } from '../http/ids';
import { accountOf, actorOf, type RouteSpec } from '../http/routes';
import { createDeviceSchema, updateDeviceSchema, type UpdateDeviceInput } from './schemas';
import type { DeviceService } from './service';

export function deviceRoutes(devices: DeviceService): RouteSpec[] {
  const manage = { kind: 'account', permission: 'devices.manage' } as const;
  // Device passwords are always generated: a chosen one is refused rather than silently ignored.
  const noBody = { type: 'object', properties: {}, additionalProperties: false } as const;
  return [
    {
      method: 'get', path: '/v1/accounts/:accountId/devices', tag: 'devices', summary: "The account's SIP devices with their registration state", access: manage,
      query: { type: 'object', properties: { userId: ID_QUERY_SCHEMA }, additionalProperties: false },
      handler: async (ctx, { ids }) => ({ body: { devices: await devices.list(accountOf(ctx).accountId, { userId: ids.userId }) } }),
    },
    {
      method: 'post', path: '/v1/accounts/:accountId/devices', tag: 'devices', summary: 'Provision a desk phone, softphone or WebRTC phone on an extension; returns its SIP settings with a generated password', access: manage, successStatus: 201,
      body: createDeviceSchema,
      handler: async (ctx, { body }) => ({ body: await devices.create(accountOf(ctx).accountId, body, ctx.audit) }),
    },
    {
      method: 'get', path: '/v1/accounts/:accountId/devices/:deviceId', tag: 'devices', summary: 'One device with its provisioning details (server, transport, username, password) and registration', access: manage,
      handler: async (ctx, { id }) => ({ body: await devices.provisioning(accountOf(ctx).accountId, id('deviceId')) }),
    },
    {
      method: 'patch', path: '/v1/accounts/:accountId/devices/:deviceId', tag: 'devices', summary: 'Rename, disable or enable a device; takes effect for its next REGISTER or call', access: manage,
      body: updateDeviceSchema,
      handler: async (ctx, { body, id }) => ({ body: await devices.update(accountOf(ctx).accountId, id('deviceId'), body as UpdateDeviceInput, ctx.audit) }),
    },
    {
      method: 'post', path: '/v1/accounts/:accountId/devices/:deviceId/password', tag: 'devices', summary: "Rotate a device's SIP password; the old one stops working at once", access: manage, body: noBody,
      handler: async (ctx, { id }) => ({ body: await devices.rotatePassword(accountOf(ctx).accountId, id('deviceId'), { audit: ctx.audit }) }),
    },
    {
      method: 'delete', path: '/v1/accounts/:accountId/devices/:deviceId', tag: 'devices', summary: 'Delete a device: its registration and SIP credentials are gone at once', access: manage, successStatus: 204,
      handler: async (ctx, { id }) => {
        await devices.remove(accountOf(ctx).accountId, id('deviceId'), ctx.audit);
        return {};
      },
    },
    {
      method: 'get', path: '/v1/me/devices', tag: 'me', summary: 'Your own devices in every account, with what each phone needs to register', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: { devices: await devices.listOwn(actorOf(ctx).actor.user.id) } }),
    },
    {
      method: 'post', path: '/v1/me/accounts/:accountId/devices/:deviceId/password', tag: 'me', summary: 'Rotate the SIP password of one of your own devices', access: { kind: 'authenticated' }, body: noBody,
      handler: async (ctx, { id }) => {
        const userId = actorOf(ctx).actor.user.id;
        const accountId = id('accountId');
        return { body: await devices.rotatePassword(accountId, id('deviceId'), { userId, audit: (db, entry) => ctx.audit(db, { ...entry, accountId }) }) };
      },
    },
  ];
}
