// PJSIP realtime rows: one endpoint, auth and aor per device, all named by the device's endpoint id.
import { callerIdOf } from '../../core/asterisk/caller-id';
import type { EndpointMediaPolicy } from '../../core/config';
import { mediaOptions } from './endpoint-media';
import { insertInChunks, type Queryable } from '../connection';

export type DeviceKind = 'desk_phone' | 'softphone' | 'webrtc';

export interface DeviceEndpoint {
  endpointId: string;
  password: string;
  context: string;
  kind: DeviceKind;
  callerIdName: string;
  callerIdNumber: string;
  /** Media time-outs and session timers (config.sip.endpointMedia); the documented defaults when absent. */
  media?: EndpointMediaPolicy;
}

/** The caller ID a device presents: its label as the name, its extension as the number. */
export { callerIdOf };

export function endpointRow(device: DeviceEndpoint): Record<string, string | number | null> {
  const base = {
    id: device.endpointId,
    aors: device.endpointId,
    auth: device.endpointId,
    context: device.context,
    // Only the username the device authenticated with identifies it; never its source address.
    identify_by: 'username',
    disallow: 'all',
    dtmf_mode: 'rfc4733',
    // Media is anchored in Asterisk: the ARI app bridges, records and plays to every call.
    direct_media: 'no',
    rtp_symmetric: 'yes',
    force_rport: 'yes',
    rewrite_contact: 'yes',
    callerid: callerIdOf(device.callerIdName, device.callerIdNumber),
    send_pai: 'yes',
    // Who the phone is talking to, shown after answer or transfer: an UPDATE (no media renegotiation) where
    // the phone allows it, a re-INVITE otherwise.
    connected_line_method: 'update',
    trust_id_outbound: 'yes',
    language: 'en',
    allow_transfer: 'yes',
    allow_subscribe: 'yes',
    ...mediaOptions(device.media),
  };
  if (device.kind === 'webrtc') {
    // Browsers: WebSocket transport, DTLS-SRTP, ICE, AVPF, rtcp-mux; Opus first, G.711 for interop.
    return { ...base, allow: 'opus,ulaw,alaw', webrtc: 'yes', dtls_auto_generate_cert: 'yes', transport: 'transport-ws' };
  }
  return { ...base, allow: 'ulaw,alaw,gsm' };
}

/** Endpoint, auth and aor rows of many devices, one INSERT per table (bulk provisioning writes thousands). */
export async function insertDeviceEndpoints(db: Queryable, devices: DeviceEndpoint[]): Promise<void> {
  if (devices.length === 0) return;
  await insertInChunks(db, 'ps_endpoints', devices.map(endpointRow));
  await insertInChunks(db, 'ps_auths', devices.map((device) => ({ id: device.endpointId, auth_type: 'digest', username: device.endpointId, password: device.password })));
  await insertInChunks(db, 'ps_aors', devices.map((device) => ({
    id: device.endpointId,
    // A desk phone or softphone is one registration; a new one from the same credentials replaces it.
    max_contacts: 1,
    remove_existing: 'yes',
    default_expiration: 600,
    maximum_expiration: 3600,
    minimum_expiration: 60,
  })));
}

/** Deletes devices' registrations and endpoint, auth and aor rows (these have no foreign keys to cascade). */
export async function deleteDeviceEndpoints(db: Queryable, endpointIds: string[]): Promise<void> {
  if (endpointIds.length === 0) return;
  await db('ps_contacts').whereIn('endpoint', endpointIds).delete();
  for (const table of ['ps_aors', 'ps_auths', 'ps_endpoints']) await db(table).whereIn('id', endpointIds).delete();
}

/** Contacts of these endpoints that have not expired, as Asterisk's registrar recorded them. */
function unexpiredContacts(db: Queryable, endpointIds: string[]) {
  return db('ps_contacts').whereIn('endpoint', endpointIds).andWhere('expiration_time', '>', Math.floor(Date.now() / 1000));
}

/** Endpoints with at least one unexpired registration, as Asterisk's registrar recorded them. */
export async function registeredEndpoints(db: Queryable, endpointIds: string[]): Promise<Set<string>> {
  if (endpointIds.length === 0) return new Set();
  const rows = await unexpiredContacts(db, endpointIds).distinct('endpoint');
  return new Set(rows.map((row: { endpoint: string }) => row.endpoint));
}

export interface RegisteredContact {
  endpoint: string;
  uri: string;
  userAgent: string | null;
  expiresAt: string;
}

/** Unexpired registrations of endpoints, with what the API shows of each. */
export async function contactsOf(db: Queryable, endpointIds: string[]): Promise<RegisteredContact[]> {
  if (endpointIds.length === 0) return [];
  const rows = (await unexpiredContacts(db, endpointIds).select('endpoint', 'uri', 'user_agent', 'expiration_time')) as { endpoint: string; uri: string; user_agent: string | null; expiration_time: number }[];
  return rows.map((row) => ({ endpoint: row.endpoint, uri: row.uri, userAgent: row.user_agent, expiresAt: new Date(Number(row.expiration_time) * 1000).toISOString() }));
}

export async function authPassword(db: Queryable, endpointId: string): Promise<string | undefined> {
  const row = (await db('ps_auths').where({ id: endpointId }).first('password')) as { password: string } | undefined;
  return row?.password;
}

/** A new password takes over at once: registrations made with the old one are dropped. */
export async function replaceAuthPassword(db: Queryable, endpointId: string, password: string): Promise<void> {
  await db('ps_auths').where({ id: endpointId }).update({ password });
  await db('ps_contacts').where({ endpoint: endpointId }).delete();
}

/** Disables devices at Asterisk's level: their endpoints refuse every request (ACL deny all) and their
 *  registrations are dropped, so nothing reaches them. Enabling lifts the ACL; the phones register again. */
export async function setEndpointsEnabled(db: Queryable, endpointIds: string[], enabled: boolean): Promise<void> {
  if (endpointIds.length === 0) return;
  await db('ps_endpoints').whereIn('id', endpointIds).update(enabled ? { deny: null, permit: null } : { deny: '0.0.0.0/0.0.0.0', permit: null });
  if (!enabled) await db('ps_contacts').whereIn('endpoint', endpointIds).delete();
}
