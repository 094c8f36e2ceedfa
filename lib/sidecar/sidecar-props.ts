import { Duration, Size } from 'cdk8s';
import { ISidecarHost } from '../host/host';
import { MetricsOptions } from './metrics/metrics-options';
import { Route } from './routes/route';
import { TlsOptions } from './tls/tls-options';
import { ClientAddressOptions } from './access/client-address';
import { ClientTimeoutsOptions } from './access/client-timeouts';
import { ClientLimitsOptions } from './access/client-limits';
import { Ipv6Mode } from './network/ipv6';
import { AccessOptions } from './access/route-access';

/** How the access log writes each request. */
export enum AccessLogFormat {
  /**
   * One JSON object per line: time, remote_addr, method, path, protocol, status, bytes,
   * request_time, upstream_response_time, upstream_status, cache_status, request_id, referer,
   * user_agent.
   */
  JSON = 'json',
  /** The combined format plus request time and cache status, as the sidecar wrote before. */
  TEXT = 'text',
}

/** Compression of responses. */
export interface GzipOptions {
  /**
   * Whether responses are compressed at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The compression level, 1 (fastest) to 9 (smallest).
   * @default 5
   */
  readonly level?: number;
  /**
   * Responses shorter than this are sent as they are.
   * @default Size.kibibytes(1)
   */
  readonly minLength?: Size;
  /**
   * MIME types to compress besides text/html. Raster images are refused: they are already compressed.
   * @default ReverseProxySidecar.DEFAULT_GZIP_TYPES
   */
  readonly types?: string[];
}

/** The shared cache that routes with `cache` use. */
export interface CacheOptions {
  /**
   * Largest size of the cache on disk.
   * @default Size.mebibytes(64)
   */
  readonly maxSize?: Size;
  /**
   * How many cache keys to hold; the zone gets 1 MiB per 8,000 keys.
   * @default 8000
   */
  readonly keys?: number;
  /**
   * Entries not used for this long are removed.
   * @default Duration.minutes(10)
   */
  readonly inactive?: Duration;
  /**
   * Cookies that make a request private (never stored, never served from cache), like Authorization.
   * @default - none; Authorization always counts
   */
  readonly privateCookies?: string[];
}

/** Requests and limits of the nginx container. */
export interface SidecarResources {
  /**
   * CPU request, in millicores (`50` is Kubernetes' `50m`).
   * @default 50
   */
  readonly cpuRequestMillicores?: number;
  /**
   * CPU limit, in millicores. Also sets `worker_processes`: one per started core.
   * @default 500
   */
  readonly cpuLimitMillicores?: number;
  /**
   * Memory request.
   * @default Size.mebibytes(32)
   */
  readonly memoryRequest?: Size;
  /**
   * Memory limit. The cache's keys zone may take at most half of it.
   * @default Size.mebibytes(128)
   */
  readonly memoryLimit?: Size;
}

/** Props of `ReverseProxySidecar`: the host is required, everything else has a default. */
export interface ReverseProxySidecarProps {
  /** The workload whose pods get the sidecar: `SidecarHost.fromWorkload(...)` or `.fromApiObject(...)`. */
  readonly host: ISidecarHost;
  /**
   * Routes served, in order; more can be added with `addRoute`.
   * @default - none
   */
  readonly routes?: Route[];
  /**
   * The port nginx listens on.
   * @default 8080
   */
  readonly port?: number;
  /**
   * The name of that container port (an IANA service name).
   * @default 'nginx-http'
   */
  readonly portName?: string;
  /**
   * The app's port on 127.0.0.1 that proxy routes forward to.
   * @default - the only port the host's containers declare (not counting the app's own native
   * sidecars); an error when there is not exactly one
   */
  readonly appPort?: number;
  /**
   * The nginx container's name; it also prefixes the sidecar's volume names.
   * @default 'nginx'
   */
  readonly containerName?: string;
  /**
   * The nginx image, pinned.
   * @default ReverseProxySidecar.DEFAULT_IMAGE
   */
  readonly image?: string;
  /**
   * Extra environment variables of the nginx container.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Requests and limits of the nginx container.
   * @default - 50m/500m CPU, 32Mi/128Mi memory
   */
  readonly resources?: SidecarResources;
  /**
   * Connections each nginx worker may hold (a proxied request holds two); each worker may open
   * twice as many files (`worker_rlimit_nofile`).
   * @default 4096 - over 2,000 concurrent clients on proxy routes per worker
   */
  readonly workerConnections?: number;
  /**
   * Idle keepalive connections kept open to the app, per worker. Beyond it, each request that finds
   * none idle opens a connection and closes it after: at 32 concurrent clients, 16 cost the API
   * 15-25 % of its requests per CPU-second against 64 (BENCHMARKS.md). Lower it for an app that
   * holds a thread per open connection.
   * @default 64
   */
  readonly upstreamKeepalive?: number;
  /**
   * Largest request body accepted.
   * @default Size.mebibytes(1)
   */
  readonly clientMaxBodySize?: Size;
  /**
   * Compression of responses.
   * @default - gzip on for text, CSS, JS, JSON, XML and SVG
   */
  readonly gzip?: GzipOptions;
  /**
   * The shared cache that routes with `cache` use.
   * @default - 64 MiB, 8,000 keys, 10 minutes inactive; used only by routes with `cache`
   */
  readonly cache?: CacheOptions;
  /**
   * Size limit of the emptyDir that holds the pid file, temp files and the cache.
   * Must exceed the cache's `maxSize`.
   * @default - the cache's maxSize plus 32 MiB
   */
  readonly volumeSizeLimit?: Size;
  /**
   * Headers added to every response, the error page's included.
   * @default { 'X-Content-Type-Options': 'nosniff' }
   */
  readonly responseHeaders?: { [name: string]: string };
  /**
   * Local HTML file served for 500 to 504.
   * @default - a small built-in page
   */
  readonly errorPage?: string;
  /**
   * Log each request to stdout.
   * @default true
   */
  readonly accessLog?: boolean;
  /**
   * The access log's format.
   * @default AccessLogFormat.JSON
   */
  readonly accessLogFormat?: AccessLogFormat;
  /**
   * Pass the client's `X-Forwarded-Proto` on to the app (its first value, `http` or `https`). Only
   * behind a TLS-terminating proxy you trust: anyone can send the header, unless `clientAddress`
   * names the proxies, whose header alone then counts. With `tls.redirectHttp`,
   * a plain request it marks `https` is served (with `tls.hsts`, with HSTS), not redirected.
   * @default false - the app gets `$scheme`
   */
  readonly trustForwardedProto?: boolean;
  /**
   * The proxies in front of the sidecar whose `X-Forwarded-For` gives the client's address, for the
   * access log, `X-Real-IP` and `X-Forwarded-For` to the app.
   * @default - the address that connected (the last proxy's, behind one)
   */
  readonly clientAddress?: ClientAddressOptions;
  /**
   * How long slow and idle clients may hold a connection: the request header, pauses in a request
   * body or in reading the answer, idle keep-alive.
   * @default - header 10 s, body and send 60 s, keep-alive 65 s
   */
  readonly clientTimeouts?: ClientTimeoutsOptions;
  /**
   * Who may reach every route without `access` of its own: an allow list of addresses (403 for
   * others), basic auth from a Secret, CORS. The health endpoint and the status listener are never
   * restricted.
   * @default - no rules: every client, no authentication, the app's own CORS headers
   */
  readonly access?: AccessOptions;
  /**
   * Whether nginx listens on IPv6 (`[::]`) as well as IPv4, on the plain and the HTTPS port. The
   * kubelet probes a pod on its IPv6 address in an IPv6-only cluster, and dual-stack clients may
   * come over either.
   * @default Ipv6Mode.WHERE_AVAILABLE - wherever the pod has IPv6, decided at the container's start
   */
  readonly ipv6?: Ipv6Mode;
  /**
   * Per-client limits on every route without limits of its own: requests a second (or minute) with
   * a burst, and requests in progress, counted by the client's address. Over them: 429 with
   * `Retry-After`. The health endpoint is never limited.
   * @default - no limits
   */
  readonly clientLimits?: ClientLimitsOptions;
  /**
   * How long preStop waits, serving, while endpoints drop the pod, before the graceful quit.
   * At least 5 s of the pod's terminationGracePeriodSeconds must remain after it.
   * @default Duration.seconds(5)
   */
  readonly drainDelay?: Duration;
  /**
   * Give the app's containers (those declaring `appPort`) a preStop `sleep` of `drainDelay` + 1 s,
   * unless they have a preStop hook already. Kubernetes stops every container of a pod at once: an
   * app that exits on SIGTERM would answer nginx with errors for the whole drain. The image needs a
   * `sleep` on its PATH; without one the kubelet reports FailedPreStopHook and stops the app at once.
   * @default true
   */
  readonly keepAppDuringDrain?: boolean;
  /**
   * Run nginx as a native sidecar: an init container with `restartPolicy: Always` (Kubernetes 1.29
   * and later). It starts and is ready before the app's containers, stops only after they have
   * exited (so its preStop quits at once, without `drainDelay`), and lets a Job complete. A
   * cdk8s-plus-27 host refuses it (its 1.27 types drop the field); a Job or CronJob host requires it.
   *
   * cdk8s-plus' own `exposeViaService` and `exposeViaIngress` look at regular containers only: with
   * a native sidecar, a `targetPort` of nginx's port makes them throw "Port 8080 is not exposed by
   * any container", and without one they reach the app past nginx (an error at synthesis). Expose
   * the sidecar with `proxy.exposeViaService()` or `proxy.exposeViaIngress(path)` instead, on any
   * major and host.
   * @default - true on cdk8s-plus-29 and later hosts, false on cdk8s-plus-27 and -28 and raw objects
   */
  readonly nativeSidecar?: boolean;
  /**
   * HTTPS on a port of its own, with the certificate from a `kubernetes.io/tls` Secret mounted into
   * the nginx container: TLS 1.2 and 1.3, HTTP/2, the same routes as the plain port, and
   * `X-Forwarded-Proto: https` to the app.
   * @default - plain HTTP only
   */
  readonly tls?: TlsOptions;
  /**
   * Your own complete nginx.conf, used as it is instead of the rendered one. It must listen on
   * `port`, answer `GET /_sidecar/healthz`, and keep the pid and temp paths under /var/cache/nginx.
   * @default - rendered from the options and routes
   */
  readonly nginxConf?: string;
  /**
   * Metrics for Prometheus: `stub_status` on 127.0.0.1 only and, with `exporter: true`, the NGINX
   * Prometheus exporter as a second container with a named metrics port.
   * @default - no metrics
   */
  readonly metrics?: MetricsOptions;
}
