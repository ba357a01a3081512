// Which source addresses the guard may block, and how a block reads as an Asterisk ACL rule.
import net from 'node:net';

/** Never blocked: WebRTC browsers reach Asterisk through the local TLS proxy, so loopback is every browser
 *  at once. Only these two: the rest of 127.0.0.0/8 is blockable like any address (tests attack from it). */
const ALWAYS_ALLOWED = new Set(['127.0.0.1', '::1']);

/** One spelling per address, as Asterisk writes it, so the same source is one counter and one block:
 *  brackets dropped, IPv4-mapped IPv6 as IPv4, IPv6 compressed and lowercase. Undefined if not an IP. */
export function normaliseAddress(text: string): string | undefined {
  const host = text.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(host);
  const address = mapped?.[1] ?? host;
  switch (net.isIP(address)) {
    case 4: return address;
    // The URL parser writes IPv6 in its canonical (RFC 5952) form, which is what Asterisk prints.
    case 6: return new URL(`http://[${address}]/`).hostname.slice(1, -1);
    default: return undefined;
  }
}

export function isAlwaysAllowed(address: string): boolean {
  return ALWAYS_ALLOWED.has(address);
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return net.isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** The res_pjsip_acl rule that refuses exactly this address. */
export function denyRule(address: string): string {
  return `${address}/${familyOf(address) === 'ipv6' ? 128 : 32}`;
}

/** "24" or "255.255.255.0" (identify's match accepts both) as a prefix length; undefined if neither. */
function prefixLength(mask: string, family: 'ipv4' | 'ipv6'): number | undefined {
  if (/^\d{1,3}$/.test(mask)) {
    const length = Number(mask);
    return length <= (family === 'ipv6' ? 128 : 32) ? length : undefined;
  }
  if (family !== 'ipv4' || !net.isIPv4(mask)) return undefined;
  const bits = mask.split('.').map((octet) => Number(octet).toString(2).padStart(8, '0')).join('');
  // A netmask is ones then zeros; anything else is not one.
  return /^1*0*$/.test(bits) ? bits.replace(/0+$/, '').length : undefined;
}

/** Trunk providers' addresses, from identify `match` values ("203.0.113.5", "198.51.100.0/24", each possibly a
 *  comma-separated list). Host names are left out. Not an exemption: the guard only uses it to name the trunk
 *  whose address it blocked. */
export function trustedAddresses(matchValues: string[]): net.BlockList {
  const list = new net.BlockList();
  for (const entry of matchValues.flatMap((value) => value.split(','))) {
    const [host = '', mask] = entry.trim().split('/');
    const address = normaliseAddress(host);
    if (!address) continue;
    const family = familyOf(address);
    if (mask === undefined) {
      list.addAddress(address, family);
      continue;
    }
    const prefix = prefixLength(mask, family);
    if (prefix !== undefined) list.addSubnet(address, prefix, family);
  }
  return list;
}

export function isTrusted(address: string, trusted: net.BlockList): boolean {
  return trusted.check(address, familyOf(address));
}
