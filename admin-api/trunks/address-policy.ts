// Where a trunk may point and whom it may trust. A trunk's host is where Asterisk sends SIP, so a loopback or
// private host would have our own machine send SIP to internal services; its inbound addresses are identified
// as the provider without any password, so a private one (127.0.0.1 is every WebRTC browser, through the local
// proxy) or a broad range would hand the provider's identity to whoever sends from there.
//
// Host names: refused outright when they can only be local (no dot, localhost, .local, .internal, .home.arpa);
// otherwise resolved when the trunk is written (files and API alike), and every address they resolve to must be
// public. A name that does not resolve now (a provider's name seen only from production, a reserved name like
// .test) is accepted: Asterisk resolves it again when it sends, so this is a check against mistakes, not a
// guarantee against a provider's DNS later pointing inside.
//
// Ops may allow non-public addresses for one trunk with `allowPrivateAddresses: true` in its file (a lab, a
// provider reached over a private link); the API never takes that field. Over-broad ranges are never allowed.
//
// The same rule holds for the provider API a trunk file's `purchasing:` section names (its baseUrl): the
// worker sends the provider's key there, so it is https to a public host unless ops allow a private one.
import dns from 'node:dns/promises';
import net from 'node:net';
import type { FieldProblem } from '../http/errors';

type Family = 'ipv4' | 'ipv6';

/** Special-purpose blocks (RFC 6890 and friends) a provider's public address is never in. The documentation
 *  ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) are left out on purpose: examples use them. */
const NOT_PUBLIC: { network: string; prefix: number; family: Family; kind: string }[] = [
  { network: '0.0.0.0', prefix: 8, family: 'ipv4', kind: 'unspecified ("this network")' },
  { network: '10.0.0.0', prefix: 8, family: 'ipv4', kind: 'private' },
  { network: '100.64.0.0', prefix: 10, family: 'ipv4', kind: 'shared (carrier-grade NAT)' },
  { network: '127.0.0.0', prefix: 8, family: 'ipv4', kind: 'loopback' },
  { network: '169.254.0.0', prefix: 16, family: 'ipv4', kind: 'link-local' },
  { network: '172.16.0.0', prefix: 12, family: 'ipv4', kind: 'private' },
  { network: '192.168.0.0', prefix: 16, family: 'ipv4', kind: 'private' },
  { network: '198.18.0.0', prefix: 15, family: 'ipv4', kind: 'benchmarking' },
  { network: '224.0.0.0', prefix: 4, family: 'ipv4', kind: 'multicast' },
  { network: '240.0.0.0', prefix: 4, family: 'ipv4', kind: 'reserved or broadcast' },
  { network: '::', prefix: 128, family: 'ipv6', kind: 'unspecified' },
  { network: '::1', prefix: 128, family: 'ipv6', kind: 'loopback' },
  { network: '::ffff:0:0', prefix: 96, family: 'ipv6', kind: 'IPv4-mapped (write the IPv4 address itself)' },
  { network: 'fc00::', prefix: 7, family: 'ipv6', kind: 'unique local (private)' },
  { network: 'fe80::', prefix: 10, family: 'ipv6', kind: 'link-local' },
  { network: 'ff00::', prefix: 8, family: 'ipv6', kind: 'multicast' },
];

/** The broadest inbound range accepted: a provider's signalling comes from a few addresses, never a /8. */
export const BROADEST_PREFIX: Record<Family, number> = { ipv4: 16, ipv6: 32 };

const LOCAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa|localdomain)$/i;
/** RFC 6761 names that never resolve: accepted without a lookup (tests and examples use them). */
const NEVER_RESOLVED = /\.(test|example|invalid)$/i;
const LOOKUP_TIMEOUT_MS = 2000;

function familyOf(address: string): Family {
  return net.isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

const BLOCK_LISTS = new Map(NOT_PUBLIC.map((block) => {
  const list = new net.BlockList();
  list.addSubnet(block.network, block.prefix, block.family);
  return [block, list] as const;
}));

function blockHolds(block: (typeof NOT_PUBLIC)[number], address: string): boolean {
  return block.family === familyOf(address) && BLOCK_LISTS.get(block)!.check(address, block.family);
}

/** What kind of non-public range holds `address`, or undefined when it is public. */
export function nonPublicKind(address: string): string | undefined {
  return NOT_PUBLIC.find((block) => blockHolds(block, address))?.kind;
}

/** The problem with one inbound entry ("203.0.113.5" or "198.51.100.0/28"), if any. */
export function inboundProblem(entry: string, allowPrivate: boolean): string | undefined {
  const [address = '', prefixText] = entry.split('/');
  if (!net.isIP(address)) return `"${entry}" is not an IP address or range`;
  const family = familyOf(address);
  const prefix = prefixText === undefined ? (family === 'ipv4' ? 32 : 128) : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) return `"${entry}" has no valid prefix length`;
  if (prefix < BROADEST_PREFIX[family]) return `${entry} is too broad: an inbound range may be at most /${BROADEST_PREFIX[family]} for ${family === 'ipv4' ? 'IPv4' : 'IPv6'}, or anyone sending from it is taken for the provider`;
  if (allowPrivate) return undefined;
  const range = new net.BlockList();
  range.addSubnet(address, prefix, family);
  for (const block of NOT_PUBLIC) {
    if (block.family !== family) continue;
    // Overlap: the range lies in the block, or the block's first address lies in the range.
    const inside = block.prefix <= prefix ? blockHolds(block, address) : range.check(block.network, family);
    if (inside) return `${entry} is ${block.kind} (${block.network}/${block.prefix}): inbound addresses must be public`;
  }
  return undefined;
}

async function resolveAll(host: string): Promise<string[] | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS); });
  try {
    const found = await Promise.race([dns.lookup(host, { all: true, verbatim: true }).then((entries) => entries.map((entry) => entry.address)), timeout]);
    return found;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The problem with the host (an address or a DNS name), if any. `subject` names what the host is for. */
export async function hostProblem(host: string, allowPrivate: boolean, subject = "a trunk's host"): Promise<string | undefined> {
  if (net.isIP(host)) {
    const kind = allowPrivate ? undefined : nonPublicKind(host);
    return kind && `${host} is ${kind}: ${subject} must be a public address`;
  }
  if (allowPrivate) return undefined;
  if (!host.includes('.') || LOCAL_NAME.test(host.replace(/\.$/, ''))) return `${host} names a local machine: ${subject} must be public`;
  if (NEVER_RESOLVED.test(host.replace(/\.$/, ''))) return undefined;
  for (const address of (await resolveAll(host)) ?? []) {
    const kind = nonPublicKind(address);
    if (kind) return `${host} resolves to ${address}, which is ${kind}: ${subject} must be public`;
  }
  return undefined;
}

/** The problem with a provider API's base URL, if any. The worker sends the provider's key to it, so it must
 *  be https to a public host; a lab's emulator on a private address (http allowed) needs allowPrivateAddresses. */
export async function baseUrlProblem(baseUrl: string, allowPrivate: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `"${baseUrl}" is not a URL`;
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return `${baseUrl} must use https (plain http only with allowPrivateAddresses): the provider's secret travels in its requests`;
  if (url.username || url.password) return `${baseUrl} carries credentials: name them in /purchasing/secret instead`;
  if (url.search || url.hash) return `${baseUrl} must have no query or fragment`;
  // URL keeps an IPv6 host in brackets.
  return hostProblem(url.hostname.replace(/^\[|\]$/g, ''), allowPrivate, "a provider API's base URL");
}

/** Every problem with a definition's host, inbound addresses and provider API URL, as JSON pointers into it. */
export async function addressProblems(definition: {
  host: string; inbound: { addresses: string[] }; allowPrivateAddresses?: boolean; purchasing?: { baseUrl?: string };
}): Promise<FieldProblem[]> {
  const allowPrivate = definition.allowPrivateAddresses === true;
  const problems: FieldProblem[] = [];
  const host = await hostProblem(definition.host, allowPrivate);
  if (host) problems.push({ path: '/host', message: host });
  definition.inbound.addresses.forEach((entry, index) => {
    const problem = inboundProblem(entry, allowPrivate);
    if (problem) problems.push({ path: `/inbound/addresses/${index}`, message: problem });
  });
  const baseUrl = definition.purchasing?.baseUrl;
  const api = baseUrl === undefined ? undefined : await baseUrlProblem(baseUrl, allowPrivate);
  if (api) problems.push({ path: '/purchasing/baseUrl', message: api });
  return problems;
}
