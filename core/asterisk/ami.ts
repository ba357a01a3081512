// Asterisk Manager Interface over TCP, for what ARI cannot do: expiring single objects from PJSIP's sorcery
// memory cache, reading outbound registration states and the loaded dialplan, and receiving security events.
// The protocol is lines of "Key: Value" ending with an empty line; a request carries an ActionID that its
// response (and, for list actions, the events up to "...Complete") carry back.
import net from 'node:net';
import { EventEmitter } from 'node:events';
import type { Logger } from '../logger';

export type AmiMessage = Record<string, string>;

export interface AmiOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Event classes to receive (manager.conf read permissions still apply); "off" for none. */
  events?: string;
  timeoutMs?: number;
  logger?: Logger;
}

export class AmiError extends Error {
  constructor(readonly action: string, readonly response: AmiMessage | undefined, detail: string) {
    super(`AMI ${action} failed: ${detail}`);
  }
}

interface Pending {
  action: string;
  response?: AmiMessage;
  events: AmiMessage[];
  resolve: (result: { response: AmiMessage; events: AmiMessage[] }) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

function parseMessage(block: string): AmiMessage {
  const message: AmiMessage = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    // A Command's response repeats "Output:" once per line of CLI output: keep them all.
    message[key] = key in message ? `${message[key]}\n${value}` : value;
  }
  return message;
}

function formatMessage(fields: Record<string, string | number | boolean>): string {
  return `${Object.entries(fields).map(([key, value]) => `${key}: ${String(value).replace(/[\r\n]/g, ' ')}`).join('\r\n')}\r\n\r\n`;
}

/** One authenticated manager session. Emits "event" for unsolicited events and "close" when the socket ends. */
export class AmiClient extends EventEmitter {
  private buffer = '';
  private bannerSeen = false;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();

  private constructor(private readonly socket: net.Socket, private readonly timeoutMs: number) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => {
      this.failAll(new Error('AMI connection closed'));
      this.emit('close');
    });
    socket.on('error', () => undefined); // "close" follows and carries the failure to callers.
  }

  static async connect(options: AmiOptions): Promise<AmiClient> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const connecting = net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => connecting.destroy(new Error(`AMI connect to ${options.host}:${options.port} timed out`)), timeoutMs);
      connecting.once('connect', () => { clearTimeout(timer); resolve(connecting); });
      connecting.once('error', (error) => { clearTimeout(timer); reject(error); });
    });
    const client = new AmiClient(socket, timeoutMs);
    try {
      await client.action('Login', { Username: options.username, Secret: options.secret, Events: options.events ?? 'off' });
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  /** Sends an action; resolves with its response and, for list actions, the events of the list. */
  action(action: string, fields: Record<string, string | number | boolean> = {}): Promise<{ response: AmiMessage; events: AmiMessage[] }> {
    const actionId = String(this.nextId++);
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) {
        reject(new AmiError(action, undefined, 'not connected'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(actionId);
        reject(new AmiError(action, undefined, `no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(actionId, { action, events: [], resolve, reject, timer });
      this.socket.write(formatMessage({ Action: action, ActionID: actionId, ...fields }));
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    if (!this.bannerSeen) {
      const end = this.buffer.indexOf('\r\n');
      if (end < 0) return;
      this.buffer = this.buffer.slice(end + 2); // "Asterisk Call Manager/x.y.z"
      this.bannerSeen = true;
    }
    let end: number;
    while ((end = this.buffer.indexOf('\r\n\r\n')) >= 0) {
      const message = parseMessage(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 4);
      this.route(message);
    }
  }

  private route(message: AmiMessage): void {
    const pending = message.ActionID ? this.pending.get(message.ActionID) : undefined;
    if (!pending) {
      if (message.Event) this.emit('event', message);
      return;
    }
    if (message.Response !== undefined) {
      pending.response = message;
      if (message.Response === 'Error') return this.settle(message.ActionID!, new AmiError(pending.action, message, message.Message ?? 'error'));
      if (message.EventList !== 'start') return this.settle(message.ActionID!);
      return;
    }
    if (message.EventList === 'Complete') return this.settle(message.ActionID!);
    pending.events.push(message);
  }

  private settle(actionId: string, error?: Error): void {
    const pending = this.pending.get(actionId);
    if (!pending) return;
    this.pending.delete(actionId);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve({ response: pending.response ?? {}, events: pending.events });
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, error);
  }
}

/** A manager session kept open for a long-running process: reconnects with capped backoff, and tells its
 *  owner on every (re)connection so changes missed while away can be caught up. */
export class AmiConnection extends EventEmitter {
  private client: AmiClient | undefined;
  private stopped = false;
  private retryDelayMs = 250;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: AmiOptions) {
    super();
  }

  start(): void {
    void this.connect();
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  action(action: string, fields: Record<string, string | number | boolean> = {}): Promise<{ response: AmiMessage; events: AmiMessage[] }> {
    if (!this.client) return Promise.reject(new AmiError(action, undefined, 'not connected'));
    return this.client.action(action, fields);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.client?.close();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const client = await AmiClient.connect(this.options);
      if (this.stopped) return client.close();
      this.client = client;
      this.retryDelayMs = 250;
      client.on('event', (event: AmiMessage) => this.emit('event', event));
      client.once('close', () => {
        this.client = undefined;
        this.options.logger?.warn('AMI connection lost; reconnecting');
        this.scheduleRetry();
      });
      this.options.logger?.info('AMI connected', { port: this.options.port });
      this.emit('connected');
    } catch (error) {
      this.options.logger?.warn('AMI connection failed; retrying', { error: (error as Error).message, retryInMs: this.retryDelayMs });
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.connect(), this.retryDelayMs);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
  }
}
