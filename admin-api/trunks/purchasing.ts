// A trunk file's `purchasing:` section (issue 10): which provider API the accounts the trunk serves may buy
// numbers from, and the trunk those numbers' calls arrive on. Which fields each API needs is checked here, with
// messages naming the API, so a file says what to add or remove; that the base URL is public is the address
// policy's (address-policy.ts). The API path never takes the section at all (TrunkService.save).
import type { TrunkPurchasing } from '../../db/repositories/trunk-rows';
import type { FieldProblem } from '../http/errors';

type ApiField = 'baseUrl' | 'secret' | 'accountSid' | 'routeTo';

/** What each API needs ('required'), may take ('optional'), or has no use for (absent). The static pool is
 *  the file's own numbers: there is nothing to call, so nothing to configure. */
const FIELDS: Record<TrunkPurchasing['api'], Partial<Record<ApiField, 'required' | 'optional'>>> = {
  telnyx: { baseUrl: 'optional', secret: 'required', routeTo: 'required' },
  twilio: { baseUrl: 'optional', secret: 'required', accountSid: 'required', routeTo: 'required' },
  'static-pool': {},
};

const WHAT: Record<ApiField, string> = {
  baseUrl: 'the API\'s base URL',
  secret: 'the API key (Telnyx) or auth token (Twilio), as { env: VARIABLE } or { file: secrets/<name> }',
  accountSid: 'the Twilio account SID',
  routeTo: 'where the provider sends the numbers\' calls: the Telnyx connection id or the Twilio trunk SID',
};

/** Every problem of the section, as JSON pointers into the definition. */
export function purchasingProblems(purchasing: TrunkPurchasing | undefined): FieldProblem[] {
  if (!purchasing) return [];
  const fields = FIELDS[purchasing.api];
  const problems: FieldProblem[] = [];
  for (const field of Object.keys(WHAT) as ApiField[]) {
    const given = purchasing[field] !== undefined;
    if (!given && fields[field] === 'required') problems.push({ path: `/purchasing/${field}`, message: `is required for api ${purchasing.api}: ${WHAT[field]}` });
    if (given && !fields[field]) problems.push({ path: `/purchasing/${field}`, message: `does not apply to api ${purchasing.api}: remove it` });
  }
  return problems;
}
