import { Duration } from 'cdk8s';
import { invalid } from '../../errors';
import { CorsModel } from '../../nginx/model';
import { checkHeaderName } from '../../nginx/tokens';
import { checkBoolean, optionsObject, wholeSeconds } from '../prop-values';

/** Cross-origin requests from browsers (CORS), answered by the sidecar. */
export interface CorsOptions {
  /**
   * The origins whose pages may call this route: exact (`https://app.example.com`, with a port if
   * not the scheme's default), a pattern for one subdomain label (`https://*.example.com`), or
   * `['*']` for any origin (without credentials). An origin not listed gets no CORS headers.
   */
  readonly allowOrigins: string[];
  /**
   * The methods a preflight allows.
   * @default ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
   */
  readonly allowMethods?: string[];
  /**
   * The request headers a preflight allows.
   * @default ['Accept', 'Authorization', 'Content-Type', 'X-Requested-With']
   */
  readonly allowHeaders?: string[];
  /**
   * Response headers, beyond the CORS-safelisted ones, that the page's script may read.
   * @default - none
   */
  readonly exposeHeaders?: string[];
  /**
   * Let the page send cookies and `Authorization` (`Access-Control-Allow-Credentials: true`).
   * Refused with `'*'`: name the origins.
   * @default false
   */
  readonly allowCredentials?: boolean;
  /**
   * How long a browser may keep a preflight's answer (browsers cap it: Chromium at 2 hours).
   * @default Duration.hours(2)
   */
  readonly maxAge?: Duration;
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const DEFAULT_HEADERS = ['Accept', 'Authorization', 'Content-Type', 'X-Requested-With'];
/** An HTTP token without `$`, which nginx would read as a variable in the header values these go into. */
const TOKEN = /^[!#%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A DNS name or IPv4 address as browsers serialize an origin's host: lower case. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** `cors`, checked, as the renderer's model. */
export function resolveCors(field: string, value: CorsOptions): CorsModel {
  const o = optionsObject(field, value);
  const origins: unknown = o.allowOrigins;
  if (!Array.isArray(origins) || origins.length === 0) {
    throw invalid(`${field}.allowOrigins`, origins, 'must list at least one origin (e.g. "https://app.example.com"), or be ["*"]');
  }
  const credentials = checkBoolean(`${field}.allowCredentials`, o.allowCredentials ?? false);
  const any = origins.includes('*');
  if (any && origins.length > 1) {
    throw invalid(`${field}.allowOrigins`, origins, 'lists "*" beside other origins: "*" alone allows any origin');
  }
  if (any && credentials) {
    throw invalid(`${field}.allowCredentials`, true, 'with allowOrigins ["*"] would let any site act with the user\'s cookies; '
      + 'browsers refuse it: name the origins');
  }
  const seen = new Set<string>();
  const checked = any ? [] : origins.map((origin) => {
    const one = checkOrigin(`${field}.allowOrigins`, origin);
    if (seen.has(origin)) {
      throw invalid(`${field}.allowOrigins`, origin, 'is listed twice');
    }
    seen.add(origin);
    return one;
  });
  return {
    anyOrigin: any,
    exactOrigins: checked.filter((c) => c.pattern === undefined).map((c) => c.origin),
    originPatterns: checked.filter((c) => c.pattern !== undefined).map((c) => c.pattern!),
    methods: tokens(`${field}.allowMethods`, o.allowMethods ?? DEFAULT_METHODS, (m) => {
      if (m !== m.toUpperCase()) {
        throw invalid(`${field}.allowMethods`, m, `must be upper case ("${m.toUpperCase()}"): methods are case-sensitive`);
      }
    }),
    headers: tokens(`${field}.allowHeaders`, o.allowHeaders ?? DEFAULT_HEADERS, (h) => checkHeaderName(`${field}.allowHeaders`, h)),
    exposeHeaders: tokens(`${field}.exposeHeaders`, o.exposeHeaders ?? [], (h) => checkHeaderName(`${field}.exposeHeaders`, h)),
    credentials,
    maxAgeSeconds: wholeSeconds(`${field}.maxAge`, o.maxAge ?? Duration.hours(2), 0, 86400, '0 to 24 hours'),
  };
}

/** One origin: exact, or with `*.` for one label; the nginx regex for a pattern. */
function checkOrigin(field: string, origin: unknown): { origin: string; pattern?: string } {
  if (typeof origin !== 'string') {
    throw invalid(field, origin, 'must be a string: an origin such as "https://app.example.com"');
  }
  const m = /^(https?):\/\/(\*\.)?([^:/]+)(?::(\d{1,5}))?$/.exec(origin);
  if (!m || !HOST.test(m[3]) || (m[4] !== undefined && (Number(m[4]) < 1 || Number(m[4]) > 65535 || m[4].startsWith('0')))) {
    const lower = origin.toLowerCase();
    const hint = lower !== origin && /^https?:\/\//.test(lower) ? `: browsers send it in lower case ("${lower.replace(/\/$/, '')}")`
      : origin.endsWith('/') ? `: an origin has no path ("${origin.replace(/\/+$/, '')}")` : '';
    throw invalid(field, origin, `is not an origin: scheme "http" or "https", a lower-case host and an optional port, no path${hint}; `
      + '"*." may stand for one subdomain label ("https://*.example.com")');
  }
  if ((m[1] === 'https' && m[4] === '443') || (m[1] === 'http' && m[4] === '80')) {
    throw invalid(field, origin, `names the scheme's default port, which browsers leave out of Origin: write "${m[1]}://${m[2] ?? ''}${m[3]}"`);
  }
  if (m[2] === undefined) {
    return { origin };
  }
  const rest = `${m[3].replace(/\./g, '\\.')}${m[4] === undefined ? '' : `:${m[4]}`}`;
  return { origin, pattern: `^${m[1]}://[a-z0-9]([a-z0-9-]*[a-z0-9])?\\.${rest}$` };
}

/** A list of HTTP tokens, each checked by `check` too, none twice (any case). */
function tokens(field: string, value: unknown, check: (token: string) => void): string[] {
  if (!Array.isArray(value)) {
    throw invalid(field, value, 'must be a list');
  }
  const seen = new Set<string>();
  for (const t of value) {
    if (typeof t !== 'string' || !TOKEN.test(t)) {
      throw invalid(field, t, 'is not an HTTP token (letters, digits and !#%&\'*+.^_`|~-; no "$")');
    }
    check(t);
    if (seen.has(t.toLowerCase())) {
      throw invalid(field, t, 'is listed twice');
    }
    seen.add(t.toLowerCase());
  }
  return [...value];
}
