import { Duration, Size } from 'cdk8s';
import { invalid } from '../errors';
import { CacheZoneModel, GzipModel, HeaderModel } from '../nginx/model';
import { checkCookieName, checkInt, checkMimeType, checkPort } from '../nginx/tokens';
import { checkContainerName, checkEnv, checkImage, checkPortName } from './container-values';
import { DEFAULT_GZIP_TYPES, DEFAULT_IMAGE } from './defaults';
import { headersOf } from './headers';
import { ResolvedMetrics, resolveMetrics } from './metrics/metrics';
import { checkBoolean, checkString, kib, mib, optionsObject, secondsInMs, wholeSeconds } from './prop-values';
import { AccessLogFormat, ReverseProxySidecarProps } from './sidecar-props';
import { ResolvedTls, checkTlsBesideMetrics, resolveTls } from './tls/tls-options';
import { ResolvedClientAddress, resolveClientAddress } from './access/client-address';
import { resolveClientTimeouts } from './access/client-timeouts';
import { ResolvedProxyProtocol, resolveProxyProtocol } from './access/proxy-protocol';
import { resolveClientLimits } from './access/client-limits';
import { AccessModel, ClientTimeoutsModel, Ipv6ListenModel, LimitsModel } from '../nginx/model';
import { resolveAccess } from './access/route-access';
import { resolveIpv6 } from './network/ipv6';

/** Props checked and reduced to plain numbers, once, at construction. */
export interface ResolvedProps {
  readonly port: number;
  readonly portName: string;
  readonly ipv6: Ipv6ListenModel;
  readonly appPort?: number;
  readonly containerName: string;
  readonly image: string;
  readonly env: { [name: string]: string };
  readonly cpuRequestMillicores: number;
  readonly cpuLimitMillicores: number;
  readonly memoryRequestMib: number;
  readonly memoryLimitMib: number;
  readonly workerConnections: number;
  readonly upstreamKeepalive: number;
  readonly clientMaxBodySizeKib: number;
  readonly gzip?: GzipModel;
  readonly cache: CacheZoneModel;
  readonly volumeSizeLimitMib: number;
  readonly headers: HeaderModel[];
  readonly accessLog: 'json' | 'text' | 'off';
  readonly trustForwardedProto: boolean;
  readonly clientAddress?: ResolvedClientAddress;
  /** Access rules of every route without its own. */
  readonly access?: AccessModel;
  /** The PROXY protocol listener (clientAddress.proxyProtocolPort). */
  readonly proxyProtocol?: ResolvedProxyProtocol;
  readonly clientTimeouts: ClientTimeoutsModel;
  readonly clientLimits?: LimitsModel;
  readonly drainSeconds: number;
  readonly keepAppDuringDrain: boolean;
  readonly nativeSidecar: boolean;
  readonly metrics?: ResolvedMetrics;
  /** The HTTPS listener; absent without `tls`. */
  readonly tls?: ResolvedTls;
}

/** Checks every prop and converts sizes and times. Throws a `ConfigError` naming the prop. */
export function resolveProps(props: ReverseProxySidecarProps): ResolvedProps {
  const port = checkPort('port', props.port ?? 8080);
  if (port < 1024) {
    // nginx runs as uid 101 with every capability dropped: below 1024 it binds only where the
    // runtime lowered net.ipv4.ip_unprivileged_port_start, which most do not.
    throw invalid('port', port, 'is below 1024, which nginx cannot bind as uid 101 without capabilities; '
      + 'listen on 1024 or above and give the Service the low port (retargetService(service, { port: 80 }))');
  }
  const portName = checkPortName('portName', props.portName ?? 'nginx-http');
  if (props.appPort !== undefined) {
    checkPort('appPort', props.appPort);
    if (props.appPort === port) {
      throw invalid('appPort', props.appPort, `is the sidecar's own port; nginx and the app cannot both listen on it`);
    }
  }
  const containerName = checkContainerName(props.containerName ?? 'nginx');
  const image = checkImage(props.image ?? DEFAULT_IMAGE);
  const env = checkEnv(props.env);
  const r = optionsObject('resources', props.resources);
  const cpuRequestMillicores = checkInt('resources.cpuRequestMillicores', r.cpuRequestMillicores ?? 50, 1, 1_000_000);
  const cpuLimitMillicores = checkInt('resources.cpuLimitMillicores', r.cpuLimitMillicores ?? 500, 1, 1_000_000);
  if (cpuRequestMillicores > cpuLimitMillicores) {
    throw invalid('resources.cpuRequestMillicores', cpuRequestMillicores, `is above resources.cpuLimitMillicores (${cpuLimitMillicores})`);
  }
  const memoryRequestMib = mib('resources.memoryRequest', r.memoryRequest ?? Size.mebibytes(32));
  const memoryLimitMib = mib('resources.memoryLimit', r.memoryLimit ?? Size.mebibytes(128));
  if (memoryRequestMib > memoryLimitMib) {
    throw invalid('resources.memoryRequest', `${memoryRequestMib}Mi`, `is above resources.memoryLimit (${memoryLimitMib}Mi)`);
  }
  const cache = resolveCache(props);
  // The keys zone is shared memory that nginx fills as keys arrive: it counts against the limit.
  if (cache.keysZoneKib > memoryLimitMib * 512) {
    throw invalid('cache.keys', props.cache?.keys, `needs a ${cache.keysZoneKib / 1024}Mi keys zone, over half of `
      + `resources.memoryLimit (${memoryLimitMib}Mi); raise the limit or keep fewer keys`);
  }
  const volumeSizeLimitMib = props.volumeSizeLimit
    ? mib('volumeSizeLimit', props.volumeSizeLimit)
    : Math.ceil(cache.maxSizeKib / 1024) + 32;
  if (volumeSizeLimitMib * 1024 <= cache.maxSizeKib) {
    throw invalid('volumeSizeLimit', `${volumeSizeLimitMib}Mi`,
      `must exceed cache.maxSize (${cache.maxSizeKib / 1024}Mi): the cache and temp files share the emptyDir`);
  }
  const headers = headersOf('responseHeaders', props.responseHeaders ?? { 'X-Content-Type-Options': 'nosniff' });
  const cacheStatus = headers.find((h) => h.name.toLowerCase() === 'x-cache-status');
  if (cacheStatus) {
    throw invalid('responseHeaders header name', cacheStatus.name,
      'is set by the sidecar on cached routes, where this would send it twice; set it on an uncached route\'s headers');
  }
  const tls = resolveTls(props.tls, { port, portName, appPort: props.appPort });
  const hsts = headers.find((h) => h.name.toLowerCase() === 'strict-transport-security');
  if (hsts && tls?.hstsMaxAgeSeconds !== undefined) {
    throw invalid('responseHeaders header name', hsts.name, 'is also sent by tls.hsts on HTTPS; nginx would send both: keep one');
  }
  const metrics = resolveMetrics(props.metrics, { port, portName, appPort: props.appPort, containerName, customConf: props.nginxConf !== undefined });
  checkTlsBesideMetrics(tls, metrics);
  const clientAddress = resolveClientAddress(props.clientAddress);
  const proxyProtocol = clientAddress && resolveProxyProtocol(clientAddress.proxyProtocolOptions,
    { port, portName, appPort: props.appPort, tls, metrics });
  const drainMs = props.drainDelay === undefined ? 5000 : 1000 * wholeSeconds('drainDelay', props.drainDelay, 0, 300, '0 to 300');
  return {
    port,
    portName,
    ipv6: resolveIpv6(props.ipv6, props.nginxConf !== undefined),
    appPort: props.appPort,
    containerName,
    image,
    env,
    cpuRequestMillicores,
    cpuLimitMillicores,
    memoryRequestMib,
    memoryLimitMib,
    workerConnections: checkInt('workerConnections', props.workerConnections ?? 4096, 16, 65535),
    upstreamKeepalive: checkInt('upstreamKeepalive', props.upstreamKeepalive ?? 64, 1, 1024),
    clientMaxBodySizeKib: kib('clientMaxBodySize', props.clientMaxBodySize ?? Size.mebibytes(1)),
    gzip: resolveGzip(props),
    cache,
    volumeSizeLimitMib,
    headers,
    accessLog: resolveAccessLog(props),
    trustForwardedProto: checkBoolean('trustForwardedProto', props.trustForwardedProto ?? false),
    clientAddress,
    proxyProtocol,
    access: resolveAccess('access', props.access),
    clientTimeouts: resolveClientTimeouts(props.clientTimeouts),
    clientLimits: resolveClientLimits('clientLimits', props.clientLimits),
    drainSeconds: drainMs / 1000,
    keepAppDuringDrain: checkBoolean('keepAppDuringDrain', props.keepAppDuringDrain ?? true),
    nativeSidecar: resolveNativeSidecar(props),
    metrics,
    tls,
  };
}

/** `nativeSidecar`, or the host's default; refused where the host's types cannot carry it. */
function resolveNativeSidecar(props: ReverseProxySidecarProps): boolean {
  const support = props.host.nativeSidecarSupport();
  const value: unknown = props.nativeSidecar;
  if (value === undefined) {
    return support.byDefault;
  }
  if (typeof value !== 'boolean') {
    throw invalid('nativeSidecar', value, 'must be true or false');
  }
  if (value && support.refusal) {
    throw invalid('nativeSidecar', value, support.refusal);
  }
  return value;
}

function resolveAccessLog(props: ReverseProxySidecarProps): 'json' | 'text' | 'off' {
  const format = props.accessLogFormat ?? AccessLogFormat.JSON;
  if (!Object.values(AccessLogFormat).includes(format)) {
    throw invalid('accessLogFormat', format, `must be one of ${Object.values(AccessLogFormat).map((f) => JSON.stringify(f)).join(', ')}`);
  }
  return checkBoolean('accessLog', props.accessLog ?? true) ? format : 'off';
}

function resolveGzip(props: ReverseProxySidecarProps): GzipModel | undefined {
  const g = optionsObject('gzip', props.gzip);
  if (!checkBoolean('gzip.enabled', g.enabled ?? true)) {
    return undefined;
  }
  const types = g.types ?? DEFAULT_GZIP_TYPES;
  if (!Array.isArray(types)) {
    throw invalid('gzip.types', types, 'must be a list of MIME types');
  }
  for (const t of types) {
    checkMimeType('gzip.types', t);
    if (t.startsWith('image/') && t !== 'image/svg+xml') {
      throw invalid('gzip.types', t, 'is an already-compressed image type; gzip only costs CPU for it');
    }
    if (t === 'text/html') {
      throw invalid('gzip.types', t, 'is always compressed by nginx; listing it makes nginx warn');
    }
    if (types.indexOf(t) !== types.lastIndexOf(t)) {
      throw invalid('gzip.types', t, 'is listed more than once; nginx warns about a duplicate MIME type');
    }
  }
  return {
    level: checkInt('gzip.level', g.level ?? 5, 1, 9),
    minLengthBytes: (g.minLength ? kib('gzip.minLength', g.minLength) : 1) * 1024,
    types: [...types],
  };
}

function resolveCache(props: ReverseProxySidecarProps): CacheZoneModel {
  const c = optionsObject('cache', props.cache);
  const keys = checkInt('cache.keys', c.keys ?? 8000, 1, 80_000_000);
  const inactiveMs = secondsInMs('cache.inactive', c.inactive ?? Duration.minutes(10), 'proxy_cache_path inactive=');
  const privateCookies = c.privateCookies ?? [];
  if (!Array.isArray(privateCookies)) {
    throw invalid('cache.privateCookies', privateCookies, 'must be a list of cookie names');
  }
  return {
    // nginx keeps about 8,000 keys per MiB of zone.
    keysZoneKib: Math.ceil(keys / 8000) * 1024,
    maxSizeKib: kib('cache.maxSize', c.maxSize ?? Size.mebibytes(64)),
    inactiveMs,
    privateCookies: privateCookies.map((n) => checkCookieName('cache.privateCookies', checkString('cache.privateCookies', n))),
  };
}
