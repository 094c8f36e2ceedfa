import { HeaderModel, RouteModel } from '../../nginx/model';
import { LocalFile } from '../local-files';

/** The kinds of route. */
export enum RouteKind {
  /** Proxied to the app on 127.0.0.1. */
  PROXY = 'proxy',
  /** A local directory's files, served from a ConfigMap. */
  STATIC_FILES = 'static',
  /** One local file at an exact path, served from a ConfigMap. */
  FILE = 'file',
}

/** What a route gets from the sidecar it is added to, to build its model. */
export interface RouteBinding {
  /** How messages name the route, e.g. `routes[2] Route.proxy("/api/")`. */
  readonly field: string;
  /** The sidecar-wide response headers. */
  readonly sidecarHeaders: HeaderModel[];
  /** Serves these files from the static ConfigMap, all or none; returns the directory they sit below. */
  addContent(files: LocalFile[]): string;
  /** Declares that the route proxies to the app: the app's port must be known (else an error naming `field`). */
  useApp(): void;
}

/** One kind of route: its checked options, its defaults, and how it turns into its nginx model. */
export interface RouteSpec {
  readonly kind: RouteKind;
  /** The URI path (a prefix, or the exact path for a file route). */
  readonly path: string;
  /** Whether nginx matches the path exactly (`location =`). */
  readonly exact: boolean;
  /** The factory's name, for messages: `proxy`, `staticFiles`, `file`. */
  readonly factory: string;
  /** The route's own response headers (`headers`), checked. */
  readonly headers: HeaderModel[];
  /** The options given that only change the rendered nginx.conf (refused beside a custom `nginxConf`). */
  renderOnlyOptions(): string[];
  /** Builds the route's model; reads its files now. Throws a `ConfigError` naming `binding.field`. */
  toModel(binding: RouteBinding): RouteModel;
}
