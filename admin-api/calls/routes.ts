// HTTP only: which route, who may call it, which schema; then one service call and the response (JSON, or CSV
// when asked with format=csv or Accept: text/csv).
import { accountOf, actorOf, defineRoute, type RouteResult, type RouteSpec } from '../http/routes';
import { callsCsv } from './csv';
import { accountCallsQuerySchema, CALLS_PAGE_DEFAULT_LIMIT, myCallsQuerySchema, type CallListInput, type MyCallsQuery } from './schemas';
import type { CallPage, CallRecordService } from './service';

function listInput(query: MyCallsQuery, userId?: number): CallListInput {
  const { format: _format, limit, ...filters } = query;
  return { ...filters, userId, limit: limit ? Number(limit) : CALLS_PAGE_DEFAULT_LIMIT };
}

function respond(page: CallPage, format: 'json' | 'csv' | undefined, accepts: (types: string[]) => string | false): RouteResult {
  const csv = format === 'csv' || (format === undefined && accepts(['application/json', 'text/csv']) === 'text/csv');
  if (!csv) return { body: page };
  return {
    text: callsCsv(page.calls),
    contentType: 'text/csv; charset=utf-8',
    // The next page of a CSV download: its cursor travels in a header, the body being rows only.
    headers: { 'content-disposition': 'attachment; filename="calls.csv"', ...(page.nextCursor ? { 'x-next-cursor': page.nextCursor } : {}) },
  };
}

export function callRoutes(calls: CallRecordService): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path: '/v1/accounts/:accountId/calls', tag: 'calls',
      summary: 'Call records, newest first: every call for calls.read_all, a group manager\'s groups\' calls, else your own; JSON or CSV',
      access: { kind: 'account', permission: 'accounts.read' },
      query: accountCallsQuerySchema,
      handler: async (ctx, { query, ids, accepts }) => respond(await calls.listForAccount(accountOf(ctx), listInput(query, ids.userId)), query.format, accepts),
    }),
    defineRoute({
      method: 'get', path: '/v1/me/calls', tag: 'calls', summary: 'Your own calls (made or answered) in the accounts you belong to; JSON or CSV',
      access: { kind: 'authenticated' },
      query: myCallsQuerySchema,
      handler: async (ctx, { query, accepts }) => respond(await calls.listOwn(actorOf(ctx), listInput(query)), query.format, accepts),
    }),
  ];
}
