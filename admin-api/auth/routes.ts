// HTTP only: which route, who may call it, which schema; then one service call and the response.
import { actorOf, defineRoute, type RouteSpec } from '../http/routes';
import { apiKeySchema, loginSchema, passwordChangeSchema } from './schemas';
import type { AuthService } from './service';

export function authRoutes(auth: AuthService): RouteSpec[] {
  return [
    defineRoute({
      method: 'post', path: '/v1/auth/login', tag: 'auth', summary: 'Log in with username and password; returns a session token', access: { kind: 'public' },
      body: loginSchema,
      handler: async (ctx, { body }) => ({ body: await auth.login(ctx, body) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/me/password', tag: 'me', summary: 'Change your password; your other sessions end at once (and your API keys with revokeApiKeys: true)', access: { kind: 'authenticated' },
      body: passwordChangeSchema,
      handler: async (ctx, { body }) => ({ body: await auth.changePassword(actorOf(ctx), body) }),
    }),
    defineRoute({
      method: 'post', path: '/v1/auth/logout', tag: 'auth', summary: 'Revoke the token of this request', access: { kind: 'authenticated' }, successStatus: 204,
      handler: async (ctx) => {
        await auth.logout(actorOf(ctx));
        return {};
      },
    }),
    defineRoute({
      method: 'get', path: '/v1/me/api-keys', tag: 'auth', summary: 'List your API keys', access: { kind: 'authenticated' },
      handler: async (ctx) => ({ body: { apiKeys: await auth.listApiKeys(actorOf(ctx)) } }),
    }),
    defineRoute({
      method: 'post', path: '/v1/me/api-keys', tag: 'auth', summary: 'Create an API key for automation; the key is shown once', access: { kind: 'authenticated' }, successStatus: 201,
      body: apiKeySchema,
      handler: async (ctx, { body }) => ({ body: await auth.createApiKey(actorOf(ctx), body) }),
    }),
    defineRoute({
      method: 'delete', path: '/v1/me/api-keys/:keyId', tag: 'auth', summary: 'Revoke an API key at once', access: { kind: 'authenticated' }, successStatus: 204,
      handler: async (ctx, { id }) => {
        await auth.revokeApiKey(actorOf(ctx), id('keyId'));
        return {};
      },
    }),
  ];
}
