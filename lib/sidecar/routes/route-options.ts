import { DirectiveModel, HeaderModel } from '../../nginx/model';
import { Directive } from '../directive';
import { hasHeader } from '../headers';

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

/** The models of a route's directives. */
export function directiveModels(options: RouteBaseOptions): DirectiveModel[] {
  return (options.directives ?? []).map((d) => d._toModel());
}

/**
 * The headers of a route that serves files from a ConfigMap. Those files change with a deploy under
 * the same URL, so unless the route or the sidecar sets its own caching, browsers are told to
 * revalidate (cheap: nginx answers 304 by ETag).
 */
export function contentHeaders(own: HeaderModel[], options: RouteBaseOptions, sidecarHeaders: HeaderModel[]): HeaderModel[] {
  const ownCaching = hasHeader([...sidecarHeaders, ...own], 'cache-control')
    || (options.directives ?? []).some((d) => d.name === 'expires' || d.name === 'add_header');
  return ownCaching ? own : [...own, { name: 'Cache-Control', value: 'no-cache' }];
}
