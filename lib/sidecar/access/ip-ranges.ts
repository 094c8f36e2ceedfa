import { isIPv4, isIPv6 } from 'net';
import { invalid } from '../../errors';

/** What a list of ranges may not hold besides malformed ones: the messages of each refusal. */
export interface RangeRules {
  /** A /0. */
  readonly every: string;
  /** Refused below this prefix length, with its message. */
  readonly widerThan?: readonly [number, (prefix: number) => string];
  /** 0.0.0.0 or ::. */
  readonly unspecified?: string;
}

/**
 * A list of IPv4 and IPv6 addresses and CIDR ranges as nginx takes them (`set_real_ip_from`,
 * `allow`, `geo`), checked: each valid, no interface zone, no host bits (nginx only warns and drops
 * them), no IPv4 written as IPv6 (never matched), none twice however written. Returns it as given.
 */
export function checkRanges(field: string, list: unknown[], rules: RangeRules): string[] {
  const seen = new Set<string>();
  for (const range of list) {
    // The same range however it is written ("10.0.0.0/8" and "10.0.0.0/08", "::1" and "0::1/128").
    const key = checkRange(field, range, rules);
    if (seen.has(key)) {
      throw invalid(field, range, 'is listed twice');
    }
    seen.add(key);
  }
  return list as string[];
}

/** One IPv4 or IPv6 address, or CIDR range; returns what it means, as a key. */
function checkRange(field: string, range: unknown, rules: RangeRules): string {
  if (typeof range !== 'string') {
    throw invalid(field, range, 'must be a string: an IPv4 or IPv6 address or CIDR range');
  }
  const m = /^([^/]*)(?:\/(\d{1,3}))?$/.exec(range);
  const address = m?.[1] ?? '';
  const v4 = isIPv4(address);
  if (!m || (!v4 && !isIPv6(address))) {
    throw invalid(field, range, 'is not an IPv4 or IPv6 address or CIDR range (e.g. "10.0.0.0/8", "fd00::/8", "192.0.2.10")');
  }
  if (address.includes('%')) {
    throw invalid(field, range, 'names an interface (a zone index after "%"): list the address or range alone');
  }
  const bits = v4 ? 32 : 128;
  const prefix = m[2] === undefined ? bits : Number(m[2]);
  if (prefix > bits) {
    throw invalid(field, range, `has a prefix length above ${bits}`);
  }
  if (prefix === 0) {
    throw invalid(field, range, rules.every);
  }
  if (rules.widerThan && prefix < rules.widerThan[0]) {
    throw invalid(field, range, rules.widerThan[1](prefix));
  }
  const value = v4 ? ipv4Bits(address) : ipv6Bits(address);
  if (value === 0n && rules.unspecified) {
    throw invalid(field, range, rules.unspecified);
  }
  const hostBits = BigInt(bits - prefix);
  const network = (value >> hostBits) << hostBits;
  if (!v4 && value >> 32n === 0xffffn) {
    // nginx compares an IPv4-mapped client as IPv4, and an IPv6 entry never matches an IPv4 one.
    const as4 = prefix >= 96 ? `"${ipv4Text(network & 0xffffffffn)}${prefix === 128 ? '' : `/${prefix - 96}`}"` : 'its IPv4 form';
    throw invalid(field, range, `is an IPv4 address written as IPv6, which nginx would never match: write ${as4}`);
  }
  // nginx only warns ("low address bits ... are meaningless") and drops them: most likely a typo.
  if (network !== value) {
    const shown = v4 ? ipv4Text(network) : ipv6Text(network);
    throw invalid(field, range, `has host bits set: the range is "${shown}/${prefix}" (or "${address}" alone)`);
  }
  return `${bits}:${value}/${prefix}`;
}

function ipv4Bits(address: string): bigint {
  return address.split('.').reduce((acc, o) => (acc << 8n) + BigInt(Number(o)), 0n);
}

function ipv4Text(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

/** An IPv6 address in the URL standard's canonical form (lower case, hex groups, one `::` at most). */
function canonicalIpv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** An IPv6 address (already valid: `net.isIPv6`) as a 128-bit number. */
function ipv6Bits(address: string): bigint {
  const [head, tail] = canonicalIpv6(address).split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** A 128-bit number as an IPv6 address, in canonical form. */
function ipv6Text(n: bigint): string {
  return canonicalIpv6(Array.from({ length: 8 }, (_, i) => ((n >> BigInt(16 * (7 - i))) & 0xffffn).toString(16)).join(':'));
}
