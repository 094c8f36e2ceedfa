import { invalid } from '../../errors';
import { AccessModel, RouteModel } from '../../nginx/model';

/** A route as the check reads it: its name in messages (`routes[1] Route.proxy("/")`) and its model. */
export interface NamedRoute {
  readonly name: string;
  readonly model: RouteModel;
}

/**
 * External auth's `signInUrl`, when it is a path of this sidecar, must reach a route without external
 * auth: a sign-in page behind the same check answers 401 itself, and every sign-in redirects to
 * itself. Checked at synthesis, when every route is known. A path no route serves is left alone
 * (an Ingress may send it elsewhere).
 */
export function signInLoopErrors(routes: NamedRoute[], sidecarAccess: AccessModel | undefined): string[] {
  const errors = new Set<string>();
  for (const route of routes) {
    const signInUrl = (route.model.access ?? sidecarAccess)?.externalAuth?.signInUrl;
    if (signInUrl === undefined || !signInUrl.startsWith('/')) {
      continue;
    }
    const served = servingRoute(routes, signInUrl.replace(/[?#].*$/, ''));
    if (served && (served.model.access ?? sidecarAccess)?.externalAuth) {
      const field = route.model.access ? `${route.name} access.externalAuth.signInUrl` : 'access.externalAuth.signInUrl';
      errors.add(invalid(field, signInUrl, `is served by ${served.name}, which asks the auth service first: every sign-in `
        + 'would be sent to sign in again; serve the sign-in pages on a route without externalAuth (`access: {}`)').message);
    }
  }
  return [...errors];
}

/** The route nginx picks for `path`: an exact (file) route first, then the longest prefix. */
function servingRoute(routes: NamedRoute[], path: string): NamedRoute | undefined {
  const exact = routes.find((r) => r.model.kind === 'file' && r.model.path === path);
  if (exact) {
    return exact;
  }
  return routes.filter((r) => r.model.kind !== 'file' && path.startsWith(r.model.path))
    .sort((a, b) => b.model.path.length - a.model.path.length)[0];
}
