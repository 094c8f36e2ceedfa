/**
 * The plain-data model of the nginx.conf the sidecar renders. No cdk8s types: sizes are KiB,
 * times are milliseconds, so the renderer stays a pure function that tests can drive directly.
 * Every string in here has already been checked by the functions in `tokens.ts`.
 */

/** One extra directive from an escape hatch: a checked name and checked arguments. */
export interface DirectiveModel {
  readonly name: string;
  readonly args: string[];
}

/** An HTTP response header added to every response of a location (`always`). */
export interface HeaderModel {
  readonly name: string;
  readonly value: string;
}

/** Where the pod's writable emptyDir and read-only ConfigMaps are mounted. */
export interface LayoutModel {
  /** Directory of the writable emptyDir: pid file, temp paths and cache live below it. */
  readonly varDir: string;
  /** The sidecar's error page file. */
  readonly errorPage: string;
  /** `mime.types` shipped by the image. */
  readonly mimeTypes: string;
}

/**
 * Listening on IPv6 besides IPv4: `always` (`listen [::]:<port>` rendered), `where-available`
 * (included from `<dir>/<port>/*.conf`, which the container's start writes only where the pod has
 * IPv6) or `off`.
 */
export interface Ipv6ListenModel {
  readonly mode: 'always' | 'where-available' | 'off';
  readonly dir: string;
}

export interface GzipModel {
  readonly level: number;
  readonly minLengthBytes: number;
  /** MIME types besides text/html (which nginx always compresses). */
  readonly types: string[];
}

export interface CacheZoneModel {
  readonly keysZoneKib: number;
  readonly maxSizeKib: number;
  readonly inactiveMs: number;
  /** Cookies that mark a request as private: never stored, never served from cache. */
  readonly privateCookies: string[];
}

export interface RouteCacheModel {
  readonly validMs: number;
  /** Ignore the upstream's Cache-Control/Expires (AlertManager's UI sends no-store). */
  readonly ignoreUpstreamCacheHeaders: boolean;
}

/** How long slow and idle clients may hold a connection, in milliseconds. */
export interface ClientTimeoutsModel {
  readonly headerMs: number;
  readonly bodyMs: number;
  readonly sendMs: number;
  readonly keepaliveMs: number;
}

/** Per-client limits, counted by `$binary_remote_addr`. */
export interface LimitsModel {
  /** `count` requests per second (`s`) or minute (`m`), `burst` more at once. */
  readonly rate?: { readonly count: number; readonly unit: 's' | 'm'; readonly burst: number };
  /** Requests in progress at once per client. */
  readonly connections?: number;
}

export interface ProxyRouteModel {
  readonly kind: 'proxy';
  readonly path: string;
  readonly stripPrefix: boolean;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly sendTimeoutMs: number;
  /** Replace the app's own 5xx bodies with the sidecar's error page. */
  readonly interceptErrors: boolean;
  readonly cache?: RouteCacheModel;
  readonly headers: HeaderModel[];
  readonly directives: DirectiveModel[];
  /**
   * Headers sent to the app, each replacing the sidecar's own of the same name (any case); an empty
   * value sends none. A value is literal, or one of `REQUEST_HEADER_VARIABLES` as the whole value.
   */
  readonly requestHeaders: HeaderModel[];
  /** The route's own request body limit; absent: the sidecar's. */
  readonly maxBodySizeKib?: number;
  /** false: `proxy_buffering off`, the app's response passes as it comes (never with cache). */
  readonly buffering: boolean;
  /** Read and send timeout of upgraded (WebSocket) connections. */
  readonly upgradeIdleTimeoutMs: number;
  /** The route's own limits, counted apart from the sidecar-wide ones. */
  readonly limits?: LimitsModel;
  /** The route's own access rules, instead of the sidecar-wide ones. */
  readonly access?: AccessModel;
  /** Another container's port on 127.0.0.1 instead of the app's upstream (never cached). */
  readonly port?: number;
}

/** CORS of a route: which origins, and what a preflight allows. */
export interface CorsModel {
  /** `Access-Control-Allow-Origin: *` for every request (never with credentials). */
  readonly anyOrigin: boolean;
  readonly exactOrigins: string[];
  /** Regexes (nginx's PCRE) of origin patterns, anchored. */
  readonly originPatterns: string[];
  readonly methods: string[];
  readonly headers: string[];
  readonly exposeHeaders: string[];
  readonly credentials: boolean;
  readonly maxAgeSeconds: number;
}

/** An auth service in the pod asked before each request (`auth_request`). */
export interface ExternalAuthModel {
  /** 127.0.0.1, or a name nginx resolves when it starts (a Service's). */
  readonly host: string;
  readonly port: number;
  /** The check endpoint's path. */
  readonly path: string;
  /** Where a 401 sends the browser, `rd` appended. */
  readonly signInUrl?: string;
  /** Headers of its 2xx answer passed on to the app. */
  readonly responseHeaders: string[];
  readonly timeoutMs: number;
}

/** Who may reach a route: addresses, basic auth, CORS (see render-access.ts for the order). */
export interface AccessModel {
  /** Addresses and ranges allowed; others get 403. */
  readonly allowFrom?: string[];
  readonly basicAuth?: {
    readonly secretName: string;
    readonly key: string;
    readonly realm: string;
    /** The htpasswd file, as the container sees it (a Secret volume). */
    readonly userFile: string;
  };
  readonly externalAuth?: ExternalAuthModel;
  readonly cors?: CorsModel;
}

export interface StaticRouteModel {
  readonly kind: 'static';
  readonly path: string;
  /** Directory whose files sit below it at their URI paths. */
  readonly root: string;
  readonly index: string;
  /** Serve `index` for unknown paths (single-page apps) instead of 404. */
  readonly spaFallback: boolean;
  readonly headers: HeaderModel[];
  readonly directives: DirectiveModel[];
  /** The route's own access rules, instead of the sidecar-wide ones. */
  readonly access?: AccessModel;
}

export interface FileRouteModel {
  readonly kind: 'file';
  /** The exact URI; the file sits at the same path below `root`. */
  readonly path: string;
  readonly root: string;
  readonly headers: HeaderModel[];
  readonly directives: DirectiveModel[];
  /** The route's own access rules, instead of the sidecar-wide ones. */
  readonly access?: AccessModel;
}

export type RouteModel = ProxyRouteModel | StaticRouteModel | FileRouteModel;

/** The HTTPS listener: a second server with the same routes, its certificate from a mounted Secret. */
export interface TlsModel {
  readonly listenPort: number;
  /** The certificate chain and its key, as the container sees them (a Secret volume, never a ConfigMap). */
  readonly certificate: string;
  readonly key: string;
  /** Answer the plain port with a redirect to https on this port (443: no port in the URL); the health endpoint stays. */
  readonly redirectPort?: number;
  /** `Strict-Transport-Security: max-age=<this>` on every HTTPS response. */
  readonly hstsMaxAgeSeconds?: number;
  /** HTTP/2 streams (requests in progress) per client connection. */
  readonly http2MaxConcurrentStreams: number;
}

export interface NginxConfModel {
  readonly listenPort: number;
  /** Whether the public listeners (plain and HTTPS; not the status one) listen on `[::]` too. */
  readonly ipv6: Ipv6ListenModel;
  readonly workerProcesses: number;
  readonly workerConnections: number;
  /** Open files each worker may hold: a proxied request holds two sockets, plus temp and cache files. */
  readonly workerRlimitNofile: number;
  readonly layout: LayoutModel;
  /** The app's port on 127.0.0.1; absent when no route proxies. */
  readonly upstreamPort?: number;
  readonly upstreamKeepalive: number;
  readonly clientMaxBodySizeKib: number;
  readonly gzip?: GzipModel;
  readonly cache?: CacheZoneModel;
  /** Headers added in every location (nginx drops outer add_header when a location has its own). */
  readonly headers: HeaderModel[];
  /** `json` (the default format), `text` (the combined format the sidecar used before), or `off`. */
  readonly accessLog: 'json' | 'text' | 'off';
  /** Pass on the client's X-Forwarded-Proto (behind a TLS-terminating proxy you trust) instead of $scheme. */
  readonly trustForwardedProto: boolean;
  /** Slow and idle clients: the request header, body pauses, answer pauses, idle keep-alive. */
  readonly clientTimeouts: ClientTimeoutsModel;
  /** Per-client limits on every route without its own. */
  readonly limits?: LimitsModel;
  /** Access rules of every route without its own. */
  readonly access?: AccessModel;
  /** Believe `X-Forwarded-For` from these addresses and ranges (recursively) for the client's address. */
  readonly trustedProxies?: string[];
  /**
   * A listener of its own whose connections start with a PROXY protocol header, believed from
   * `trustedProxies`: a third server, HTTPS with `tls`, plain otherwise.
   */
  readonly proxyProtocolPort?: number;
  readonly routes: RouteModel[];
  readonly httpDirectives: DirectiveModel[];
  readonly serverDirectives: DirectiveModel[];
  /** The port of the `stub_status` listener on 127.0.0.1; absent: no status listener. */
  readonly statusPort?: number;
  /** An HTTPS listener besides the plain one. */
  readonly tls?: TlsModel;
}

/** Fixed names and paths of the sidecar's own endpoints. */
export const SIDECAR_ENDPOINTS = {
  health: '/_sidecar/healthz',
  errorPage: '/_sidecar/50x.html',
  upstreamName: 'app',
  cacheZone: 'sidecar_cache',
  /** Where a route's upgraded (WebSocket) requests are rewritten to: this plus the route's index. */
  upgradePrefix: '/_sidecar/upgrade/',
  /** `stub_status`, on the status listener only. */
  stubStatus: '/stub_status',
} as const;

/**
 * Variables a route's `requestHeaders` value may be, as the whole value: the client's address (to
 * replace a forwarded chain the client could forge), the scheme, and the host with and without port.
 */
export const REQUEST_HEADER_VARIABLES = ['$remote_addr', '$scheme', '$host', '$http_host'];

/** The 5xx codes answered with the sidecar's own error page. */
export const ERROR_PAGE_CODES = [500, 501, 502, 503, 504];
