import type { RouteSpec } from '../http/routes';
import { actorOf } from '../http/routes';
import type { AuthService, PasswordChange } from './service';

interface LoginBody { username: string; password: string }
interface ApiKeyBody { name: string }

export function authRoutes(auth: AuthService): RouteSpec[] {
  return [
    {
      method: 'post', path: '/v1/auth/login', tag: 'auth', summary: 'Log in with username and password; returns a session token', access: { kind: 'public' },
      body: { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 120 }, password: { type: 'string', minLength: 1, maxLength: 256 } }, required: ['username', 'password'], additionalProperties: false },
      handler: async (ctx, { body }) => {
        const { username, password } = body as LoginBody;
        return { body: await auth.login(username, password, ctx.ip) };
      },
    },
    {
      method: 'post', path: '/v1/me/password', tag: 'me', summary: 'Change your password; your other sessions end at once (and your API keys with revokeApiKeys: true)', access: { kind: 'authenticated' },
      body: {
        type: 'object',
        properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 256 }, newPassword: { type: 'string', minLength: 1, maxLength: 256 }, revokeApiKeys: { type: 'boolean' } },
        required: ['currentPassword', 'newPassword'], additionalProperties: false,
      },
      handler: async (ctx, { body }) => ({ body: await auth.changePassword(actorOf(ctx).actor, body as PasswordChange, ctx.ip, ctx.audit) }),
    },
    {
      method: 'post', path: '/v1/auth/logout', tag: 'auth', summary: 'Revoke the token of this request', access: { kind: 'authenticated' }, successStatus: 204,
      handler: async (ctx) => {
        await auth.logout(actorOf(ctx).actor);
        return {};
      },
    },
    {
      method: 'get', path: '/v1/me/api-keys', tag: 'auth', summary: 'List your API keys', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: { apiKeys: await auth.listApiKeys(actorOf(ctx).actor) } }),
    },
    {
      method: 'post', path: '/v1/me/api-keys', tag: 'auth', summary: 'Create an API key for automation; the key is shown once', access: { kind: 'authenticated' }, successStatus: 201,
      body: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 80 } }, required: ['name'], additionalProperties: false },
      handler: async (ctx, { body }) => {
        const created = await auth.createApiKey(actorOf(ctx).actor, (body as ApiKeyBody).name);
        await auth.audit(ctx, { action: 'api_key.create', entityId: created.id, after: { name: created.name } });
        return { body: created };
      },
    },
    {
      method: 'delete', path: '/v1/me/api-keys/:keyId', tag: 'auth', summary: 'Revoke an API key at once', access: { kind: 'authenticated' }, successStatus: 204,
      handler: async (ctx, { params }) => {
        const keyId = Number(params.keyId) || 0;
        await auth.revokeApiKey(actorOf(ctx).actor, keyId);
        await auth.audit(ctx, { action: 'api_key.revoke', entityId: keyId });
        return {};
      },
    },
  ];
}
