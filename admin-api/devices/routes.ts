// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { accountOf, actorOf, defineRoute, type RouteSpec } from '../http/routes';
import { createDeviceSchema, deviceListQuery, noFieldsSchema, updateDeviceSchema } from './schemas';
import type { DeviceService } from './service';

export function deviceRoutes(devices: DeviceService): RouteSpec[] {
  const manage = { kind: 'account', permission: 'devices.manage' } as const;
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/devices', tag: 'devices', summary: "The account's SIP devices with their registration state", access: manage,
      query: deviceListQuery,
      handler: async (ctx, { ids }) => ({ body: { devices: await devices.list(accountOf(ctx), { userId: ids.userId }) } }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/devices', tag: 'devices', summary: "Provision a desk phone, softphone or WebRTC phone for a user (it rings on the user's extension); returns its SIP settings with a generated password", access: manage, successStatus: 201,
      body: createDeviceSchema,
      handler: async (ctx, { body }) => ({ body: await devices.create(accountOf(ctx), body) }),
    }),
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/devices/:deviceId', tag: 'devices', summary: 'One device with its provisioning details (server, transport, username, password) and registration', access: manage,
      handler: async (ctx, { id }) => ({ body: await devices.provisioning(accountOf(ctx), id('deviceId')) }),
    }),
    defineRoute({
      method: 'patch', path: '/v1/accounts/:accountId/devices/:deviceId', tag: 'devices', summary: 'Rename, disable or enable a device; takes effect for its next REGISTER or call', access: manage,
      body: updateDeviceSchema,
      handler: async (ctx, { body, id }) => ({ body: await devices.update(accountOf(ctx), id('deviceId'), body) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/accounts/:accountId/devices/:deviceId/password', tag: 'devices', summary: "Rotate a device's SIP password; the old one stops working at once", access: manage, body: noFieldsSchema,
      handler: async (ctx, { id }) => ({ body: await devices.rotatePassword(accountOf(ctx), id('deviceId')) }),
    }),
    defineRoute({
      method: 'delete', path: '/v1/accounts/:accountId/devices/:deviceId', tag: 'devices', summary: 'Delete a device: its registration and SIP credentials are gone at once', access: manage, successStatus: 204,
      handler: async (ctx, { id }) => {
        await devices.remove(accountOf(ctx), id('deviceId'));
        return {};
      },
    }),
    defineRoute({
      method: 'get', path: '/v1/me/devices', tag: 'me', summary: 'Your own devices in every account, with what each phone needs to register', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: { devices: await devices.listOwn(actorOf(ctx)) } }),
    }),
    defineRoute({
      method: 'post', path: '/v1/me/accounts/:accountId/devices/:deviceId/password', tag: 'me', summary: 'Rotate the SIP password of one of your own devices', access: { kind: 'authenticated' }, body: noFieldsSchema,
      handler: async (ctx, { id }) => ({ body: await devices.rotateOwnPassword(actorOf(ctx), id('accountId'), id('deviceId')) }),
    }),
  ];
}
