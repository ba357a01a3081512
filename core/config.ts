// The one typed view of the environment. Every process reads its settings here, once, at start-up;
// a missing or malformed variable stops start-up with a message that names it.
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import Ajv, { type JSONSchemaType } from 'ajv';
import { parse as parseDotenv } from 'dotenv';

interface Environment {
  DB_HOST: string;
  DB_PORT: number;
  DB_NAME: string;
  DB_ADMIN_USER: string;
  DB_ADMIN_PASSWORD: string;
  DB_APP_USER: string;
  DB_APP_PASSWORD: string;
  DB_ASTERISK_USER: string;
  DB_ASTERISK_PASSWORD: string;
  REDIS_HOST: string;
  REDIS_PORT: number;
  ARI_PORT: number;
  ARI_USERNAME: string;
  ARI_PASSWORD: string;
  ARI_APP: string;
  AMI_PORT: number;
  AMI_USERNAME: string;
  AMI_PASSWORD: string;
  SIP_PORT: number;
  SIP_PUBLIC_HOST: string;
  SIP_WEBSOCKET_URL: string;
  RTP_PORT_START: number;
  RTP_PORT_END: number;
  ADMIN_API_PORT: number;
  ADMIN_API_HOST: string;
  RING_TIMEOUT_SECONDS: number;
  MAX_ACTIVE_CALLS: number;
  LOG_LEVEL: 'error' | 'warn' | 'info' | 'debug';
  SMTP_HOST: string;
  SMTP_PORT: number;
  MAIL_FROM: string;
  PUBLIC_URL: string;
  PASSWORD_MIN_LENGTH: number;
  SIP_GUARD_MAX_FAILURES?: number;
  TRUNK_PROGRESS_TIMEOUT_SECONDS?: number;
  SIP_GUARD_WINDOW_SECONDS?: number;
  SIP_GUARD_BLOCK_SECONDS?: number;
  TRUST_PROXY?: string;
  SIP_RTP_TIMEOUT_SECONDS?: number;
  SIP_RTP_TIMEOUT_HOLD_SECONDS?: number;
  SIP_SESSION_TIMERS?: 'no' | 'yes' | 'required' | 'always';
  SIP_SESSION_EXPIRES_SECONDS?: number;
}

const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;
const name = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } as const;
const secret = { type: 'string', minLength: 16 } as const;

const environmentSchema: JSONSchemaType<Environment> = {
  type: 'object',
  properties: {
    DB_HOST: { type: 'string', minLength: 1 },
    DB_PORT: port,
    DB_NAME: name,
    DB_ADMIN_USER: name,
    DB_ADMIN_PASSWORD: { type: 'string' },
    DB_APP_USER: name,
    DB_APP_PASSWORD: secret,
    DB_ASTERISK_USER: name,
    DB_ASTERISK_PASSWORD: secret,
    REDIS_HOST: { type: 'string', minLength: 1 },
    REDIS_PORT: port,
    ARI_PORT: port,
    ARI_USERNAME: name,
    ARI_PASSWORD: secret,
    ARI_APP: name,
    AMI_PORT: port,
    AMI_USERNAME: name,
    AMI_PASSWORD: secret,
    SIP_PORT: port,
    SIP_PUBLIC_HOST: { type: 'string', pattern: '^[A-Za-z0-9.:-]{1,253}$' },
    SIP_WEBSOCKET_URL: { type: 'string', pattern: '^wss?://[^\\s/]+(/[^\\s]*)?$' },
    RTP_PORT_START: port,
    RTP_PORT_END: port,
    ADMIN_API_PORT: port,
    ADMIN_API_HOST: { type: 'string', minLength: 1 },
    RING_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 600 },
    MAX_ACTIVE_CALLS: { type: 'integer', minimum: 1, maximum: 100000 },
    LOG_LEVEL: { type: 'string', enum: ['error', 'warn', 'info', 'debug'] },
    SMTP_HOST: { type: 'string', minLength: 1 },
    SMTP_PORT: port,
    MAIL_FROM: { type: 'string', minLength: 3 },
    PUBLIC_URL: { type: 'string', pattern: '^https?://[^\\s]+$' },
    PASSWORD_MIN_LENGTH: { type: 'integer', minimum: 8, maximum: 128 },
    // Optional: the defaults below are the documented ones (.env.example).
    SIP_GUARD_MAX_FAILURES: { type: 'integer', minimum: 1, maximum: 10000, nullable: true },
    // How long an outbound call waits for a trunk's provisional answer (180/183) before trying the next trunk.
    TRUNK_PROGRESS_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, maximum: 60, nullable: true },
    SIP_GUARD_WINDOW_SECONDS: { type: 'integer', minimum: 1, maximum: 86400, nullable: true },
    SIP_GUARD_BLOCK_SECONDS: { type: 'integer', minimum: 1, maximum: 604800, nullable: true },
    TRUST_PROXY: { type: 'string', pattern: '^[0-9A-Za-z.:/, ]*$', maxLength: 2000, nullable: true },
    // 0 turns a media time-out off (Asterisk's own default): a vanished phone's call then lasts for ever.
    SIP_RTP_TIMEOUT_SECONDS: { type: 'integer', minimum: 0, maximum: 86400, nullable: true },
    SIP_RTP_TIMEOUT_HOLD_SECONDS: { type: 'integer', minimum: 0, maximum: 86400, nullable: true },
    SIP_SESSION_TIMERS: { type: 'string', enum: ['no', 'yes', 'required', 'always'], nullable: true },
    // RFC 4028's floor is 90 s (Min-SE).
    SIP_SESSION_EXPIRES_SECONDS: { type: 'integer', minimum: 90, maximum: 86400, nullable: true },
  },
  required: [
    'DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_ADMIN_USER', 'DB_ADMIN_PASSWORD', 'DB_APP_USER', 'DB_APP_PASSWORD',
    'DB_ASTERISK_USER', 'DB_ASTERISK_PASSWORD', 'REDIS_HOST', 'REDIS_PORT', 'ARI_PORT', 'ARI_USERNAME',
    'ARI_PASSWORD', 'ARI_APP', 'AMI_PORT', 'AMI_USERNAME', 'AMI_PASSWORD', 'SIP_PORT', 'SIP_PUBLIC_HOST', 'SIP_WEBSOCKET_URL', 'RTP_PORT_START', 'RTP_PORT_END', 'ADMIN_API_PORT', 'ADMIN_API_HOST',
    'RING_TIMEOUT_SECONDS', 'MAX_ACTIVE_CALLS', 'LOG_LEVEL', 'SMTP_HOST', 'SMTP_PORT', 'MAIL_FROM', 'PUBLIC_URL',
    'PASSWORD_MIN_LENGTH',
  ],
  additionalProperties: true,
};

/** What ends a call whose phone vanished (no BYE): no RTP for `rtpTimeoutSeconds` (on hold: the hold value),
 *  or a session-timer refresh that fails. Written into every device and trunk endpoint row. */
export interface EndpointMediaPolicy {
  rtpTimeoutSeconds: number;
  rtpTimeoutHoldSeconds: number;
  sessionTimers: 'no' | 'yes' | 'required' | 'always';
  sessionExpiresSeconds: number;
}

export const DEFAULT_ENDPOINT_MEDIA: EndpointMediaPolicy = { rtpTimeoutSeconds: 60, rtpTimeoutHoldSeconds: 300, sessionTimers: 'yes', sessionExpiresSeconds: 1800 };

export interface DatabaseLogin {
  user: string;
  password: string;
}

export interface Config {
  db: {
    host: string;
    port: number;
    name: string;
    admin: DatabaseLogin;
    app: DatabaseLogin;
    asterisk: DatabaseLogin;
  };
  redis: { host: string; port: number };
  ari: { url: string; username: string; password: string; app: string };
  ami: { host: string; port: number; username: string; password: string };
  sip: { port: number; publicHost: string; websocketUrl: string; websocketPort: number; rtpPortStart: number; rtpPortEnd: number; endpointMedia?: EndpointMediaPolicy };
  adminApi: { host: string; port: number };
  calls: { ringTimeoutSeconds: number; maxActiveCalls: number };
  outbound: { trunkProgressTimeoutSeconds: number };
  logLevel: Environment['LOG_LEVEL'];
  mail: { host: string; port: number; from: string };
  publicUrl: string;
  passwordPolicy: { minLength: number };
  /** Blocking SIP sources after repeated authentication failures (ari-app/security). */
  sipGuard: { maxFailures: number; windowSeconds: number; blockSeconds: number };
  /** Reverse proxies whose X-Forwarded-For the admin API believes (addresses, CIDR ranges, or Express's
   *  loopback/linklocal/uniquelocal); empty: none, the connection's address is the client's. */
  trustProxy: string[];
}

export class ConfigError extends Error {}

function describeProblem(error: { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }): string {
  const variable = error.instancePath.replace(/^\//, '') || String(error.params.missingProperty ?? '');
  if (error.params.missingProperty) return `${String(error.params.missingProperty)} is not set`;
  if (error.keyword === 'enum') return `${variable} must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${variable} ${error.message ?? 'is invalid'}`;
}

/** Reads the project's .env (if any) beneath the process environment; explicit variables win. */
function readEnvironment(projectRoot: string): Record<string, string | undefined> {
  const envFile = path.join(projectRoot, '.env');
  const fromFile = fs.existsSync(envFile) ? parseDotenv(fs.readFileSync(envFile)) : {};
  return { ...fromFile, ...process.env };
}

export function loadConfig(
  source: Record<string, string | undefined> = readEnvironment(path.resolve(__dirname, '..')),
): Config {
  const ajv = new Ajv({ allErrors: true, coerceTypes: true });
  const validate = ajv.compile(environmentSchema);
  const env: Record<string, unknown> = { ...source };
  if (!validate(env)) {
    const problems = (validate.errors ?? []).map(describeProblem);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')} (see .env.example)`);
  }
  const e = env as unknown as Environment;
  if (e.RTP_PORT_END <= e.RTP_PORT_START) {
    throw new ConfigError('invalid configuration: RTP_PORT_END must be above RTP_PORT_START (see .env.example)');
  }
  return {
    db: {
      host: e.DB_HOST,
      port: e.DB_PORT,
      name: e.DB_NAME,
      admin: { user: e.DB_ADMIN_USER, password: e.DB_ADMIN_PASSWORD },
      app: { user: e.DB_APP_USER, password: e.DB_APP_PASSWORD },
      asterisk: { user: e.DB_ASTERISK_USER, password: e.DB_ASTERISK_PASSWORD },
    },
    redis: { host: e.REDIS_HOST, port: e.REDIS_PORT },
    ari: { url: `http://127.0.0.1:${e.ARI_PORT}`, username: e.ARI_USERNAME, password: e.ARI_PASSWORD, app: e.ARI_APP },
    ami: { host: '127.0.0.1', port: e.AMI_PORT, username: e.AMI_USERNAME, password: e.AMI_PASSWORD },
    sip: {
      port: e.SIP_PORT,
      publicHost: e.SIP_PUBLIC_HOST,
      websocketUrl: e.SIP_WEBSOCKET_URL,
      websocketPort: websocketPort(e.SIP_WEBSOCKET_URL),
      rtpPortStart: e.RTP_PORT_START,
      rtpPortEnd: e.RTP_PORT_END,
      endpointMedia: {
        rtpTimeoutSeconds: e.SIP_RTP_TIMEOUT_SECONDS ?? DEFAULT_ENDPOINT_MEDIA.rtpTimeoutSeconds,
        rtpTimeoutHoldSeconds: e.SIP_RTP_TIMEOUT_HOLD_SECONDS ?? DEFAULT_ENDPOINT_MEDIA.rtpTimeoutHoldSeconds,
        sessionTimers: e.SIP_SESSION_TIMERS ?? DEFAULT_ENDPOINT_MEDIA.sessionTimers,
        sessionExpiresSeconds: e.SIP_SESSION_EXPIRES_SECONDS ?? DEFAULT_ENDPOINT_MEDIA.sessionExpiresSeconds,
      },
    },
    adminApi: { host: e.ADMIN_API_HOST, port: e.ADMIN_API_PORT },
    calls: { ringTimeoutSeconds: e.RING_TIMEOUT_SECONDS, maxActiveCalls: e.MAX_ACTIVE_CALLS },
    outbound: { trunkProgressTimeoutSeconds: e.TRUNK_PROGRESS_TIMEOUT_SECONDS ?? 8 },
    logLevel: e.LOG_LEVEL,
    mail: { host: e.SMTP_HOST, port: e.SMTP_PORT, from: e.MAIL_FROM },
    publicUrl: e.PUBLIC_URL.replace(/\/$/, ''),
    passwordPolicy: { minLength: e.PASSWORD_MIN_LENGTH },
    sipGuard: {
      maxFailures: e.SIP_GUARD_MAX_FAILURES ?? 10,
      windowSeconds: e.SIP_GUARD_WINDOW_SECONDS ?? 60,
      blockSeconds: e.SIP_GUARD_BLOCK_SECONDS ?? 900,
    },
    trustProxy: trustedProxies(e.TRUST_PROXY ?? ''),
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY's comma-separated entries, each checked here so a typo stops start-up with its name. */
function trustedProxies(value: string): string[] {
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const prefixOk = prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
    if (!(PROXY_NAMES.has(entry) || (family !== 0 && prefixOk && extra === undefined))) {
      throw new ConfigError(`invalid configuration: TRUST_PROXY entry "${entry}" is not an address, a CIDR range or loopback/linklocal/uniquelocal (see .env.example)`);
    }
  }
  return entries;
}

function websocketPort(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'wss:' ? 443 : 80;
}

/** For entry points: load or print the reason and exit, so a bad variable never becomes a stack trace. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
