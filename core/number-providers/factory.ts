// The adapter a trunk file's `purchasing:` section names. The worker, the search route and reconciliation build
// one per call from the trunk's section as stored (admin-api/trunks/purchasing.ts validated it when the file was
// applied), so a changed file takes effect at the next job without a restart.
import type { Database } from '../../db/connection';
import type { SecretSource, TrunkPurchasing } from '../../db/repositories/trunk-rows';
import { ProviderError, type NumberProvider } from './provider';
import { StaticPoolProvider } from './static-pool';
import { TelnyxProvider } from './telnyx';
import { TwilioProvider } from './twilio';

export interface ProviderSite {
  trunkId: number;
  trunkName: string;
  purchasing: TrunkPurchasing;
}

export interface ProviderDeps {
  db: Database;
  /** Resolves the section's secret source (core/trunk-secrets.ts resolveSecretSource). */
  secret(source: SecretSource): string;
  /** Each provider request's deadline (default 10 s). */
  timeoutMs?: number;
}

/** The adapter for a trunk's purchasing section: Telnyx v2, Twilio 2010-04-01 or the static pool. A section
 *  missing what its API needs is a permanent ProviderError (no retry fixes a file); the secret itself is read
 *  at each request, so an unset variable fails that request, permanently, with the variable's name. */
export function createNumberProvider(site: ProviderSite, deps: ProviderDeps): NumberProvider {
  const { purchasing } = site;
  switch (purchasing.api) {
    case 'telnyx':
      return new TelnyxProvider({
        apiKey: secretReader(site, deps),
        baseUrl: purchasing.baseUrl,
        connectionId: purchasing.routeTo,
        timeoutMs: deps.timeoutMs,
      });
    case 'twilio':
      if (!purchasing.accountSid) throw misconfigured(site, 'accountSid');
      return new TwilioProvider({
        accountSid: purchasing.accountSid,
        authToken: secretReader(site, deps),
        baseUrl: purchasing.baseUrl,
        trunkSid: purchasing.routeTo,
        timeoutMs: deps.timeoutMs,
      });
    case 'static-pool':
      return new StaticPoolProvider(deps.db, { id: site.trunkId, name: site.trunkName });
    default:
      throw new ProviderError('permanent', `trunk ${site.trunkName} names an unknown purchasing api "${(purchasing as { api: string }).api}"`);
  }
}

function secretReader(site: ProviderSite, deps: ProviderDeps): () => string {
  const source = site.purchasing.secret;
  if (!source) throw misconfigured(site, 'secret');
  return () => deps.secret(source);
}

function misconfigured(site: ProviderSite, field: string): ProviderError {
  return new ProviderError('permanent', `trunk ${site.trunkName}'s purchasing section (api ${site.purchasing.api}) has no ${field}`);
}
