// The static pool as a provider: ops own DIDs on a plain SIP trunk and list them in its trunk file, so the
// "provider" is our own database. A free number is one of the trunk's rows no account holds; buying, routing
// and releasing change nothing at the carrier (the number stays in the file and already arrives on the trunk).
// Handing a row to an account, and back, is the purchase and release jobs' database step, not this adapter's.
import type { Queryable } from '../../db/connection';
import { findStaticPoolNumber, freeStaticPoolNumbers, staticPoolNumbers, type StaticPoolNumber } from '../../db/repositories/static-pool-inventory';
import { destinationOf } from '../dialing/countries';
import { STATIC_POOL } from '../numbers';
import { inAreaCode, normalisePlace } from './regions';
import { ProviderError, type AvailableNumber, type NumberProvider, type NumberSearch, type OwnedNumber } from './provider';

export interface StaticPoolTrunk {
  id: number;
  name: string;
}

export class StaticPoolProvider implements NumberProvider {
  readonly api = STATIC_POOL;

  constructor(private readonly db: Queryable, private readonly trunk: StaticPoolTrunk) {}

  async search(query: NumberSearch): Promise<AvailableNumber[]> {
    const place = normalisePlace(query);
    const rows = await freeStaticPoolNumbers(this.db, this.trunk.id, {
      country: place.country,
      ...(place.region ? { region: place.region } : {}),
      ...(place.locality ? { locality: place.locality } : {}),
      capabilities: query.capabilities ?? {},
    });
    return rows
      .filter((row) => countryOf(row) === place.country)
      .filter((row) => place.areaCode === undefined || inAreaCode(row.number, place.country, place.areaCode))
      .slice(0, query.limit)
      .map((row) => ({
        number: row.number,
        country: place.country,
        region: row.region,
        locality: row.locality,
        capabilities: { voice: row.voice, sms: row.sms, fax: row.fax },
      }));
  }

  async findOwned(number: string): Promise<OwnedNumber | undefined> {
    const row = await findStaticPoolNumber(this.db, this.trunk.id, number);
    return row && this.owned(row);
  }

  async purchase(number: string): Promise<OwnedNumber> {
    const found = await this.findOwned(number);
    if (!found) throw new ProviderError('permanent', `${number} is not in the static pool of trunk ${this.trunk.name}`);
    return found;
  }

  /** The number's calls already arrive on the trunk that lists it. */
  async configureRouting(): Promise<void> {}

  /** The number stays in the trunk file: released, its row is free for another account. */
  async release(): Promise<void> {}

  async listOwned(): Promise<OwnedNumber[]> {
    return (await staticPoolNumbers(this.db, this.trunk.id)).map((row) => this.owned(row));
  }

  private owned(row: StaticPoolNumber): OwnedNumber {
    return { number: row.number, providerRef: row.number, routedTo: this.trunk.name };
  }
}

/** A row's country as recorded, or as its number tells (rows written before numbers had countries). */
function countryOf(row: StaticPoolNumber): string | undefined {
  return row.country ?? destinationOf(row.number).country;
}
