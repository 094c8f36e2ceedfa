import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { invalid } from '../errors';
import { CacheZoneModel, GzipModel, HeaderModel } from '../nginx/model';
import { checkCookieName, checkInt, checkMimeType, checkPort } from '../nginx/tokens';
import { DEFAULT_GZIP_TYPES, DEFAULT_IMAGE } from './defaults';
import { headersOf } from './headers';
import { AccessLogFormat, ReverseProxySidecarProps } from './sidecar-props';

/** Props checked and reduced to plain numbers, once, at construction. */
export interface ResolvedProps {
  readonly port: number;
  readonly portName: string;
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
  readonly drainSeconds: number;
  readonly keepAppDuringDrain: boolean;
}

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** An image reference as container runtimes parse it (distribution/reference): [registry/]lower-case path[:tag][@digest]. */
const IMAGE = new RegExp('^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?'
  + '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*'
  + '(?::\\w[\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$');

/** Checks every prop and converts sizes and times. Throws a `ConfigError` naming the prop. */
export function resolveProps(props: ReverseProxySidecarProps): ResolvedProps {
  const port = checkPort('port', props.port ?? 8080);
  const portName = props.portName ?? 'nginx-http';
  if (portName.length > 15 || !PORT_NAME.test(portName) || portName.includes('--')) {
    throw invalid('portName', portName, 'must be an IANA service name: at most 15 lower-case letters, digits and "-", with a letter');
  }
  if (props.appPort !== undefined) {
    checkPort('appPort', props.appPort);
    if (props.appPort === port) {
      throw invalid('appPort', props.appPort, `is the sidecar's own port; nginx and the app cannot both listen on it`);
    }
  }
  const containerName = props.containerName ?? 'nginx';
  if (containerName.length > 40 || !DNS_LABEL.test(containerName)) {
    throw invalid('containerName', containerName, 'must be a DNS label of at most 40 characters (lower-case letters, digits, "-")');
  }
  const image = props.image ?? DEFAULT_IMAGE;
  if (!IMAGE.test(image)) {
    throw invalid('image', image, 'is not an image reference');
  }
  const env = props.env ?? {};
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw invalid('env name', name, 'is not a valid environment variable name');
    }
    if (typeof value !== 'string') {
      throw invalid(`env ${JSON.stringify(name)}`, value, 'must be a string');
    }
  }
  const r = props.resources ?? {};
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
  const drain = props.drainDelay ?? Duration.seconds(5);
  const drainSeconds = drain.toSeconds({ integral: false });
  if (!Number.isInteger(drainSeconds) || drainSeconds < 0 || drainSeconds > 300) {
    throw invalid('drainDelay', drain.toHumanString(), 'must be whole seconds from 0 to 300');
  }
  return {
    port,
    portName,
    appPort: props.appPort,
    containerName,
    image,
    env,
    cpuRequestMillicores,
    cpuLimitMillicores,
    memoryRequestMib,
    memoryLimitMib,
    workerConnections: checkInt('workerConnections', props.workerConnections ?? 4096, 16, 65535),
    upstreamKeepalive: checkInt('upstreamKeepalive', props.upstreamKeepalive ?? 16, 1, 1024),
    clientMaxBodySizeKib: kib('clientMaxBodySize', props.clientMaxBodySize ?? Size.mebibytes(1)),
    gzip: resolveGzip(props),
    cache,
    volumeSizeLimitMib,
    headers: headersOf('responseHeaders', props.responseHeaders ?? { 'X-Content-Type-Options': 'nosniff' }),
    accessLog: resolveAccessLog(props),
    trustForwardedProto: props.trustForwardedProto ?? false,
    drainSeconds,
    keepAppDuringDrain: props.keepAppDuringDrain ?? true,
  };
}

function resolveAccessLog(props: ReverseProxySidecarProps): 'json' | 'text' | 'off' {
  const format = props.accessLogFormat ?? AccessLogFormat.JSON;
  if (!Object.values(AccessLogFormat).includes(format)) {
    throw invalid('accessLogFormat', format, `must be one of ${Object.values(AccessLogFormat).map((f) => JSON.stringify(f)).join(', ')}`);
  }
  return props.accessLog === false ? 'off' : format;
}

function resolveGzip(props: ReverseProxySidecarProps): GzipModel | undefined {
  const g = props.gzip ?? {};
  if (g.enabled === false) {
    return undefined;
  }
  const types = g.types ?? DEFAULT_GZIP_TYPES;
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
  const c = props.cache ?? {};
  const keys = checkInt('cache.keys', c.keys ?? 8000, 1, 80_000_000);
  const inactive = c.inactive ?? Duration.minutes(10);
  const inactiveMs = inactive.toMilliseconds({ integral: false });
  if (!Number.isInteger(inactiveMs) || inactiveMs < 1000) {
    throw invalid('cache.inactive', inactive.toHumanString(), 'must be at least 1 second, in whole milliseconds');
  }
  return {
    // nginx keeps about 8,000 keys per MiB of zone.
    keysZoneKib: Math.ceil(keys / 8000) * 1024,
    maxSizeKib: kib('cache.maxSize', c.maxSize ?? Size.mebibytes(64)),
    inactiveMs,
    privateCookies: (c.privateCookies ?? []).map((n) => checkCookieName('cache.privateCookies', n)),
  };
}

function kib(field: string, size: Size): number {
  const v = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(v) || v < 1) {
    throw invalid(field, size.asString(), 'must be a whole number of KiB, at least 1Ki');
  }
  return v;
}

function mib(field: string, size: Size): number {
  const v = kib(field, size);
  if (v % 1024 !== 0) {
    throw invalid(field, size.asString(), 'must be a whole number of MiB');
  }
  return v / 1024;
}
