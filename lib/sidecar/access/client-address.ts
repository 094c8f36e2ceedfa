import { isIPv4, isIPv6 } from 'net';
import { invalid } from '../../errors';
import { optionsObject } from '../prop-values';

/**
 * Where the sidecar learns the client's address when it sits behind proxies (a cloud load
 * balancer, an ingress controller). Without it, the access log, `X-Real-IP` and every per-client
 * decision see the last proxy, never the client.
 */
export interface ClientAddressOptions {
  /**
   * The addresses and CIDR ranges (IPv4 or IPv6) of the proxies in front of the sidecar, e.g. the
   * ingress controller's pod range or the load balancer's subnet. A request from one of them is
   * taken to come from the rightmost address of its `X-Forwarded-For` that is not itself in these
   * ranges (each trusted proxy appends the address it saw); a request from anywhere else keeps its
   * own address, whatever `X-Forwarded-For` it sends. The app gets the real address in `X-Real-IP`,
   * and the chain plus the proxy that reached the sidecar in `X-Forwarded-For`; the access log
   * the proxy's in `peer_addr`. With `trustForwardedProto`, only these proxies' `X-Forwarded-Proto`
   * counts. List them as narrowly as you can: ranges wider than a /8 are refused.
   */
  readonly trustedProxies: string[];
  /**
   * A port of its own for a load balancer that speaks the PROXY protocol (v1 or v2; AWS NLB, HAProxy,
   * and others): a connection to it must start with the PROXY header, whose source address is the
   * client's when the connection comes from `trustedProxies` (from anywhere else nginx keeps the
   * address that connected). With `tls` it speaks HTTPS (the load balancer passes TLS through),
   * otherwise plain HTTP. The probes stay on the plain port, which keeps no PROXY header. Point the
   * load balancer's Service at it (`targetPort`: this port).
   * @default - no PROXY protocol listener
   */
  readonly proxyProtocolPort?: number;
  /**
   * The container port name of `proxyProtocolPort`.
   * @default 'nginx-proxy'
   */
  readonly proxyProtocolPortName?: string;
}

/** What the renderer needs: the checked ranges, as given. */
export interface ResolvedClientAddress {
  readonly trustedProxies: string[];
  /** Options other than the ranges, checked later against the sidecar's other ports (resolveProxyProtocol). */
  readonly proxyProtocolOptions: { readonly proxyProtocolPort?: unknown; readonly proxyProtocolPortName?: unknown };
}

const FIELD = 'clientAddress.trustedProxies';

/** `clientAddress`, checked: undefined without it; each range a valid IPv4 or IPv6 address or CIDR. */
export function resolveClientAddress(value: ClientAddressOptions | undefined): ResolvedClientAddress | undefined {
  if (value === undefined) {
    return undefined;
  }
  const options = optionsObject('clientAddress', value);
  const list: unknown = options.trustedProxies;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid(FIELD, list, 'must list at least one address or CIDR range (e.g. "10.0.0.0/8"): the proxies whose X-Forwarded-For is believed');
  }
  const seen = new Set<string>();
  for (const range of list) {
    // The same range however it is written ("10.0.0.0/8" and "10.0.0.0/08", "::1" and "0::1/128").
    const key = checkRange(range);
    if (seen.has(key)) {
      throw invalid(FIELD, range, 'is listed twice');
    }
    seen.add(key);
  }
  return { trustedProxies: [...list], proxyProtocolOptions: { proxyProtocolPort: options.proxyProtocolPort, proxyProtocolPortName: options.proxyProtocolPortName } };
}

/** One IPv4 or IPv6 address, or CIDR range, as nginx's `set_real_ip_from` takes it; returns what it means, as a key. */
function checkRange(range: unknown): string {
  if (typeof range !== 'string') {
    throw invalid(FIELD, range, 'must be a string: an IPv4 or IPv6 address or CIDR range');
  }
  const m = /^([^/]*)(?:\/(\d{1,3}))?$/.exec(range);
  const address = m?.[1] ?? '';
  const v4 = isIPv4(address);
  if (!m || (!v4 && !isIPv6(address))) {
    throw invalid(FIELD, range, 'is not an IPv4 or IPv6 address or CIDR range (e.g. "10.0.0.0/8", "fd00::/8", "192.0.2.10")');
  }
  if (address.includes('%')) {
    throw invalid(FIELD, range, 'names an interface (a zone index after "%"): list the address or range alone');
  }
  const bits = v4 ? 32 : 128;
  const prefix = m[2] === undefined ? bits : Number(m[2]);
  if (prefix > bits) {
    throw invalid(FIELD, range, `has a prefix length above ${bits}`);
  }
  if (prefix === 0) {
    throw invalid(FIELD, range, 'trusts every address: any client could claim any address. List the proxies in front of the sidecar');
  }
  if (prefix < 8) {
    throw invalid(FIELD, range, `trusts a /${prefix}, wider than any load balancer's or ingress controller's range: any client in it `
      + 'could claim any address. List the proxies in front of the sidecar');
  }
  // nginx only warns ("low address bits ... are meaningless") and drops them: most likely a typo.
  const value = v4 ? ipv4Bits(address) : ipv6Bits(address);
  if (value === 0n) {
    throw invalid(FIELD, range, 'is the unspecified address, which no proxy connects from');
  }
  const hostBits = BigInt(bits - prefix);
  const network = (value >> hostBits) << hostBits;
  if (!v4 && value >> 32n === 0xffffn) {
    // nginx compares an IPv4-mapped client as IPv4, and an IPv6 entry never matches an IPv4 one.
    const as4 = prefix >= 96 ? `"${ipv4Text(network & 0xffffffffn)}${prefix === 128 ? '' : `/${prefix - 96}`}"` : 'its IPv4 form';
    throw invalid(FIELD, range, `is an IPv4 address written as IPv6, which nginx would never match: write ${as4}`);
  }
  if (network !== value) {
    const shown = v4 ? ipv4Text(network) : ipv6Text(network);
    throw invalid(FIELD, range, `has host bits set: the range is "${shown}/${prefix}" (or "${address}" alone)`);
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
