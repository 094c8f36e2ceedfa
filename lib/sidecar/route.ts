import { Duration } from 'cdk8s';
import { HeaderModel } from '../nginx/model';
import { checkHeaderName, checkHeaderValue, checkPath, invalid } from '../nginx/tokens';
import { Directive } from './directive';

/** Options every route takes. */
export interface RouteBaseOptions {
  /**
   * Response headers added to this route's responses. One with the name of a sidecar-wide header
   * (any case) replaces it in this route; an empty value sends none (nginx skips empty values).
   * @default - none; static and file routes send `Cache-Control: no-cache` unless a Cache-Control is set
   */
  readonly headers?: { [name: string]: string };
  /**
   * Extra directives inside this route's `location`.
   * @default - none
   */
  readonly directives?: Directive[];
}

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
  /** @default Duration.seconds(5) */
  readonly connectTimeout?: Duration;
  /** @default Duration.seconds(60) */
  readonly readTimeout?: Duration;
  /** @default Duration.seconds(60) */
  readonly sendTimeout?: Duration;
}

export interface StaticFilesOptions extends RouteBaseOptions {
  /** Local directory whose files (recursively) are served; relative paths resolve from the working directory. */
  readonly directory: string;
  /** @default 'index.html' */
  readonly index?: string;
  /**
   * Answer unknown paths with the index file (single-page apps) instead of 404.
   * @default false
   */
  readonly spaFallback?: boolean;
}

export interface FileRouteOptions extends RouteBaseOptions {
  /** Local file served at exactly the route's path; relative paths resolve from the working directory. */
  readonly path: string;
}

/** The kinds of route. */
export enum RouteKind {
  PROXY = 'proxy',
  STATIC_FILES = 'static',
  FILE = 'file',
}

/** A location the sidecar serves. Create with `Route.proxy`, `Route.staticFiles` or `Route.file`. */
export class Route {
  /** Proxies requests under `path` (a prefix) to the app on 127.0.0.1. */
  public static proxy(path: string, options: ProxyRouteOptions = {}): Route {
    const field = `Route.proxy(${JSON.stringify(path)})`;
    checkPath(`${field} path`, path);
    for (const [name, d] of [['connectTimeout', options.connectTimeout], ['readTimeout', options.readTimeout],
      ['sendTimeout', options.sendTimeout], ['cache.validFor', options.cache?.validFor]] as const) {
      // integral: false, so a fractional value gets this message rather than cdk8s' own, which names no field.
      const ms = d?.toMilliseconds({ integral: false });
      if (d !== undefined && (ms! < 1 || !Number.isInteger(ms))) {
        throw invalid(`${field} ${name}`, d.toHumanString(), 'must be a whole number of milliseconds, at least 1ms');
      }
    }
    if (options.stripPrefix && !path.endsWith('/')) {
      throw invalid(`${field} path`, path, 'must end with "/" when stripPrefix is set (else "/apix" would reach the app as "/x")');
    }
    const headers = headersOf(field, options.headers);
    const cacheStatus = headers.find((h) => h.name.toLowerCase() === 'x-cache-status');
    if (options.cache && cacheStatus) {
      throw invalid(`${field} header name`, cacheStatus.name, 'is set by the sidecar on cached routes');
    }
    return new Route(RouteKind.PROXY, path, options, headers);
  }

  /** Serves a local directory's files under `path` (a prefix). */
  public static staticFiles(path: string, options: StaticFilesOptions): Route {
    const field = `Route.staticFiles(${JSON.stringify(path)})`;
    checkPath(`${field} path`, path);
    if (!path.endsWith('/')) {
      throw invalid(`${field} path`, path, 'must end with "/" (it names a directory)');
    }
    checkContentPath(`${field} path`, path);
    if (!options || typeof options.directory !== 'string' || options.directory === '') {
      throw invalid(`${field} directory`, options?.directory, 'must name a local directory');
    }
    const index = options.index ?? 'index.html';
    if (!/^[A-Za-z0-9._-]{1,255}$/.test(index) || index.startsWith('.')) {
      throw invalid(`${field} index`, index, 'must be a file name of at most 255 letters, digits and "._-"');
    }
    return new Route(RouteKind.STATIC_FILES, path, options, headersOf(field, options.headers));
  }

  /** Serves one local file at exactly `path`. */
  public static file(path: string, options: FileRouteOptions): Route {
    const field = `Route.file(${JSON.stringify(path)})`;
    checkPath(`${field} path`, path);
    if (path.endsWith('/')) {
      throw invalid(`${field} path`, path, 'must name a file, not end with "/"');
    }
    checkContentPath(`${field} path`, path);
    if (!options || typeof options.path !== 'string' || options.path === '') {
      throw invalid(`${field} options.path`, options?.path, 'must name a local file');
    }
    return new Route(RouteKind.FILE, path, options, headersOf(field, options.headers));
  }

  /** @internal */
  public readonly _headers: HeaderModel[];

  private constructor(
    public readonly kind: RouteKind,
    public readonly path: string,
    /** @internal */ public readonly _options: ProxyRouteOptions & Partial<StaticFilesOptions> & Partial<FileRouteOptions>,
    headers: HeaderModel[],
  ) {
    this._headers = headers;
  }

  /** Whether nginx matches this route exactly (`location =`) rather than by prefix. */
  public get exact(): boolean {
    return this.kind === RouteKind.FILE;
  }

  /** A readable name for messages, e.g. `Route.proxy("/api/")`. */
  public toString(): string {
    const factory = { [RouteKind.PROXY]: 'proxy', [RouteKind.STATIC_FILES]: 'staticFiles', [RouteKind.FILE]: 'file' }[this.kind];
    return `Route.${factory}(${JSON.stringify(this.path)})`;
  }
}

/** A static or file route's path becomes the start of its files' volume paths, which Kubernetes refuses to start with "..". */
function checkContentPath(field: string, path: string): void {
  if (path.startsWith('/..')) {
    throw invalid(field, path, 'must not start with "/.." (its files\' volume paths would start with "..", which Kubernetes refuses)');
  }
}

/** Checks a header map and returns it as a list in the given order. */
export function headersOf(field: string, headers: { [name: string]: string } | undefined): HeaderModel[] {
  const seen = new Map<string, string>();
  return Object.entries(headers ?? {}).map(([name, value]) => {
    checkHeaderName(`${field} header name`, name);
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      throw invalid(`${field} header name`, name, `repeats ${JSON.stringify(first)} (header names are case-insensitive); nginx would send both`);
    }
    seen.set(name.toLowerCase(), name);
    return { name, value: checkHeaderValue(`${field} header ${JSON.stringify(name)}`, value) };
  });
}
