// Keeps one ARI event stream open for the app, whatever Asterisk does: waits for it at start-up, follows it
// through restarts with a capped backoff, and tells the app each time the stream is (re)established so it
// can reconcile the channels already in Stasis.
import { EventEmitter } from 'node:events';
import * as ariClient from 'ari-client';
import type { Logger } from '../../core/logger';
import { CALL_EVENT_TYPES, type CallEvent } from '../../core/ari/events';

export interface AriConnectionOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  logger: Logger;
  onEvent: (event: CallEvent) => void;
  onConnected: () => void;
  /** Cap of the reconnect backoff. */
  maxDelayMs?: number;
}

type Client = Awaited<ReturnType<typeof ariClient.connect>>;

/** swagger-client (inside ari-client) prints through a global `log` function, raw onto stdout (its
 *  "deprecated version of Swagger" notice at every connect, which broke the JSON log), and keeps every call's
 *  arguments in `log.history` for the life of the process. It looks the global up at each call: ours replaces
 *  it, through the logger and without the history. */
function routeSwaggerLog(logger: Logger): void {
  (globalThis as { log?: unknown }).log = (...args: unknown[]): void => {
    logger.debug('ari-client notice', { notice: args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' ') });
  };
}

export class AriConnection {
  private client: Client | undefined;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly status = new EventEmitter();
  connected = false;

  constructor(private readonly options: AriConnectionOptions) {}

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.client?.stop();
    this.client?.removeAllListeners();
  }

  /** Resolves once the event stream is up (for start-up ordering and tests). */
  waitUntilConnected(): Promise<void> {
    return this.connected ? Promise.resolve() : new Promise((resolve) => this.status.once('connected', resolve));
  }

  /** ari-client's swagger-client throws, outside any promise, when an API document answers other than 200
   *  (Asterisk serves 503 while it boots): that would kill the process. Every document must answer first. */
  private async apiDocumentsReady(): Promise<void> {
    const authorization = `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`;
    const fetchDoc = async (path: string): Promise<{ apis?: { path: string }[] }> => {
      const response = await fetch(new URL(`/ari/api-docs/${path}`, this.options.url), { headers: { authorization }, signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`ARI API document ${path} answered ${response.status}`);
      return (await response.json()) as { apis?: { path: string }[] };
    };
    const resources = await fetchDoc('resources.json');
    await Promise.all((resources.apis ?? []).map((api) => fetchDoc(api.path.replace(/^\/api-docs\//, '').replace('{format}', 'json'))));
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const { logger } = this.options;
    try {
      await this.apiDocumentsReady();
      routeSwaggerLog(logger);
      const client = await ariClient.connect(this.options.url, this.options.username, this.options.password);
      this.client = client;
      client.on('*', (event: { type: string }) => {
        if (CALL_EVENT_TYPES.has(event.type)) this.options.onEvent(event as CallEvent);
      });
      client.on('WebSocketConnected', () => this.markConnected());
      client.on('WebSocketReconnecting', () => this.markDisconnected('reconnecting'));
      // ari-client gives up after its own retries: start over from scratch, forever.
      client.on('WebSocketMaxRetries', () => {
        this.markDisconnected('gave up reconnecting');
        client.removeAllListeners();
        this.scheduleReconnect();
      });
      await client.start(this.options.app);
    } catch (error) {
      logger.warn('ARI not reachable', { attempt: this.attempt, error: (error as Error).message });
      this.scheduleReconnect();
    }
  }

  private markConnected(): void {
    if (this.connected) return;
    this.connected = true;
    this.attempt = 0;
    this.options.logger.info('ARI event stream connected', { app: this.options.app });
    this.status.emit('connected');
    this.options.onConnected();
  }

  private markDisconnected(why: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.options.logger.warn('ARI event stream lost', { why });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = Math.min(this.options.maxDelayMs ?? 5000, 250 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
