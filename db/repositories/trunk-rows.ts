// The PJSIP rows of a trunk, all named "trunk-<name>": endpoint (calls land in [pbx-from-trunks]), aor (the
// provider's address), auth (when the provider authenticates us), registration (when we register with it)
// and identify (the addresses its calls come from). A pure function: both the file and the API path use it.
import type { EndpointMediaPolicy } from '../../core/config';
import type { Destination } from '../../core/destinations';
import { mediaOptions } from './endpoint-media';

export const CODECS = ['ulaw', 'alaw', 'g722', 'gsm', 'opus'] as const;

/** Where a file-kept trunk's secret comes from: never the file itself, which is committed. */
export type SecretSource = { env: string } | { file: string };

export interface TrunkNumber {
  number: string;
  /** Unset: the number is in the provider's pool, and calls to it are refused as not in service. */
  account?: number;
  /** The extension a call to the number rings, in the number's account (resolved to its owner's destination
   *  when the trunk is written). */
  extension?: string;
  /** Where a call to the number goes, in the number's account (instead of `extension`). */
  destination?: Destination;
}

/** The number-buying side of a trunk file (issue 10): the provider API its numbers are bought through (or the
 *  static pool: the file's own unassigned numbers), where that provider is told to send their calls (this
 *  trunk), and what the accounts the trunk serves pay for a number. */
export interface TrunkPurchasing {
  api: 'telnyx' | 'twilio' | 'static-pool';
  /** The API's base URL; default the provider's public one (https://api.telnyx.com/v2, https://api.twilio.com). */
  baseUrl?: string;
  /** Telnyx: the API key; Twilio: the auth token. Never in the file itself. */
  secret?: SecretSource;
  /** Twilio: the account SID the API paths and Basic auth name. */
  accountSid?: string;
  /** Where the provider sends the numbers' calls: Telnyx connection id, Twilio (Elastic SIP) trunk SID. */
  routeTo?: string;
  /** What the account is charged at purchase, and every month, per number. */
  setupPriceCents: number;
  monthlyPriceCents: number;
}

export interface FileCredentials {
  username: string;
  secret: SecretSource;
}

export interface ApiCredentials {
  username: string;
  /** Omitted on an edit: the current password stays. */
  password?: string;
}

export interface TrunkDefinition<Credentials extends { username: string } = FileCredentials> {
  provider: string;
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  credentials?: Credentials;
  /** Keep an outbound registration with the provider (needs credentials). */
  register: boolean;
  inbound: { addresses: string[] };
  codecs: (typeof CODECS)[number][];
  /** OPTIONS pings to the provider; 0 turns them off. */
  qualifySeconds: number;
  accounts: number[];
  numbers: TrunkNumber[];
  /** Files only: numbers of this provider may be bought by the accounts the trunk serves. */
  purchasing?: TrunkPurchasing;
  /** Files only: ops allow a loopback or private host and inbound addresses for this trunk. */
  allowPrivateAddresses?: boolean;
}


export type Row = Record<string, string | number | null>;

export interface TrunkRows {
  ps_endpoints: Row;
  ps_aors: Row;
  ps_auths?: Row;
  ps_registrations?: Row;
  ps_endpoint_id_ips: Row;
}

export const TRUNK_TABLES = ['ps_endpoints', 'ps_aors', 'ps_auths', 'ps_registrations', 'ps_endpoint_id_ips'] as const;
export const TRUNKS_CONTEXT = 'pbx-from-trunks';

export function trunkObjectId(name: string): string {
  return `trunk-${name}`;
}

/** `password` is the resolved secret; the definition's own secret field (a reference or the value) is ignored. */
export function trunkRows(name: string, definition: TrunkDefinition<{ username: string }>, password: string | undefined, media?: EndpointMediaPolicy): TrunkRows {
  const id = trunkObjectId(name);
  const transport = `transport-${definition.transport}`;
  const server = `sip:${definition.host}:${definition.port}`;
  const credentials = definition.credentials && password !== undefined ? { username: definition.credentials.username, password } : undefined;
  return {
    ps_endpoints: {
      id,
      transport,
      context: TRUNKS_CONTEXT,
      aors: id,
      outbound_auth: credentials ? id : null,
      // A provider is known by where its packets come from, never by a username it could be impersonated by.
      identify_by: 'ip',
      disallow: 'all',
      allow: definition.codecs.join(','),
      dtmf_mode: 'rfc4733',
      direct_media: 'no',
      rtp_symmetric: 'yes',
      force_rport: 'yes',
      rewrite_contact: 'yes',
      from_domain: definition.host,
      from_user: credentials?.username ?? null,
      trust_id_inbound: 'yes',
      send_pai: 'yes',
      language: 'en',
      // A provider's call whose media stops (its side vanished) ends like a device's.
      ...mediaOptions(media),
    },
    ps_aors: { id, contact: server, qualify_frequency: definition.qualifySeconds, max_contacts: 1 },
    ...(credentials ? { ps_auths: { id, auth_type: 'digest', username: credentials.username, password: credentials.password } } : {}),
    ...(credentials && definition.register ? {
      ps_registrations: {
        id,
        server_uri: server,
        client_uri: `sip:${credentials.username}@${definition.host}:${definition.port}`,
        contact_user: credentials.username,
        outbound_auth: id,
        transport,
        endpoint: id,
        line: 'yes',
        expiration: 3600,
        retry_interval: 60,
        forbidden_retry_interval: 600,
        fatal_retry_interval: 600,
        max_retries: 10000,
        auth_rejection_permanent: 'no',
        // Asterisk's default spreads first registrations over 10 s (for start-up bursts); one trunk's change need not wait.
        max_random_initial_delay: 1,
      },
    } : {}),
    ps_endpoint_id_ips: { id, endpoint: id, match: definition.inbound.addresses.join(',') },
  };
}
