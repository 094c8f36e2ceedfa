import { DirectiveModel, HeaderModel } from '../../nginx/model';
import { Directive } from '../directive';
import { invalid } from '../../errors';
import { checkRouteDirective } from '../directive-rules';
import { hasHeader } from '../headers';
import { AccessOptions } from '../access/route-access';

/** Options every route takes. */
export interface RouteBaseOptions {
  /**
   * Response headers added to this route's responses. One with the name of a sidecar-wide header
   * (any case) replaces it in this route; on a proxy route each replaces the app's header of that
   * name; an empty value sends none (nginx skips empty values).
   * @default - none; static and file routes send `Cache-Control: no-cache` unless a Cache-Control is set
   */
  readonly headers?: { [name: string]: string };
  /**
   * Extra directives inside this route's `location`.
   * @default - none
   */
  readonly directives?: Directive[];
  /**
   * Who may reach this route: an allow list of addresses, basic auth, CORS. Replaces the sidecar's
   * `access` for this route (`{}`: no rules here).
   * @default - the sidecar's access
   */
  readonly access?: AccessOptions;
}

/**
 * Checks a route's directives (Directives, none another context takes or the route renders
 * itself: `rendered` names each with the option to use instead) and returns their models.
 */
export function directiveModels(field: string, options: RouteBaseOptions, rendered: Record<string, string>): DirectiveModel[] {
  const directives: unknown = options.directives ?? [];
  if (!Array.isArray(directives)) {
    throw invalid(`${field} directives`, directives, 'must be a list of Directives');
  }
  return directives.map((d: Directive, i) => {
    if (typeof (d as Partial<Directive> | undefined)?._toModel !== 'function') {
      throw invalid(`${field} directives[${i}]`, d, 'is not a Directive: make one with Directive.of(name, ...args)');
    }
    checkRouteDirective(`${field} directive`, d.name, rendered);
    return d._toModel();
  });
}

/**
 * The headers of a route that serves files from a ConfigMap. Those files change with a deploy under
 * the same URL, so unless the route or the sidecar sets its own caching, browsers are told to
 * revalidate (cheap: nginx answers 304 by ETag).
 */
export function contentHeaders(own: HeaderModel[], options: RouteBaseOptions, sidecarHeaders: HeaderModel[]): HeaderModel[] {
  const ownCaching = hasHeader([...sidecarHeaders, ...own], 'cache-control')
    || (options.directives ?? []).some((d) => d.name === 'expires');
  return ownCaching ? own : [...own, { name: 'Cache-Control', value: 'no-cache' }];
}
