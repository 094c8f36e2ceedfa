import { tables } from './access-tables';
import { ConfWriter } from './conf-writer';
import { CorsModel, NginxConfModel } from './model';

/**
 * Where the sidecar's own answers (its error page, a sign-in redirect) find the CORS headers of the
 * route that sent the request there: an internal redirect leaves the route's `add_header`s behind,
 * but keeps the variables it set.
 */
export const REDIRECTED_CORS = { origin: '$sidecar_redirected_cors_origin', credentials: '$sidecar_redirected_cors_credentials', vary: '$sidecar_redirected_cors_vary' };

/**
 * In the locations of the sidecar's own answers: the CORS headers of the route the request came
 * from, so that a page's script can read a 502 or follow a sign-in redirect. Empty (no header) for
 * a route without CORS, an origin it does not allow, or a request that came from no route.
 */
export function renderRedirectedCorsHeaders(w: ConfWriter, conf: NginxConfModel): void {
  const settings = tables(conf).cors.map((json) => JSON.parse(json) as CorsModel);
  if (settings.length === 0) {
    return;
  }
  // Unset on requests from routes without CORS: an empty value, not a warning in the error log.
  w.directive('uninitialized_variable_warn', 'off');
  w.directive('add_header', 'Access-Control-Allow-Origin', REDIRECTED_CORS.origin, 'always');
  // Only the variables some route sets: nginx refuses to start on a variable nothing defines.
  if (settings.some((c) => c.credentials)) {
    w.directive('add_header', 'Access-Control-Allow-Credentials', REDIRECTED_CORS.credentials, 'always');
  }
  if (settings.some((c) => !c.anyOrigin)) {
    w.directive('add_header', 'Vary', REDIRECTED_CORS.vary, 'always');
  }
}
