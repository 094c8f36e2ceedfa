import { invalid } from '../../errors';
import { AccessModel, DirectiveModel, HeaderModel, StaticRouteModel } from '../../nginx/model';
import { checkPath } from '../../nginx/tokens';
import { headersOf } from '../headers';
import { readDirectory } from '../local-files';
import { checkBoolean } from '../prop-values';
import { resolveAccess } from '../access/route-access';
import { RouteBaseOptions, contentHeaders, directiveModels } from './route-options';
import { RouteBinding, RouteKind, RouteSpec } from './route-spec';

/** Options of `Route.staticFiles`. */
export interface StaticFilesOptions extends RouteBaseOptions {
  /** Local directory whose files (recursively) are served; relative paths resolve from the working directory. */
  readonly directory: string;
  /**
   * The file served for a directory's path.
   * @default 'index.html'
   */
  readonly index?: string;
  /**
   * Answer unknown paths with the index file (single-page apps) instead of 404.
   * @default false
   */
  readonly spaFallback?: boolean;
}

const DEFAULT_INDEX = 'index.html';

/** What a static route renders itself, and the option to use instead. */
const RENDERED: Record<string, string> = {
  root: 'is rendered by the route: it serves the directory from the static ConfigMap',
  alias: 'is rendered by the route: it serves the directory from the static ConfigMap',
  index: 'is rendered by the route; use index',
  try_files: 'is rendered by the route; use spaFallback',
};

/** A local directory's files, served under a path prefix from the static ConfigMap. */
export class StaticFilesRouteSpec implements RouteSpec {
  public readonly kind = RouteKind.STATIC_FILES;
  public readonly exact = false;
  public readonly factory = 'staticFiles';
  public readonly headers: HeaderModel[];
  private readonly directives: DirectiveModel[];
  private readonly access?: AccessModel;
  private readonly index: string;

  private readonly options: StaticFilesOptions;

  constructor(public readonly path: string, options: StaticFilesOptions) {
    const field = `Route.staticFiles(${JSON.stringify(path)})`;
    checkPath(`${field} path`, path);
    if (!path.endsWith('/')) {
      throw invalid(`${field} path`, path, 'must end with "/" (it names a directory)');
    }
    checkContentPath(`${field} path`, path);
    this.options = options;
    if (!options || typeof options.directory !== 'string' || options.directory === '') {
      throw invalid(`${field} directory`, options?.directory, 'must name a local directory');
    }
    this.index = options.index ?? DEFAULT_INDEX;
    checkBoolean(`${field} spaFallback`, options.spaFallback ?? false);
    if (typeof this.index !== 'string' || !/^[A-Za-z0-9._-]{1,255}$/.test(this.index) || this.index.startsWith('.')) {
      throw invalid(`${field} index`, this.index, 'must be a file name of at most 255 letters, digits and "._-"');
    }
    this.headers = headersOf(field, options.headers);
    this.directives = directiveModels(field, options, RENDERED);
    this.access = resolveAccess(`${field} access`, options.access);
  }

  public renderOnlyOptions(): string[] {
    const o = this.options;
    return (['headers', 'directives', 'access', 'index', 'spaFallback'] as const).filter((k) => o[k] !== undefined);
  }

  public toModel(binding: RouteBinding): StaticRouteModel {
    const o = this.options;
    const files = readDirectory(`${binding.field} directory`, o.directory);
    const spaFallback = o.spaFallback ?? false;
    if (spaFallback && !files.some((f) => f.relPath === this.index)) {
      throw invalid(`${binding.field} index`, this.index, `is not a file at the top of directory ${JSON.stringify(o.directory)}; `
        + 'spaFallback would answer unknown paths with a redirect loop (500)');
    }
    // The files sit below the served root at their URI paths.
    const prefix = this.path.slice(1);
    const root = binding.addContent(files.map((f) => ({ ...f, relPath: `${prefix}${f.relPath}` })));
    return {
      kind: 'static',
      path: this.path,
      headers: contentHeaders(this.headers, o, binding.sidecarHeaders),
      directives: this.directives,
      access: this.access,
      root,
      index: this.index,
      spaFallback,
    };
  }
}

/** A static or file route's path becomes the start of its files' volume paths, which Kubernetes refuses to start with "..". */
export function checkContentPath(field: string, path: string): void {
  if (path.startsWith('/..')) {
    throw invalid(field, path, 'must not start with "/.." (its files\' volume paths would start with "..", which Kubernetes refuses)');
  }
}
