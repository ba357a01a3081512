// The Asterisk side, read over ARI and AMI. One list action per kind of object where Asterisk has one; the
// endpoints' cached state has no list action (the memory caches answer lists only in full-backend mode), so
// each endpoint is asked for by name, spread over a few AMI sessions: Asterisk serves one session's actions in
// order, several sessions are what puts its threads to work. 2,000 cached endpoints took about 8 s on a
// 2-core machine; a name Asterisk does not have costs a fraction of that.
//
// Reading is not entirely free of effects, as with any CLI or AMI look at PJSIP realtime: asking for an
// endpoint that is not cached caches the row as it is now, and listing outbound registrations applies their
// rows (Asterisk starts a registration whose row it had not seen).
import { AmiClient, AmiError, type AmiMessage } from '../core/asterisk/ami';
import { AriRest } from '../core/ari/rest';
import type { Config } from '../core/config';
import {
  SECRET_COLUMNS, amiFieldName, secretDigest,
  type AmiFields, type AsteriskSnapshot, type Contact, type LoadedContext, type OutboundRegistration,
} from './snapshots';

export class AsteriskUnreachableError extends Error {}

export interface AsteriskReadOptions {
  ami: Config['ami'];
  ari: Config['ari'];
  /** Endpoint names to read one by one besides those ARI tracks: the database's endpoint rows. */
  endpointNames: readonly string[];
  sessions?: number;
  inFlightPerSession?: number;
  timeoutMs?: number;
}

const SECRET_FIELDS = SECRET_COLUMNS.map(amiFieldName);

function withoutSecrets(event: AmiMessage): AmiFields {
  const fields: Record<string, string> = { ...event };
  for (const name of SECRET_FIELDS) if (fields[name]) fields[name] = secretDigest(fields[name]);
  return fields;
}

/** List actions answer "No endpoints found" (and the like) with an error rather than an empty list. */
function isEmptyList(error: unknown): boolean {
  return error instanceof AmiError && /^no .*found/i.test(error.response?.Message ?? '');
}

async function listEvents(ami: AmiClient, action: string, event: string): Promise<AmiMessage[]> {
  try {
    return (await ami.action(action)).events.filter((candidate) => candidate.Event === event);
  } catch (error) {
    if (isEmptyList(error)) return [];
    throw error;
  }
}

function names(events: AmiMessage[]): Set<string> {
  return new Set(events.map((event) => event.ObjectName ?? ''));
}

function loadedContexts(events: AmiMessage[]): Map<string, LoadedContext> {
  const contexts = new Map<string, { registrar: string; switches: string[] }>();
  for (const event of events) {
    const name = event.Context ?? '';
    const context = contexts.get(name) ?? { registrar: event.Registrar ?? '', switches: [] };
    if (event.Switch) context.switches.push(event.Switch);
    contexts.set(name, context);
  }
  return contexts;
}

function registrations(events: AmiMessage[]): Map<string, OutboundRegistration> {
  return new Map(events.map((event) => [event.ObjectName ?? '', { fields: withoutSecrets(event), status: event.Status }]));
}

function contacts(events: AmiMessage[]): Contact[] {
  return events.map((event) => ({ id: event.ObjectName ?? '', endpoint: event.Endpoint ?? '', expiresAt: Number(event.ExpirationTime ?? 0) }));
}

interface EndpointDetails {
  endpoints: Map<string, AmiFields>;
  auths: Map<string, AmiFields>;
  aors: Map<string, AmiFields>;
  identifies: Map<string, AmiFields>;
}

const DETAIL_EVENTS: Record<string, keyof EndpointDetails> = {
  EndpointDetail: 'endpoints',
  AuthDetail: 'auths',
  AorDetail: 'aors',
  IdentifyDetail: 'identifies',
};

/** One endpoint as Asterisk uses it; false when Asterisk has no such endpoint (neither cached nor loadable). */
async function readEndpoint(ami: AmiClient, name: string, into: EndpointDetails): Promise<boolean> {
  try {
    const { events } = await ami.action('PJSIPShowEndpoint', { Endpoint: name });
    for (const event of events) {
      const kind = DETAIL_EVENTS[event.Event ?? ''];
      if (kind) into[kind].set(event.ObjectName ?? '', withoutSecrets(event));
    }
    return true;
  } catch (error) {
    if (error instanceof AmiError && /unable to retrieve endpoint/i.test(error.response?.Message ?? '')) return false;
    throw error;
  }
}

/** Runs `work` over the items with a bounded number in flight on each session; the first failure stops it. */
export async function onSessions<S, T>(sessions: readonly S[], inFlight: number, items: readonly T[], work: (session: S, item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const runner = async (session: S): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(session, item);
      } catch (error) {
        next = items.length;
        throw error;
      }
    }
  };
  await Promise.all(sessions.flatMap((session) => Array.from({ length: inFlight }, () => runner(session))));
}

async function connectSessions(options: AsteriskReadOptions, count: number): Promise<AmiClient[]> {
  const { ami } = options;
  const settled = await Promise.allSettled(Array.from({ length: count }, () =>
    AmiClient.connect({ host: ami.host, port: ami.port, username: ami.username, secret: ami.password, timeoutMs: options.timeoutMs })));
  const sessions = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    sessions.forEach((session) => session.close());
    throw new AsteriskUnreachableError(`AMI at ${ami.host}:${ami.port}: ${(failure.reason as Error).message}`);
  }
  return sessions;
}

async function readTracked(options: AsteriskReadOptions): Promise<Map<string, string>> {
  const ari = new AriRest({ baseUrl: options.ari.url, username: options.ari.username, password: options.ari.password, timeoutMs: options.timeoutMs });
  try {
    return new Map((await ari.listEndpoints('PJSIP')).map((endpoint) => [endpoint.resource, endpoint.state ?? 'unknown']));
  } catch (error) {
    throw new AsteriskUnreachableError(`ARI at ${options.ari.url}: ${(error as Error).message}`);
  }
}

async function readWithSessions(sessions: AmiClient[], options: AsteriskReadOptions, tracked: Map<string, string>): Promise<AsteriskSnapshot> {
  const [lister] = sessions as [AmiClient];
  const [endpointList, authList, aorList, registrationList, contactList, dialplan] = await Promise.all([
    listEvents(lister, 'PJSIPShowEndpoints', 'EndpointList'),
    listEvents(lister, 'PJSIPShowAuths', 'AuthList'),
    listEvents(lister, 'PJSIPShowAors', 'AorList'),
    listEvents(lister, 'PJSIPShowRegistrationsOutbound', 'OutboundRegistrationDetail'),
    listEvents(lister, 'PJSIPShowContacts', 'ContactList'),
    listEvents(lister, 'ShowDialPlan', 'ListDialplan'),
  ]);
  const details: EndpointDetails = { endpoints: new Map(), auths: new Map(), aors: new Map(), identifies: new Map() };
  const probed = [...new Set([...options.endpointNames, ...tracked.keys()])];
  await onSessions(sessions, options.inFlightPerSession ?? 4, probed, (session, name) => readEndpoint(session, name, details));
  return {
    loadable: { endpoints: names(endpointList), auths: names(authList), aors: names(aorList) },
    ...details,
    probedEndpoints: probed.length,
    tracked,
    registrations: registrations(registrationList),
    contacts: contacts(contactList),
    contexts: loadedContexts(dialplan),
  };
}

/** ARI's endpoint list is read first: AMI's listing loads endpoints, and ARI must be seen as it was. */
export async function readAsteriskSnapshot(options: AsteriskReadOptions): Promise<AsteriskSnapshot> {
  const tracked = await readTracked(options);
  const sessions = await connectSessions(options, options.sessions ?? 4);
  try {
    return await readWithSessions(sessions, options, tracked);
  } catch (error) {
    if (error instanceof AmiError && !error.response) throw new AsteriskUnreachableError(`AMI stopped answering: ${error.message}`);
    if (/AMI connection closed/.test((error as Error).message)) throw new AsteriskUnreachableError((error as Error).message);
    throw error;
  } finally {
    sessions.forEach((session) => session.close());
  }
}
