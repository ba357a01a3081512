// Wires the ARI application from its parts. Nothing here is a module-level singleton: tests and main.ts
// build their own with their own config.
import { Redis } from 'ioredis';
import type { Config } from '../core/config';
import { errorDetails, type Logger } from '../core/logger';
import type { Database } from '../db/connection';
import { AriConnection } from './ari/connection';
import { CALL_EVENT_TYPES } from '../core/ari/events';
import { AriRest } from '../core/ari/rest';
import { AmiConnection } from '../core/asterisk/ami';
import { LiveCallStore, type LiveCall } from '../core/live-calls';
import { Reconciler } from './calls/reconciler';
import { CallRecordWriter } from './calls/records';
import { CallRegistry } from './calls/registry';
import { ConfigSync } from './config-sync';
import type { FlowDeps } from './flows/call';
import { RoutingDirectory } from './routing/directory';
import { createSipGuard } from './security/sip-guard';
import { StasisDispatcher } from './stasis';
import { JobQueue } from '../core/job-queue';
import { OutboundDirectory, type OutboundServices } from './flows/outbound-services';
import { OutboundSlots } from './flows/outbound-slots';

// Measured with bench:calls (2 cores, shared): a few ms while Asterisk keeps up, hundreds once it is saturated.
// 50 ms refused some calls at a rate Dial() still carried cleanly; 100 ms let more late failures through under
// overload. 100: a call refused when it could have been carried is the worse mistake.
const ENTRY_LAG_LIMIT_MS = 100;

export interface AriApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly registry: CallRegistry;
}

export function createAriApp(config: Config, db: Database, logger: Logger): AriApp {
  const redisOptions = { host: config.redis.host, port: config.redis.port, maxRetriesPerRequest: 3 };
  const redis = watchConnection(new Redis(redisOptions), 'commands', logger);
  // The change stream's reader waits for Redis rather than failing reads; named so ops (and tests) can find it.
  const reader = watchConnection(new Redis({ ...redisOptions, maxRetriesPerRequest: null, connectionName: changeReaderName() }), 'change stream', logger);
  const ari = new AriRest({ baseUrl: config.ari.url, username: config.ari.username, password: config.ari.password });
  const registry = new CallRegistry({ maxActiveCalls: config.calls.maxActiveCalls, maxEventLoopDelayMs: 250, maxEntryLagMs: ENTRY_LAG_LIMIT_MS });
  const directory = new RoutingDirectory(db, logger);
  const recorder = new CallRecordWriter(db, logger);
  const deps: FlowDeps = {
    ari,
    app: config.ari.app,
    registry,
    liveCalls: new BestEffortLiveCalls(redis, logger),
    directory,
    logger,
    ringTimeoutSeconds: config.calls.ringTimeoutSeconds,
    recorder,
  };
  const jobs = new JobQueue(redis);
  const outbound = outboundServices(config, db, redis, jobs, logger);
  deps.outbound = outbound;
  const dispatcher = new StasisDispatcher(deps, outbound);
  const reconciler = new Reconciler({ ...deps, recorder }, { sweepIntervalMs: 15_000, orphanGraceMs: 30_000 });
  const ami = new AmiConnection({ host: config.ami.host, port: config.ami.port, username: config.ami.username, secret: config.ami.password, logger });
  const configSync = new ConfigSync({ reader, publisher: redis, ari, ami, directory, logger });
  ami.on('connected', () => void configSync.expireAll());
  const sipGuard = createSipGuard({ config, db, redis, logger });
  const connection = new AriConnection({
    url: config.ari.url,
    username: config.ari.username,
    password: config.ari.password,
    app: config.ari.app,
    logger,
    onEvent: (event) => {
      try {
        registry.observe(event);
        dispatcher.dispatch(event);
      } catch (error) {
        logger.error('event handling failed', { type: event.type, error: errorDetails(error) });
      }
    },
    onConnected: () => {
      ari.setEventFilter(config.ari.app, CALL_EVENT_TYPES).catch((error: unknown) => logger.warn('ARI event filter not set', { error: errorDetails(error) }));
      void configSync.reloadDialplan();
      reconciler.reconcile(Date.now()).catch((error: unknown) => logger.error('reconciliation failed', { error: errorDetails(error) }));
    },
  });

  return {
    registry,
    async start() {
      configSync.start();
      ami.start();
      sipGuard.start();
      connection.start();
      await connection.waitUntilConnected();
      reconciler.startSweeping();
    },
    async stop() {
      reconciler.stop();
      configSync.stop();
      ami.stop();
      sipGuard.stop();
      connection.stop();
      registry.stop();
      await recorder.flush();
      await jobs.close().catch(() => undefined);
      reader.disconnect();
      redis.disconnect();
    },
  };
}

/** The outbound flow's reads, its per-account slots (Redis) and the emergency email (a job for the worker). */
function outboundServices(config: Config, db: Database, redis: Redis, jobs: JobQueue, logger: Logger): OutboundServices {
  return {
    directory: new OutboundDirectory(db, logger),
    slots: new OutboundSlots(redis, logger),
    notifyEmergency: (notice) => {
      jobs.enqueue('email.emergency-call', notice, `emergency-${notice.callId}`)
        .catch((error: unknown) => logger.error('emergency call notice not queued', { callId: notice.callId, accountId: notice.accountId, error: errorDetails(error) }));
    },
    trunkProgressTimeoutMs: config.outbound.trunkProgressTimeoutSeconds * 1000,
    now: () => new Date(),
  };
}

/** The change stream reader's Redis client name (CLIENT LIST shows it): one per process. */
export function changeReaderName(pid = process.pid): string {
  return `pbx-ari-app-changes-${pid}`;
}

/** Logs a Redis connection going down once, and its return, rather than every failed reconnect attempt. */
function watchConnection(redis: Redis, role: string, logger: Logger): Redis {
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn('Redis connection lost; reconnecting', { role, error: error.message });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('Redis connection restored', { role });
  });
  return redis;
}

/** Live-call records let a restarted app find its calls again; while Redis is down a call must still connect
 *  and end, so a record that cannot be written or removed is logged, never a failure of the call. */
class BestEffortLiveCalls extends LiveCallStore {
  constructor(redis: Redis, private readonly logger: Logger) {
    super(redis);
  }

  override async save(call: LiveCall): Promise<void> {
    await super.save(call).catch((error: unknown) => this.logger.warn('live call not recorded', { callId: call.callId, error: errorDetails(error).message }));
  }

  override async remove(callId: string): Promise<void> {
    await super.remove(callId).catch((error: unknown) => this.logger.warn('live call record not removed', { callId, error: errorDetails(error).message }));
  }
}
