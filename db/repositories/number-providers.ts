// Where numbers may be bought (issue 10): each trunk file with a `purchasing:` section is a provider site, open
// to the accounts the trunk serves, and the trunk is where that provider's numbers arrive. The section is read
// from the trunk's stored definition (trunks:apply validated it), so a changed file counts from the next call.
import type { ProviderSite } from '../../core/number-providers/factory';
import { parseJson, type Queryable } from '../connection';
import type { TrunkDefinition } from './trunk-rows';

export type { ProviderSite };

interface SiteRow {
  id: number | string;
  name: string;
  definition: string | Pick<TrunkDefinition, 'purchasing'>;
}

function sitesOf(rows: SiteRow[]): ProviderSite[] {
  return rows.flatMap((row) => {
    const { purchasing } = parseJson<Pick<TrunkDefinition, 'purchasing'>>(row.definition);
    return purchasing ? [{ trunkId: Number(row.id), trunkName: row.name, purchasing }] : [];
  });
}

/** The sites the account may buy from: trunks that serve it and have a purchasing section, by trunk name. */
export async function providerSitesOfAccount(db: Queryable, accountId: number): Promise<ProviderSite[]> {
  return sitesOf((await db('trunks')
    .join('trunk_accounts', 'trunk_accounts.trunk_id', 'trunks.id')
    .where('trunk_accounts.account_id', accountId)
    .orderBy('trunks.name')
    .select('trunks.id', 'trunks.name', 'trunks.definition')) as SiteRow[]);
}

/** The trunk's site, if it has a purchasing section (a number's jobs find their provider through its trunk). */
export async function providerSiteOfTrunk(db: Queryable, trunkId: number): Promise<ProviderSite | undefined> {
  return sitesOf((await db('trunks').where({ id: trunkId }).select('id', 'name', 'definition')) as SiteRow[])[0];
}

/** Every site, by trunk name: what reconciliation compares with the inventory. */
export async function allProviderSites(db: Queryable): Promise<ProviderSite[]> {
  return sitesOf((await db('trunks').orderBy('name').select('id', 'name', 'definition')) as SiteRow[]);
}
