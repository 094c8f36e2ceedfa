import { Duration } from 'cdk8s';
import { invalid } from '../../errors';
import { ExternalAuthModel } from '../../nginx/model';
import { checkHeaderName } from '../../nginx/tokens';
import { milliseconds, optionsObject } from '../prop-values';

/** Ask an auth service before each request (nginx's `auth_request`), e.g. oauth2-proxy beside the app or in the cluster. */
export interface ExternalAuthOptions {
  /**
   * The auth service's check endpoint: `http://127.0.0.1:<port>/<path>` for a container of the pod
   * (e.g. oauth2-proxy's `http://127.0.0.1:4180/oauth2/auth`), or a Service's name
   * (`http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth`), which nginx resolves when it
   * starts (a name that does not resolve stops it starting). It gets each request's headers (no body)
   * with `X-Original-URI`, `X-Original-Method`, `X-Forwarded-Uri`, `-Host`, `-Proto` and
   * `X-Real-IP`. A 2xx lets the request through; 401 asks the client to sign in (to `signInUrl`
   * when set); 403 stays 403; anything else, or no answer within `timeout`, is the error page
   * (500), never a pass.
   */
  readonly url: string;
  /**
   * Where a 401 sends the browser (302), with the URL it asked for appended as `rd` (as
   * oauth2-proxy reads it): a path (`/oauth2/start`) or an absolute URL. A path that a route behind
   * the same auth serves is refused at synthesis (the sign-in would redirect to itself).
   * @default - the auth service's 401 goes to the client as it is
   */
  readonly signInUrl?: string;
  /**
   * Headers of the auth service's 2xx answer passed on to the app (each replacing any the client
   * sent; absent when the service sends none).
   * @default ['X-Auth-Request-User', 'X-Auth-Request-Email']
   */
  readonly responseHeaders?: string[];
  /**
   * How long the auth service may take to connect and to answer.
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
}

const DEFAULT_HEADERS = ['X-Auth-Request-User', 'X-Auth-Request-Email'];
/** Request headers the sidecar sets itself (lower case). */
const SIDECAR_SET = ['host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-prefix',
  'x-request-id', 'x-forwarded-user', 'authorization', 'connection', 'upgrade', 'content-length', 'accept-encoding'];

/** `externalAuth`, checked, as the renderer's model. */
export function resolveExternalAuth(field: string, value: ExternalAuthOptions): ExternalAuthModel {
  const o = optionsObject(field, value);
  const url = parseUrl(`${field}.url`, o.url);
  let signInUrl: string | undefined;
  if (o.signInUrl !== undefined) {
    const s: unknown = o.signInUrl;
    // A URL's characters but $ (an nginx variable), # (rd would land in the fragment), quotes and spaces.
    const host = typeof s === 'string' ? /^https?:\/\/([^/?#:]*)(?::\d{1,5})?(?=[/?]|$)/.exec(s) : null;
    if (typeof s !== 'string' || !/^(\/|https?:\/\/[^/?#]+)[A-Za-z0-9\-._~:/?@!&'()*+,;=%]*$/.test(s)
      || (!s.startsWith('/') && (!host || !HOST.test(host[1]))) || s.startsWith('//')) {
      throw invalid(`${field}.signInUrl`, s, 'must be a path ("/oauth2/start") or an http(s) URL of a lower-case host name, '
        + 'without "$", "#", quotes or spaces');
    }
    signInUrl = s;
  }
  const headers: unknown = o.responseHeaders ?? DEFAULT_HEADERS;
  if (!Array.isArray(headers)) {
    throw invalid(`${field}.responseHeaders`, headers, 'must be a list of header names');
  }
  const seen = new Set<string>();
  for (const h of headers) {
    checkHeaderName(`${field}.responseHeaders`, h);
    // nginx names the variable after it: letters, digits and "-" only (a "." would end the name).
    if (!/^[A-Za-z0-9-]+$/.test(h)) {
      throw invalid(`${field}.responseHeaders`, h, 'must be letters, digits and "-" only');
    }
    if (SIDECAR_SET.includes(h.toLowerCase())) {
      throw invalid(`${field}.responseHeaders`, h, 'is a header the sidecar sets to the app itself: the app would get it twice');
    }
    if (seen.has(String(h).toLowerCase())) {
      throw invalid(`${field}.responseHeaders`, h, 'is listed twice');
    }
    seen.add(String(h).toLowerCase());
  }
  const timeoutMs = milliseconds(`${field}.timeout`, o.timeout ?? Duration.seconds(5));
  if (timeoutMs < 1000 || timeoutMs > 60_000) {
    throw invalid(`${field}.timeout`, Duration.millis(timeoutMs).toHumanString(), 'must be from 1 to 60 seconds: every request waits for it');
  }
  return { host: url.host, port: url.port, path: url.path, signInUrl, responseHeaders: [...headers], timeoutMs };
}

/** A DNS name as Kubernetes names Services (lower case), or an IPv4 address. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function parseUrl(field: string, value: unknown): { host: string; port: number; path: string } {
  const m = typeof value === 'string' ? /^http:\/\/([^:/]+):(\d{1,5})(\/[A-Za-z0-9\-._~/%]*)$/.exec(value) : null;
  if (!m || !HOST.test(m[1]) || Number(m[2]) < 1 || Number(m[2]) > 65535) {
    throw invalid(field, value, 'must be http://<host>:<port>/<path>: 127.0.0.1 for an auth service in the pod (e.g. oauth2-proxy '
      + 'beside the app), or a Service\'s name (oauth2-proxy.auth.svc.cluster.local); a path of letters, digits and -._~/%');
  }
  // localhost would also resolve to ::1, where the service may not listen.
  return { host: m[1] === 'localhost' ? '127.0.0.1' : m[1], port: Number(m[2]), path: m[3] };
}
