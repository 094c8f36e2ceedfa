import { Duration, Size } from 'cdk8s';
import { invalid } from '../../errors';
import { AccessModel, DirectiveModel, HeaderModel, LimitsModel, ProxyRouteModel, REQUEST_HEADER_VARIABLES } from '../../nginx/model';
import { ClientLimitsOptions, resolveClientLimits } from '../access/client-limits';
import { resolveAccess } from '../access/route-access';
import { checkPath, checkPort } from '../../nginx/tokens';
import { headersOf } from '../headers';
import { checkBoolean, kib, milliseconds, optionsObject, secondsInMs } from '../prop-values';
import { RouteBaseOptions, directiveModels } from './route-options';
import { RouteBinding, RouteKind, RouteSpec } from './route-spec';

/** Caching of a proxied route. Responses are cached only when a route asks for it. */
export interface RouteCacheOptions {
  /**
   * How long a 200 or 301 stays fresh when the upstream says nothing (or is ignored).
   * Other statuses are never stored.
   * @default Duration.minutes(10)
   */
  readonly validFor?: Duration;
  /**
   * Ignore the upstream's `Cache-Control` and `Expires`, e.g. for UI assets an app marks `no-store`.
   * An explicit choice per route: never do this for API routes.
   * @default false
   */
  readonly ignoreUpstreamCacheHeaders?: boolean;
}

/** Options of `Route.proxy`. */
export interface ProxyRouteOptions extends RouteBaseOptions {
  /**
   * Remove the route's path before passing the request on: `/api/x` reaches the app as `/x`.
   * @default false
   */
  readonly stripPrefix?: boolean;
  /**
   * Cache responses of this route in the sidecar.
   * @default - not cached
   */
  readonly cache?: RouteCacheOptions;
  /**
   * Replace the app's own 5xx responses with the sidecar's error page.
   * @default false - only errors nginx makes itself (app down, timeout) get the error page
   */
  readonly interceptErrors?: boolean;
  /**
   * How long to wait for a connection to the app.
   * @default Duration.seconds(5)
   */
  readonly connectTimeout?: Duration;
  /**
   * How long the app may stay silent while answering.
   * @default Duration.seconds(60)
   */
  readonly readTimeout?: Duration;
  /**
   * How long the app may take to accept the request body.
   * @default Duration.seconds(60)
   */
  readonly sendTimeout?: Duration;
  /**
   * How long an upgraded (WebSocket) connection may pass no data either way before nginx closes it.
   * Only upgraded connections get it; ordinary requests keep `readTimeout`.
   * @default Duration.hours(1)
   */
  readonly webSocketIdleTimeout?: Duration;
  /**
   * Headers sent to the app. One with the name of a header the sidecar sends (Host, X-Real-IP,
   * X-Forwarded-For/-Proto/-Host/-Port/-Prefix, any case) replaces it; an empty value sends none,
   * not even the client's. A value is literal, or exactly one of `$remote_addr`, `$scheme`, `$host`,
   * `$http_host` (e.g. `'X-Forwarded-For': '$remote_addr'` drops the chain a client sent).
   * @default - the sidecar's own only
   */
  readonly requestHeaders?: { [name: string]: string };
  /**
   * Largest request body this route accepts (413 above it).
   * @default - the sidecar's `clientMaxBodySize`
   */
  readonly maxBodySize?: Size;
  /**
   * Buffer the app's responses. `false` passes each chunk to the client as the app writes it (token
   * streams, log tails; compressed ones too), holding the app until a slow client has read it all.
   * Apps can also ask per response with `X-Accel-Buffering: no`. Caching needs buffering.
   * @default true
   */
  readonly buffering?: boolean;
  /**
   * Proxy to this port of another container of the pod on 127.0.0.1 instead of the app's, e.g. an
   * auth service's sign-in pages (oauth2-proxy's `/oauth2/` on 4180). No keepalive pool, no cache.
   * @default - the app's port (appPort)
   */
  readonly port?: number;
  /**
   * This route's own per-client limits (e.g. a tight one on a login route), counted apart from the
   * sidecar-wide `clientLimits`, which the route then does not apply.
   * @default - the sidecar's clientLimits
   */
  readonly limits?: ClientLimitsOptions;
}

/** The defaults of a proxy route, beside the code that applies them. */
const DEFAULTS = {
  connectTimeout: Duration.seconds(5),
  readTimeout: Duration.seconds(60),
  sendTimeout: Duration.seconds(60),
  webSocketIdleTimeout: Duration.hours(1),
  cacheValidFor: Duration.minutes(10),
};

/** What a proxy route renders itself, and the option to use instead. */
const RENDERED: Record<string, string> = {
  proxy_pass: 'is rendered by the route: it proxies to 127.0.0.1:<appPort> (set appPort; stripPrefix for the path)',
  proxy_http_version: 'is rendered by the route: HTTP/1.1 with keepalive to the app',
  proxy_connect_timeout: 'is rendered by the route; use connectTimeout',
  proxy_read_timeout: 'is rendered by the route; use readTimeout',
  proxy_send_timeout: 'is rendered by the route; use sendTimeout',
  proxy_intercept_errors: 'is rendered by the route; use interceptErrors',
  proxy_cache: 'is rendered by the route; use cache', proxy_cache_key: 'is rendered by the route; use cache',
  proxy_cache_valid: 'is rendered by the route; use cache.validFor', proxy_cache_methods: 'is rendered by the route; use cache',
  proxy_no_cache: 'is rendered by the route: requests with Authorization or cache.privateCookies are never stored',
  proxy_cache_bypass: 'is rendered by the route: requests with Authorization or cache.privateCookies bypass the cache',
  proxy_ignore_headers: 'is rendered by the route; use cache.ignoreUpstreamCacheHeaders',
  proxy_cache_use_stale: 'is rendered by the route; use cache', proxy_cache_lock: 'is rendered by the route; use cache',
  proxy_cache_background_update: 'is rendered by the route; use cache', proxy_cache_revalidate: 'is rendered by the route; use cache',
  proxy_force_ranges: 'is rendered by the route; use cache',
  proxy_set_header: 'is refused in a proxy route: a header the sidecar sets too (Host, X-Forwarded-For, ...) would reach the app '
    + 'twice; use the requestHeaders option, which replaces the sidecar\'s',
  proxy_buffering: 'is rendered by the route; use buffering',
  proxy_redirect: 'is rendered by the route: redirects to the app\'s own address or outside a stripped prefix are rewritten',
  client_max_body_size: 'use the route\'s maxBodySize (or clientMaxBodySize for every route)',
};

/** A route proxied to the app on 127.0.0.1. */
export class ProxyRouteSpec implements RouteSpec {
  public readonly kind = RouteKind.PROXY;
  public readonly exact = false;
  public readonly factory = 'proxy';
  public readonly headers: HeaderModel[];
  private readonly directives: DirectiveModel[];
  private readonly requestHeaders: HeaderModel[];
  private readonly maxBodySizeKib?: number;
  private readonly limits?: LimitsModel;
  private readonly access?: AccessModel;
  private readonly options: ProxyRouteOptions;
  private readonly ms: { connect: number; read: number; send: number; upgradeIdle: number; cacheValid?: number };

  constructor(public readonly path: string, options: ProxyRouteOptions | undefined) {
    const field = `Route.proxy(${JSON.stringify(path)})`;
    checkPath(`${field} path`, path);
    this.options = options = optionsObject(`${field} options`, options);
    const cache = options.cache === undefined ? undefined : optionsObject(`${field} cache`, options.cache);
    this.ms = {
      connect: milliseconds(`${field} connectTimeout`, options.connectTimeout ?? DEFAULTS.connectTimeout),
      read: milliseconds(`${field} readTimeout`, options.readTimeout ?? DEFAULTS.readTimeout),
      send: milliseconds(`${field} sendTimeout`, options.sendTimeout ?? DEFAULTS.sendTimeout),
      upgradeIdle: milliseconds(`${field} webSocketIdleTimeout`, options.webSocketIdleTimeout ?? DEFAULTS.webSocketIdleTimeout),
      cacheValid: cache && secondsInMs(`${field} cache.validFor`, cache.validFor ?? DEFAULTS.cacheValidFor, 'proxy_cache_valid'),
    };
    for (const name of ['stripPrefix', 'interceptErrors'] as const) {
      checkBoolean(`${field} ${name}`, options[name] ?? false);
    }
    checkBoolean(`${field} buffering`, options.buffering ?? true);
    checkBoolean(`${field} cache.ignoreUpstreamCacheHeaders`, cache?.ignoreUpstreamCacheHeaders ?? false);
    if (options.stripPrefix && !path.endsWith('/')) {
      throw invalid(`${field} path`, path, 'must end with "/" when stripPrefix is set (else "/apix" would reach the app as "/x")');
    }
    this.headers = headersOf(field, options.headers);
    const cacheStatus = this.headers.find((h) => h.name.toLowerCase() === 'x-cache-status');
    if (options.cache && cacheStatus) {
      throw invalid(`${field} header name`, cacheStatus.name, 'is set by the sidecar on cached routes');
    }
    this.directives = directiveModels(field, options, RENDERED);
    this.requestHeaders = headersOf(`${field} requestHeaders`, options.requestHeaders, { variables: REQUEST_HEADER_VARIABLES });
    if (options.buffering === false && options.cache) {
      throw invalid(`${field} buffering`, false, 'turns proxy_buffering off, and nginx caches only buffered responses; '
        + 'drop cache or keep buffering');
    }
    if (options.maxBodySize !== undefined) {
      this.maxBodySizeKib = kib(`${field} maxBodySize`, options.maxBodySize);
    }
    this.limits = resolveClientLimits(`${field} limits`, options.limits);
    this.access = resolveAccess(`${field} access`, options.access);
    if (options.port !== undefined) {
      checkPort(`${field} port`, options.port);
      if (options.cache) {
        throw invalid(`${field} cache`, options.cache, 'is for routes to the app: a route with its own port is not cached');
      }
    }
  }

  public renderOnlyOptions(): string[] {
    // A proxy route is nothing but rendered nginx.conf.
    return ['the route itself'];
  }

  public toModel(binding: RouteBinding): ProxyRouteModel {
    if (this.options.port === undefined) {
      binding.useApp();
    }
    const o = this.options;
    return {
      kind: 'proxy',
      path: this.path,
      headers: this.headers,
      directives: this.directives,
      stripPrefix: o.stripPrefix ?? false,
      connectTimeoutMs: this.ms.connect,
      readTimeoutMs: this.ms.read,
      sendTimeoutMs: this.ms.send,
      interceptErrors: o.interceptErrors ?? false,
      requestHeaders: this.requestHeaders,
      maxBodySizeKib: this.maxBodySizeKib,
      buffering: o.buffering ?? true,
      upgradeIdleTimeoutMs: this.ms.upgradeIdle,
      limits: this.limits,
      access: this.access,
      port: o.port,
      cache: o.cache ? {
        validMs: this.ms.cacheValid!,
        ignoreUpstreamCacheHeaders: o.cache.ignoreUpstreamCacheHeaders ?? false,
      } : undefined,
    };
  }
}
