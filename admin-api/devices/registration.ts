// Where a device stands: the contacts Asterisk's registrar holds for it, and the endpoint state ARI reports.
// Listing a page of devices is one ARI request and one query, whatever the page's size.
import type { AriRest, EndpointSnapshot } from '../../core/ari/rest';
import type { Logger } from '../../core/logger';
import type { Queryable } from '../../db/connection';
import { contactsOf, type RegisteredContact } from '../../db/repositories/pjsip';

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
    const result = new Map<string, Registration>();
    for (const endpointId of endpointIds) {
      const own = contacts.filter((contact) => contact.endpoint === endpointId).map(({ endpoint: _endpoint, ...contact }) => contact);
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
    if (endpointIds.length === 0) return new Map();
    try {
      const snapshots = endpointIds.length === 1
        ? [await this.ari.getEndpoint('PJSIP', endpointIds[0]!)]
        : await this.ari.listEndpoints('PJSIP');
      return new Map(snapshots.map((snapshot) => [snapshot.resource, snapshot]));
    } catch (error) {
      // A device whose endpoint Asterisk cannot load is reported offline; Asterisk being down is "unavailable".
      if ((error as { status?: number }).status === 404) return new Map();
      this.logger.warn('endpoint states unavailable from ARI', { error: (error as Error).message });
      return undefined;
    }
  }
}
