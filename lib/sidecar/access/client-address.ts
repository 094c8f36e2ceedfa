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
   * and the chain plus the proxy that reached the sidecar in `X-Forwarded-For`.
   */
  readonly trustedProxies: string[];
}

/** What the renderer needs: the checked ranges, as given. */
export interface ResolvedClientAddress {
  readonly trustedProxies: string[];
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
    checkRange(range);
    if (seen.has(range.toLowerCase())) {
      throw invalid(FIELD, range, 'is listed twice');
    }
    seen.add(range.toLowerCase());
  }
  return { trustedProxies: [...list] };
}

/** One IPv4 or IPv6 address, or CIDR range, as nginx's `set_real_ip_from` takes it. */
function checkRange(range: unknown): asserts range is string {
  if (typeof range !== 'string') {
    throw invalid(FIELD, range, 'must be a string: an IPv4 or IPv6 address or CIDR range');
  }
  const m = /^([^/]*)(?:\/(\d{1,3}))?$/.exec(range);
  const address = m?.[1] ?? '';
  const v4 = isIPv4(address);
  if (!m || (!v4 && !isIPv6(address))) {
    throw invalid(FIELD, range, 'is not an IPv4 or IPv6 address or CIDR range (e.g. "10.0.0.0/8", "fd00::/8", "192.0.2.10")');
  }
  const bits = v4 ? 32 : 128;
  const prefix = m[2] === undefined ? bits : Number(m[2]);
  if (prefix > bits) {
    throw invalid(FIELD, range, `has a prefix length above ${bits}`);
  }
  if (prefix === 0) {
    throw invalid(FIELD, range, 'trusts every address: any client could claim any address. List the proxies in front of the sidecar');
  }
  if (v4 && prefix < 32) {
    const n = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - prefix);
    if (n % size !== 0) {
      const network = Math.floor(n / size) * size;
      const dotted = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.');
      throw invalid(FIELD, range, `has host bits set: the range is "${dotted}/${prefix}" (or "${address}" alone)`);
    }
  }
}
