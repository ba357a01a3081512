// The HTTP side every provider emulator shares: a node:http server on a random loopback port, the request
// log, authentication before anything else, then the route's fault (faults.ts) and its handler. Handlers are
// synchronous and return the answer, so a "lost response" is simply an answer computed (the action done) and
// never sent.
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorRoute, FaultPlan } from './faults';

export interface EmulatorRequest {
  method: string;
  /** The path without the base path ("/phone_numbers/12") and without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface EmulatorReply {
  status: number;
  body?: unknown;
}

export interface RouteMatch {
  route: EmulatorRoute;
  handle(request: EmulatorRequest): EmulatorReply;
}

/** What makes an emulator one provider: its routes, how it authenticates, and its error shapes. */
export interface ProviderApi {
  /** The answer refusing the request's credentials, or undefined when they are good. */
  authenticate(request: EmulatorRequest): EmulatorReply | undefined;
  match(request: EmulatorRequest): RouteMatch | undefined;
  notFound(request: EmulatorRequest): EmulatorReply;
  serverError(status: number): EmulatorReply;
  clientError(): EmulatorReply;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  route: EmulatorRoute | null;
}

const SERVER_ERRORS = [500, 503, 502] as const;

export class EmulatorServer {
  private readonly log: LoggedRequest[] = [];
  private readonly hanging = new Set<http.ServerResponse>();
  private serverErrors = 0;

  private constructor(private readonly server: http.Server, readonly origin: string) {}

  static async start(api: ProviderApi, faults: FaultPlan, basePath: string): Promise<EmulatorServer> {
    let emulator: EmulatorServer | undefined;
    const server = http.createServer((req, res) => {
      emulator?.serve(api, faults, basePath, req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // A deep backlog: the benchmark opens hundreds of connections at once.
      server.listen({ host: '127.0.0.1', port: 0, backlog: 2048 }, resolve);
    });
    const { port } = server.address() as AddressInfo;
    emulator = new EmulatorServer(server, `http://127.0.0.1:${port}`);
    return emulator;
  }

  requests(): LoggedRequest[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(api: ProviderApi, faults: FaultPlan, basePath: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || '/' : url.pathname;
    const request: EmulatorRequest = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body };
    const match = url.pathname.startsWith(basePath) ? api.match(request) : undefined;
    this.log.push({ method: request.method, path: url.pathname, query: url.search, route: match?.route ?? null });
    const refused = api.authenticate(request);
    if (refused) return send(res, refused);
    if (!match) return send(res, api.notFound(request));
    const fault = faults.take(match.route);
    switch (fault) {
      case 'serverError':
        return send(res, api.serverError(SERVER_ERRORS[this.serverErrors++ % SERVER_ERRORS.length] ?? 500));
      case 'clientError':
        return send(res, api.clientError());
      case 'timeout':
        // Never answered: the client's deadline ends it (close() ends what is left).
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      case 'lostResponse':
        match.handle(request);
        res.socket?.destroy();
        return;
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, faults.slowMs));
        return send(res, match.handle(request));
      default:
        return send(res, match.handle(request));
    }
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, reply: EmulatorReply): void {
  if (res.destroyed) return;
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
