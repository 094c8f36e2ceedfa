/** Shared model builders and output readers for the renderNginxConf tests (test/nginx/render-*.test.ts). */
import {
  CacheZoneModel, FileRouteModel, GzipModel, NginxConfModel, ProxyRouteModel, StaticRouteModel,
} from '../../lib/nginx/model';

const VAR_DIR = '/var/cache/nginx';

export function proxyRoute(over: Partial<ProxyRouteModel> = {}): ProxyRouteModel {
  return {
    kind: 'proxy',
    path: '/',
    stripPrefix: false,
    connectTimeoutMs: 5000,
    readTimeoutMs: 60000,
    sendTimeoutMs: 60000,
    interceptErrors: false,
    headers: [],
    directives: [],
    requestHeaders: [],
    buffering: true,
    upgradeIdleTimeoutMs: 3600000,
    ...over,
  };
}

export function staticRoute(over: Partial<StaticRouteModel> = {}): StaticRouteModel {
  return {
    kind: 'static',
    path: '/docs/',
    root: '/srv/static',
    index: 'index.html',
    spaFallback: false,
    headers: [],
    directives: [],
    ...over,
  };
}

export function fileRoute(over: Partial<FileRouteModel> = {}): FileRouteModel {
  return { kind: 'file', path: '/robots.txt', root: '/srv/files', headers: [], directives: [], ...over };
}

export const CACHE: CacheZoneModel = { keysZoneKib: 1024, maxSizeKib: 65536, inactiveMs: 600000, privateCookies: [] };

export const GZIP: GzipModel = {
  level: 5,
  minLengthBytes: 1024,
  types: ['text/css', 'application/javascript', 'application/json', 'image/svg+xml'],
};

/** A minimal valid model: one proxy route at `/`, no cache, no gzip, no headers. */
export function baseModel(over: Partial<NginxConfModel> = {}): NginxConfModel {
  return {
    listenPort: 8080,
    ipv6: { mode: 'off', dir: `${VAR_DIR}/listen-ipv6` },
    workerProcesses: 2,
    workerConnections: 1024,
    workerRlimitNofile: 2048,
    layout: { varDir: VAR_DIR, errorPage: '/etc/nginx/sidecar/50x.html', mimeTypes: '/etc/nginx/mime.types' },
    upstreamPort: 5000,
    upstreamKeepalive: 16,
    clientMaxBodySizeKib: 1024,
    headers: [],
    accessLog: 'off',
    trustForwardedProto: false,
    clientTimeouts: { headerMs: 10000, bodyMs: 60000, sendMs: 60000, keepaliveMs: 65000 },
    routes: [proxyRoute()],
    httpDirectives: [],
    serverDirectives: [],
    ...over,
  };
}

/** A model that uses every option, for checks that must hold whatever is configured. */
export function fullModel(): NginxConfModel {
  return baseModel({
    gzip: GZIP,
    cache: { ...CACHE, privateCookies: ['session'] },
    headers: [{ name: 'X-Content-Type-Options', value: 'nosniff' }],
    accessLog: 'json',
    trustForwardedProto: true,
    routes: [
      proxyRoute({ path: '/api/', stripPrefix: true, interceptErrors: true, cache: { validMs: 60000, ignoreUpstreamCacheHeaders: true },
        maxBodySizeKib: 10240, requestHeaders: [{ name: 'X-Forwarded-For', value: '$remote_addr' }, { name: 'X-Tenant', value: 'a b' }] }),
      proxyRoute({ path: '/', buffering: false, upgradeIdleTimeoutMs: 600000 }),
      staticRoute({ spaFallback: true }),
      fileRoute(),
    ],
    httpDirectives: [{ name: 'map_hash_bucket_size', args: ['128'] }],
    serverDirectives: [{ name: 'add_header', args: ['X-Server', 'a;b {c}', 'always'] }],
  });
}

/** Every line of the output, trimmed. */
export function lines(conf: string): string[] {
  return conf.split('\n').map((l) => l.trim());
}

export interface Block {
  /** Every non-empty line inside the block (nested blocks included), trimmed. */
  readonly all: string[];
  /** The non-empty lines directly inside the block: nested blocks' heads, bodies and ends left out. */
  readonly direct: string[];
}

/** The body of the one block whose head line is exactly `head {`; fails when there is none or several. */
export function block(conf: string, head: string): Block {
  const raw = conf.split('\n');
  const starts = raw.map((l, i) => (l.trim() === `${head} {` ? i : -1)).filter((i) => i >= 0);
  if (starts.length !== 1) {
    throw new Error(`expected one block "${head} {", found ${starts.length} in:\n${conf}`);
  }
  const start = starts[0];
  const indent = raw[start].length - raw[start].trimStart().length;
  const all: string[] = [];
  const direct: string[] = [];
  for (let i = start + 1; i < raw.length; i++) {
    if (raw[i] === `${' '.repeat(indent)}}`) {
      return { all, direct };
    }
    const text = raw[i].trim();
    if (text === '') {
      continue;
    }
    all.push(text);
    const depth = raw[i].length - raw[i].trimStart().length;
    if (depth === indent + 2 && !text.endsWith('{') && text !== '}') {
      direct.push(text);
    }
  }
  throw new Error(`block "${head} {" is not closed`);
}

/** How many lines, trimmed, are exactly `line`. */
export function count(conf: string, line: string): number {
  return lines(conf).filter((l) => l === line).length;
}

/** The request headers the sidecar sets on every proxied request, in the order it writes them. */
export const SIDECAR_HEADERS = [
  'proxy_set_header Host $sidecar_host;',
  'proxy_set_header X-Real-IP $remote_addr;',
  'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  'proxy_set_header X-Forwarded-Proto $scheme;',
  'proxy_set_header X-Forwarded-Host $sidecar_host;',
  'proxy_set_header X-Forwarded-Port $sidecar_forwarded_port;',
  'proxy_set_header X-Request-ID $sidecar_request_id;',
];
