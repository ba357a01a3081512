// Where a device stands: the contacts Asterisk's registrar holds for it, and the endpoint state ARI reports.
// A page of devices costs one query and either one ARI request per device or, for a big page, one list.
import type { AriRest, EndpointSnapshot } from '../../core/ari/rest';
import type { Logger } from '../../core/logger';
import type { Queryable } from '../../db/connection';
import { contactsOf, type RegisteredContact } from '../../db/repositories/pjsip';

const PER_ENDPOINT_LIMIT = 25;

export interface Registration {
  registered: boolean;
  /** ARI's endpoint state; "unavailable" when Asterisk could not be asked. */
  endpointState: NonNullable<EndpointSnapshot['state']> | 'unavailable';
  activeCalls: number;
  contacts: Omit<RegisteredContact, 'endpoint'>[];
}

export class RegistrationReader {
  constructor(private readonly ari: AriRest, private readonly logger: Logger) {}

  async read(db: Queryable, endpointIds: string[]): Promise<Map<string, Registration>> {
    const [contacts, endpoints] = await Promise.all([contactsOf(db, endpointIds), this.endpointStates(endpointIds)]);
    const contactsByEndpoint = new Map<string, Registration['contacts']>();
    for (const { endpoint, ...contact } of contacts) contactsByEndpoint.set(endpoint, [...(contactsByEndpoint.get(endpoint) ?? []), contact]);
    const result = new Map<string, Registration>();
    for (const endpointId of endpointIds) {
      const own = contactsByEndpoint.get(endpointId) ?? [];
      const snapshot = endpoints?.get(endpointId);
      result.set(endpointId, {
        registered: own.length > 0,
        endpointState: endpoints ? snapshot?.state ?? 'offline' : 'unavailable',
        activeCalls: snapshot?.channel_ids.length ?? 0,
        contacts: own,
      });
    }
    return result;
  }

  private async endpointStates(endpointIds: string[]): Promise<Map<string, EndpointSnapshot> | undefined> {
    try {
      // ARI lists every endpoint Asterisk ever tracked: one request for a big page, one each for a small one.
      const snapshots = endpointIds.length > PER_ENDPOINT_LIMIT
        ? await this.ari.listEndpoints('PJSIP')
        : (await Promise.all(endpointIds.map((id) => this.ari.getEndpoint('PJSIP', id).catch((error: unknown) => {
          // An endpoint Asterisk cannot load (or has not yet seen) is reported offline, not as a failure.
          if ((error as { status?: number }).status === 404) return undefined;
          throw error;
        })))).filter((snapshot): snapshot is EndpointSnapshot => snapshot !== undefined);
      return new Map(snapshots.map((snapshot) => [snapshot.resource, snapshot]));
    } catch (error) {
      this.logger.warn('endpoint states unavailable from ARI', { error: (error as Error).message });
      return undefined;
    }
  }
}
