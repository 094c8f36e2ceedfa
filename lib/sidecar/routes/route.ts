import { RouteModel } from '../../nginx/model';
import { FileRouteOptions, FileRouteSpec } from './file-route';
import { ProxyRouteOptions, ProxyRouteSpec } from './proxy-route';
import { RouteBinding, RouteKind, RouteSpec } from './route-spec';
import { StaticFilesOptions, StaticFilesRouteSpec } from './static-files-route';

/**
 * A location the sidecar serves. Create with `Route.proxy`, `Route.staticFiles` or `Route.file`;
 * the options are checked here, and the route turns itself into its nginx model when it is added.
 */
export class Route {
  /** Proxies requests under `path` (a prefix) to the app on 127.0.0.1. */
  public static proxy(path: string, options: ProxyRouteOptions = {}): Route {
    return new Route(new ProxyRouteSpec(path, options));
  }

  /** Serves a local directory's files under `path` (a prefix). */
  public static staticFiles(path: string, options: StaticFilesOptions): Route {
    return new Route(new StaticFilesRouteSpec(path, options));
  }

  /** Serves one local file at exactly `urlPath` (named apart from `options.path`, the local file, for Python's keyword arguments). */
  public static file(urlPath: string, options: FileRouteOptions): Route {
    return new Route(new FileRouteSpec(urlPath, options));
  }

  private constructor(private readonly spec: RouteSpec) {}

  /** What kind of route this is. */
  public get kind(): RouteKind {
    return this.spec.kind;
  }

  /** The URI path: a prefix, or the exact path of a file route. */
  public get path(): string {
    return this.spec.path;
  }

  /** Whether nginx matches this route exactly (`location =`) rather than by prefix. */
  public get exact(): boolean {
    return this.spec.exact;
  }

  /** A readable name for messages, e.g. `Route.proxy("/api/")`. */
  public toString(): string {
    return `Route.${this.spec.factory}(${JSON.stringify(this.path)})`;
  }

  /** @internal The route's own response header names, as given. */
  public _headerNames(): string[] {
    return this.spec.headers.map((h) => h.name);
  }

  /** @internal The options given that only change the rendered nginx.conf. */
  public _renderOnlyOptions(): string[] {
    return this.spec.renderOnlyOptions();
  }

  /** @internal */
  public _toModel(binding: RouteBinding): RouteModel {
    return this.spec.toModel(binding);
  }
}
