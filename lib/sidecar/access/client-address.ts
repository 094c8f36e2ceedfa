import { invalid } from '../../errors';
import { optionsObject } from '../prop-values';
import { RangeRules, checkRanges } from './ip-ranges';

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

/** What a trusted range may not be, beyond a valid address or range. */
const TRUST_RULES: RangeRules = {
  every: 'trusts every address: any client could claim any address. List the proxies in front of the sidecar',
  widerThan: [8, (prefix) => `trusts a /${prefix}, wider than any load balancer's or ingress controller's range: any client in it `
    + 'could claim any address. List the proxies in front of the sidecar'],
  unspecified: 'is the unspecified address, which no proxy connects from',
};

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
  return {
    trustedProxies: checkRanges(FIELD, list, TRUST_RULES),
    proxyProtocolOptions: { proxyProtocolPort: options.proxyProtocolPort, proxyProtocolPortName: options.proxyProtocolPortName },
  };
}
