import { invalid } from '../../errors';
import { AccessModel, DirectiveModel, FileRouteModel, HeaderModel } from '../../nginx/model';
import { checkPath } from '../../nginx/tokens';
import { headersOf } from '../headers';
import { readFile } from '../local-files';
import { resolveAccess } from '../access/route-access';
import { RouteBaseOptions, contentHeaders, directiveModels } from './route-options';
import { RouteBinding, RouteKind, RouteSpec } from './route-spec';
import { checkContentPath } from './static-files-route';

/** Options of `Route.file`. */
export interface FileRouteOptions extends RouteBaseOptions {
  /** Local file served at exactly the route's path; relative paths resolve from the working directory. */
  readonly path: string;
}

/** What a file route renders itself, and the option to use instead. */
const RENDERED: Record<string, string> = {
  root: 'is rendered by the route: it serves the file from the static ConfigMap',
  alias: 'is rendered by the route: it serves the file from the static ConfigMap',
};

/** One local file, served at an exact path from the static ConfigMap. */
export class FileRouteSpec implements RouteSpec {
  public readonly kind = RouteKind.FILE;
  public readonly exact = true;
  public readonly factory = 'file';
  public readonly headers: HeaderModel[];
  private readonly directives: DirectiveModel[];
  private readonly access?: AccessModel;

  private readonly options: FileRouteOptions;

  constructor(public readonly path: string, options: FileRouteOptions) {
    const field = `Route.file(${JSON.stringify(path)})`;
    checkPath(`${field} path`, path);
    if (path.endsWith('/')) {
      throw invalid(`${field} path`, path, 'must name a file, not end with "/"');
    }
    checkContentPath(`${field} path`, path);
    this.options = options;
    if (!options || typeof options.path !== 'string' || options.path === '') {
      throw invalid(`${field} options.path`, options?.path, 'must name a local file');
    }
    this.headers = headersOf(field, options.headers);
    this.directives = directiveModels(field, options, RENDERED);
    this.access = resolveAccess(`${field} access`, options.access);
  }

  public renderOnlyOptions(): string[] {
    return (['headers', 'directives', 'access'] as const).filter((k) => this.options[k] !== undefined);
  }

  public toModel(binding: RouteBinding): FileRouteModel {
    const file = readFile(`${binding.field} path`, this.options.path);
    const root = binding.addContent([{ ...file, relPath: this.path.slice(1) }]);
    return {
      kind: 'file',
      path: this.path,
      headers: contentHeaders(this.headers, this.options, binding.sidecarHeaders),
      directives: this.directives,
      access: this.access,
      root,
    };
  }
}
