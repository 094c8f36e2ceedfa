import { invalid } from '../../errors';
import { AccessModel } from '../../nginx/model';
import { LAYOUT } from '../layout';
import { isDnsSubdomain } from '../../k8s/metadata-values';
import { optionsObject } from '../prop-values';
import { CorsOptions, resolveCors } from './cors';
import { ExternalAuthOptions, resolveExternalAuth } from './external-auth';
import { checkRanges } from './ip-ranges';

/** HTTP basic authentication against an htpasswd file kept in a Secret. */
export interface BasicAuthOptions {
  /**
   * The Secret (in the workload's namespace) that holds the htpasswd file. Mounted read-only into
   * the nginx container, never read at synthesis. Each line `user:hash`; see the README for the
   * hash formats the image accepts.
   */
  readonly secretName: string;
  /**
   * The Secret's key that holds the file.
   * @default 'auth'
   */
  readonly key?: string;
  /**
   * The realm browsers show in their sign-in prompt.
   * @default 'Restricted'
   */
  readonly realm?: string;
}

/**
 * Who may reach a route: checked in this order, on the client's address (the real one, with
 * `clientAddress`): `allowFrom` (403 for others), a CORS preflight from an allowed origin (answered
 * 204 by the sidecar: browsers send it without credentials), then `basicAuth` (401), then
 * `externalAuth`.
 */
export interface AccessOptions {
  /**
   * The client addresses and CIDR ranges (IPv4 or IPv6) allowed; any other client gets 403. The
   * health endpoint and the status listener are never restricted.
   * @default - every address
   */
  readonly allowFrom?: string[];
  /**
   * Ask for a user and password from an htpasswd file in a Secret (401 with the realm otherwise).
   * The credentials stay in the sidecar: the app gets `X-Forwarded-User`, never `Authorization`.
   * @default - no authentication
   */
  readonly basicAuth?: BasicAuthOptions;
  /**
   * Ask an auth service in the pod before each request (e.g. oauth2-proxy): 2xx passes, with the
   * headers it names passed on to the app; 401 goes to `signInUrl`; 403 stays; anything else or no
   * answer is the error page.
   * @default - no external auth
   */
  readonly externalAuth?: ExternalAuthOptions;
  /**
   * Answer cross-origin requests from browsers: preflights (204, never reaching the app) and the
   * CORS headers of each response, for allowed origins only.
   * @default - no CORS headers (the app's own pass)
   */
  readonly cors?: CorsOptions;
}

/** Where a basic auth Secret's key is mounted: a directory per Secret and key, so that two keys of one Secret never share a mount. */
export function authFile(secretName: string, key: string): string {
  return `${LAYOUT.authDir}/${secretName}/${key}/htpasswd`;
}

/** `access` (a route's or the sidecar's), checked, as the renderer's model; undefined when not given. */
export function resolveAccess(field: string, value: AccessOptions | undefined): AccessModel | undefined {
  if (value === undefined) {
    return undefined;
  }
  const o = optionsObject(field, value);
  let allowFrom: string[] | undefined;
  if (o.allowFrom !== undefined) {
    if (!Array.isArray(o.allowFrom) || o.allowFrom.length === 0) {
      throw invalid(`${field}.allowFrom`, o.allowFrom, 'must list at least one address or CIDR range (e.g. "10.0.0.0/8"); '
        + 'leave it out to allow every address');
    }
    allowFrom = checkRanges(`${field}.allowFrom`, o.allowFrom, { every: 'allows every address: leave allowFrom out' });
  }
  const externalAuth = o.externalAuth === undefined ? undefined : resolveExternalAuth(`${field}.externalAuth`, o.externalAuth);
  if (externalAuth?.signInUrl !== undefined && o.basicAuth !== undefined) {
    throw invalid(`${field}.externalAuth.signInUrl`, externalAuth.signInUrl, 'would answer basicAuth\'s 401 too (a redirect instead of the '
      + 'browser\'s password prompt): use one way to sign in on a route');
  }
  return {
    allowFrom,
    basicAuth: o.basicAuth === undefined ? undefined : resolveBasicAuth(`${field}.basicAuth`, o.basicAuth),
    externalAuth,
    cors: o.cors === undefined ? undefined : resolveCors(`${field}.cors`, o.cors),
  };
}

function resolveBasicAuth(field: string, value: BasicAuthOptions): NonNullable<AccessModel['basicAuth']> {
  const o = optionsObject(field, value);
  const secretName: unknown = o.secretName;
  if (typeof secretName !== 'string' || !isDnsSubdomain(secretName)) {
    throw invalid(`${field}.secretName`, secretName, 'must be the name of a Secret Kubernetes accepts: at most 253 lower-case '
      + 'letters, digits, "-" and ".", starting and ending with a letter or digit');
  }
  const key: unknown = o.key ?? 'auth';
  if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(key) || key === '.' || key === '..') {
    throw invalid(`${field}.key`, key, 'must be a Secret key: letters, digits, "-", "_" and "."');
  }
  const realm: unknown = o.realm ?? 'Restricted';
  // nginx writes it between quotes in WWW-Authenticate without escaping: no quote, backslash or control character.
  // nginx would read a $ as a variable: a $http_ one would send back what the client wrote.
  if (typeof realm !== 'string' || !/^[\x20-\x7e]{1,100}$/.test(realm) || /["\\$]/.test(realm)) {
    throw invalid(`${field}.realm`, realm, 'must be 1 to 100 printable ASCII characters without ", \\ or $ (it is sent in WWW-Authenticate)');
  }
  return { secretName, key, realm, userFile: authFile(secretName, key) };
}
