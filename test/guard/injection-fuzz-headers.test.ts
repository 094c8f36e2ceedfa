/**
 * Injection fuzzing of what nginx puts in HTTP headers: header names and values (sidecar-wide and per
 * route, in add_header) and private cookie names (the cache's map regex over the Cookie header).
 * The method, seed and scale: test/guard/fuzz/harness.ts.
 */
import * as fc from 'fast-check';
import { Route } from '../../lib';
import { NGX_CONF_BUFFER } from '../support/nginx-parse';
import { VALID_COOKIE, VALID_HEADER_NAME, VALID_HEADER_VALUE, fuzzed } from './fuzz/arbitraries';
import { Outcome, describeNginxChecks, describeProperties, fuzz, nginxInBatches, show } from './fuzz/harness';
import { Built, FACTORY, PathKind, baseline, compareWithBaseline, exact, expectHits, literal, rejectedAs, routeOf, synth } from './fuzz/parse-back';
import { runs } from './fuzz/seed';

// ---------------------------------------------------------------------------------------------
// The properties

type HeaderScope = 'sidecar' | 'proxy' | 'static' | 'file';
interface HeaderCase { scope: HeaderScope; name: string; value: string }
const HEADERS = 'header names and values';
const headerCases = fc.record({
  scope: fc.constantFrom<HeaderScope>('sidecar', 'proxy', 'static', 'file'),
  name: fuzzed(VALID_HEADER_NAME, 'X'),
  value: fuzzed(VALID_HEADER_VALUE, 'v'),
});
const HEADER_ROUTES: Record<Exclude<HeaderScope, 'sidecar'>, [PathKind, string]> = {
  proxy: ['proxy', '/api/'], static: ['static', '/'], file: ['file', '/robots.txt'],
};

function synthHeaders(scope: HeaderScope, name: string, value: string): Built {
  const headers = { [name]: value };
  return synth({ responseHeaders: scope === 'sidecar' ? headers : undefined }, (s) => {
    for (const [routeScope, [kind, p]] of Object.entries(HEADER_ROUTES)) {
      s.addRoute(routeOf(kind, p, { headers: routeScope === scope ? headers : undefined }));
    }
  });
}

function checkHeaderCase({ scope, name, value }: HeaderCase): Outcome<HeaderCase> {
  let built: Built;
  const field = scope === 'sidecar' ? 'responseHeaders' : `Route.${FACTORY[HEADER_ROUTES[scope][0]]}(${JSON.stringify(HEADER_ROUTES[scope][1])})`;
  try {
    built = synthHeaders(scope, name, value);
  } catch (e) {
    return rejectedAs(e, [[`${field} header name`, name], [`${field} header ${JSON.stringify(name)}`, value]]);
  }
  // Independent of the library's rules: what RFC 9110 allows, so no header can be injected.
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw new Error(`accepted the header name ${JSON.stringify(name)}, which is not an RFC 9110 token`);
  }
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) {
    throw new Error(`accepted the header value ${JSON.stringify(value)} with control characters`);
  }
  // Cache-Control changes what the library adds (no no-cache default, not on the error page): keep the name then.
  const nameMarker = /^cache-control$/i.test(name) ? name : 'X-Fz-Mark';
  const valueMarker = 'fz-mark-value';
  const base = baseline(`header:${scope}:${nameMarker}`, () => synthHeaders(scope, nameMarker, valueMarker));
  // add_header's name is a plain string in nginx ("X-$host" is sent as it is); its value is interpolated.
  const hits = compareWithBaseline(built, base, (w) => w === 'X-Fz-Mark' ? exact(name) : w === valueMarker ? literal(value) : undefined);
  // Sidecar-wide: in each of the 3 route locations, the proxy route's upgrade location and the error
  // page (but Cache-Control); per route: once, twice for the proxy route (its upgrade location too).
  const perRoute = scope === 'proxy' ? 2 : 1;
  expectHits(hits, valueMarker, scope !== 'sidecar' ? perRoute : nameMarker === name ? 4 : 5);
  return { scope, name, value };
}

const COOKIES = 'private cookie names';
const cookieCases = fc.array(fuzzed(VALID_COOKIE, 'c', 30), { minLength: 1, maxLength: 4 });

function synthCookies(names: string[]): Built {
  return synth({ cache: { privateCookies: names } }, (s) => s.addRoute(Route.proxy('/c/', { cache: {} })));
}

/**
 * The map's regex entries (one, or one per cookie) together must match exactly the named cookies:
 * nginx uses PCRE, and JS agrees with it on this subset.
 */
function checkCookieRegexes(entries: string[], names: string[]): void {
  const regexes = entries.map((e) => {
    if (!e.startsWith('~') || e.startsWith('~*')) {
      throw new Error(`the cookie map entry ${JSON.stringify(e)} is not a case-sensitive regex`);
    }
    return new RegExp(e.slice(1));
  });
  const matches = (header: string) => regexes.some((re) => re.test(header));
  const named = new Set(names);
  for (const n of names) {
    for (const header of [`${n}=1`, `other=1; ${n}=2`, `other=1;${n}=`]) {
      if (!matches(header)) {
        throw new Error(`the cookie regexes ${JSON.stringify(entries)} miss ${JSON.stringify(header)}`);
      }
    }
    const others = [`x${n}`, `${n}x`, n.replace(/\./g, 'Z'), n.replace(/-/g, '')].filter((o) => o !== '' && !named.has(o));
    for (const o of others) {
      if (matches(`${o}=1`)) {
        throw new Error(`the cookie regexes ${JSON.stringify(entries)} also match the cookie ${JSON.stringify(o)}`);
      }
    }
  }
}

function checkCookieCase(names: string[]): Outcome<string[]> {
  let built: Built;
  try {
    built = synthCookies(names);
  } catch (e) {
    // A list too long for one regex may be refused as a whole: then the list is the value.
    return rejectedAs(e, [...names.map((n): [string, string] => ['cache.privateCookies', n]), ['cache.privateCookies', names]]);
  }
  const markers = names.map((_, i) => `fzmarkcookie${i}`);
  const base = baseline(`cookies:${names.length}`, () => synthCookies(markers));
  const entries: string[] = [];
  compareWithBaseline(built, base, (w) => w.includes('fzmarkcookie') ? (actual) => entries.push(actual) : undefined);
  checkCookieRegexes(entries, names);
  return names;
}

// ---------------------------------------------------------------------------------------------
// The properties with their numbers of runs, and boundary examples every run tries: nginx's 4 KiB
// token buffer (4093 bytes quoted before a space is the most it takes), many cookies in one regex.

const runHeaders = () => fuzz(HEADERS, headerCases, runs(320), checkHeaderCase, [
  { scope: 'proxy', name: 'X-A', value: 'v'.repeat(NGX_CONF_BUFFER - 2) },
  { scope: 'sidecar', name: 'X-A', value: '"'.repeat(NGX_CONF_BUFFER / 2) },
]);
const runCookies = () => fuzz(COOKIES, cookieCases, runs(120), checkCookieCase, [
  ['c'.repeat(NGX_CONF_BUFFER)],
  Array.from({ length: 300 }, (_, i) => `session${i}`),
]);

// ---------------------------------------------------------------------------------------------
// The tests

describeProperties([[HEADERS, runHeaders], [COOKIES, runCookies]]);

describeNginxChecks(() => {
  it('header names and values', () => {
    const r = runHeaders();
    // Each value goes on a proxy route of the batch (one header map per route: names unique per route).
    nginxInBatches(HEADERS, r.accepted, (batch) => synth({}, (s) => {
      const routes: Array<Record<string, string>> = [];
      for (const h of batch) {
        let target = routes.find((m) => !Object.keys(m).some((k) => k.toLowerCase() === h.name.toLowerCase()));
        if (!target) {
          target = {};
          routes.push(target);
        }
        Object.defineProperty(target, h.name, { value: h.value, enumerable: true });
      }
      routes.forEach((headers, i) => s.addRoute(Route.proxy(`/h${i}/`, { headers })));
    }).objects, (h) => `${show(h.name)}: ${show(h.value)}`);
  });

  it('private cookie names', () => {
    const r = runCookies();
    const names = [...new Set(r.accepted.flat())];
    // All names of a batch end up in one regex: a batch stays well below nginx's 4 KiB token buffer
    // (a single name, or one user's list, that breaks it is the property's business).
    nginxInBatches(COOKIES, names, (batch) => synthCookies(batch).objects, show, { maxBytes: 1500, bytes: (n) => n.length + 1 });
  });
});
