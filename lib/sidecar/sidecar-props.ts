import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ISidecarHost } from './host';
import { Route } from './route';

/** The default image: the official unprivileged build (uid 101, port 8080), pinned. */
export const DEFAULT_IMAGE = 'nginxinc/nginx-unprivileged:1.30.1-alpine';

/** Text types compressed by default; text/html is always compressed by nginx. Never images. */
export const DEFAULT_GZIP_TYPES = [
  'text/css', 'text/plain', 'text/xml', 'text/javascript', 'application/javascript', 'application/json',
  'application/xml', 'application/rss+xml', 'application/atom+xml', 'application/manifest+json', 'image/svg+xml',
];

/** Compression of responses. */
export interface GzipOptions {
  /** @default true */
  readonly enabled?: boolean;
  /** @default 5 */
  readonly level?: number;
  /** Responses shorter than this are sent as they are. @default Size.kibibytes(1) */
  readonly minLength?: Size;
  /**
   * MIME types to compress besides text/html. Raster images are refused: they are already compressed.
   * @default DEFAULT_GZIP_TYPES
   */
  readonly types?: string[];
}

/** The shared cache that routes with `cache` use. */
export interface CacheOptions {
  /** Largest size of the cache on disk. @default Size.mebibytes(64) */
  readonly maxSize?: Size;
  /** How many cache keys to hold; the zone gets 1 MiB per 8,000 keys. @default 8000 */
  readonly keys?: number;
  /** Entries not used for this long are removed. @default Duration.minutes(10) */
  readonly inactive?: Duration;
  /**
   * Cookies that make a request private (never stored, never served from cache), like Authorization.
   * @default - none; Authorization always counts
   */
  readonly privateCookies?: string[];
}

/** Requests and limits of the nginx container. */
export interface SidecarResources {
  /** @default kplus.Cpu.millis(50) */
  readonly cpuRequest?: kplus.Cpu;
  /** Also sets `worker_processes` (one per started core). @default kplus.Cpu.millis(500) */
  readonly cpuLimit?: kplus.Cpu;
  /** @default Size.mebibytes(32) */
  readonly memoryRequest?: Size;
  /** @default Size.mebibytes(128) */
  readonly memoryLimit?: Size;
}

export interface ReverseProxySidecarProps {
  /** The workload whose pods get the sidecar: `SidecarHost.fromWorkload(...)` or `.fromApiObject(...)`. */
  readonly host: ISidecarHost;
  /** Routes served; more can be added with `addRoute`. @default - none */
  readonly routes?: Route[];
  /** The port nginx listens on. @default 8080 */
  readonly port?: number;
  /** The name of that container port (an IANA service name). @default 'nginx-http' */
  readonly portName?: string;
  /**
   * The app's port on 127.0.0.1 that proxy routes forward to.
   * @default - the only port the host's containers declare; an error when there is not exactly one
   */
  readonly appPort?: number;
  /** @default 'nginx' */
  readonly containerName?: string;
  /** @default DEFAULT_IMAGE */
  readonly image?: string;
  /** Extra environment variables of the nginx container. @default - none */
  readonly env?: { [name: string]: string };
  /** @default - 50m/500m CPU, 32Mi/128Mi memory */
  readonly resources?: SidecarResources;
  /** @default 1024 */
  readonly workerConnections?: number;
  /** Idle keepalive connections kept open to the app. @default 16 */
  readonly upstreamKeepalive?: number;
  /** Largest request body accepted. @default Size.mebibytes(1) */
  readonly clientMaxBodySize?: Size;
  /** @default - gzip on for text, CSS, JS, JSON, XML and SVG */
  readonly gzip?: GzipOptions;
  /** @default - 64 MiB, 8,000 keys, 10 minutes inactive; used only by routes with `cache` */
  readonly cache?: CacheOptions;
  /**
   * Size limit of the emptyDir that holds the pid file, temp files and the cache.
   * Must exceed the cache's `maxSize`.
   * @default - the cache's maxSize plus 32 MiB
   */
  readonly volumeSizeLimit?: Size;
  /** Headers added to every response. @default { 'X-Content-Type-Options': 'nosniff' } */
  readonly responseHeaders?: { [name: string]: string };
  /** Local HTML file served for 500 to 504. @default - a small built-in page */
  readonly errorPage?: string;
  /** Log each request to stdout. @default true */
  readonly accessLog?: boolean;
  /**
   * Pass the client's `X-Forwarded-Proto` on to the app. Only behind a TLS-terminating proxy you
   * trust: anyone can send the header.
   * @default false - the app gets `$scheme`
   */
  readonly trustForwardedProto?: boolean;
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
   * Your own complete nginx.conf, used as it is instead of the rendered one. It must listen on
   * `port`, answer `GET /_sidecar/healthz`, and keep the pid and temp paths under /var/cache/nginx.
   * @default - rendered from the options and routes
   */
  readonly nginxConf?: string;
}
