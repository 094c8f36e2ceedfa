import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { invalid } from '../../errors';
import { HeaderModel, ProxyRouteModel, REQUEST_HEADER_VARIABLES } from '../../nginx/model';
import { checkPath } from '../../nginx/tokens';
import { headersOf, hasHeader } from '../headers';
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
}

/** The defaults of a proxy route, beside the code that applies them. */
const DEFAULTS = {
  connectTimeout: Duration.seconds(5),
  readTimeout: Duration.seconds(60),
  sendTimeout: Duration.seconds(60),
  webSocketIdleTimeout: Duration.hours(1),
  cacheValidFor: Duration.minutes(10),
};

/** A route proxied to the app on 127.0.0.1. */
export class ProxyRouteSpec implements RouteSpec {
  public readonly kind = RouteKind.PROXY;
  public readonly exact = false;
  public readonly factory = 'proxy';
  private readonly headers: HeaderModel[];
  private readonly requestHeaders: HeaderModel[];
  private readonly maxBodySizeKib?: number;

  constructor(public readonly path: string, private readonly options: ProxyRouteOptions) {
    const field = `Route.proxy(${JSON.stringify(path)})`;
    checkPath(`${field} path`, path);
    for (const [name, d] of [['connectTimeout', options.connectTimeout], ['readTimeout', options.readTimeout],
      ['sendTimeout', options.sendTimeout], ['webSocketIdleTimeout', options.webSocketIdleTimeout],
      ['cache.validFor', options.cache?.validFor]] as const) {
      // integral: false, so a fractional value gets this message rather than cdk8s' own, which names no field.
      const ms = d?.toMilliseconds({ integral: false });
      if (d !== undefined && (ms! < 1 || !Number.isInteger(ms))) {
        throw invalid(`${field} ${name}`, d.toHumanString(), 'must be a whole number of milliseconds, at least 1ms');
      }
    }
    if (options.stripPrefix && !path.endsWith('/')) {
      throw invalid(`${field} path`, path, 'must end with "/" when stripPrefix is set (else "/apix" would reach the app as "/x")');
    }
    this.headers = headersOf(field, options.headers);
    if (options.cache && hasHeader(this.headers, 'x-cache-status')) {
      const name = this.headers.find((h) => h.name.toLowerCase() === 'x-cache-status')!.name;
      throw invalid(`${field} header name`, name, 'is set by the sidecar on cached routes');
    }
    this.requestHeaders = headersOf(`${field} requestHeaders`, options.requestHeaders, REQUEST_HEADER_VARIABLES);
    const setHeader = (options.directives ?? []).find((d) => d.name === 'proxy_set_header');
    if (setHeader) {
      throw invalid(`${field} directive`, setHeader.name, 'is refused in a proxy route: a header the sidecar sets too '
        + '(Host, X-Forwarded-For, ...) would reach the app twice; use the requestHeaders option, which replaces the sidecar\'s');
    }
    if (options.buffering === false && options.cache) {
      throw invalid(`${field} buffering`, false, 'turns proxy_buffering off, and nginx caches only buffered responses; '
        + 'drop cache or keep buffering');
    }
    if (options.maxBodySize !== undefined) {
      const kib = options.maxBodySize.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!Number.isInteger(kib) || kib < 1) {
        throw invalid(`${field} maxBodySize`, options.maxBodySize.asString(), 'must be a whole number of KiB, at least 1Ki');
      }
      this.maxBodySizeKib = kib;
    }
  }

  public toModel(binding: RouteBinding): ProxyRouteModel {
    binding.useApp();
    const o = this.options;
    return {
      kind: 'proxy',
      path: this.path,
      headers: this.headers,
      directives: directiveModels(o),
      stripPrefix: o.stripPrefix ?? false,
      connectTimeoutMs: (o.connectTimeout ?? DEFAULTS.connectTimeout).toMilliseconds(),
      readTimeoutMs: (o.readTimeout ?? DEFAULTS.readTimeout).toMilliseconds(),
      sendTimeoutMs: (o.sendTimeout ?? DEFAULTS.sendTimeout).toMilliseconds(),
      interceptErrors: o.interceptErrors ?? false,
      requestHeaders: this.requestHeaders,
      maxBodySizeKib: this.maxBodySizeKib,
      buffering: o.buffering ?? true,
      upgradeIdleTimeoutMs: (o.webSocketIdleTimeout ?? DEFAULTS.webSocketIdleTimeout).toMilliseconds(),
      cache: o.cache ? {
        validMs: (o.cache.validFor ?? DEFAULTS.cacheValidFor).toMilliseconds(),
        ignoreUpstreamCacheHeaders: o.cache.ignoreUpstreamCacheHeaders ?? false,
      } : undefined,
    };
  }
}
