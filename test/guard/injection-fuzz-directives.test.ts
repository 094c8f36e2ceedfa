/**
 * Injection fuzzing of what goes into nginx.conf as directives: extra directive names and arguments
 * (http, server, route; the escape hatch) and gzip MIME types. The method, seed and scale:
 * test/guard/fuzz/harness.ts.
 */
import * as fc from 'fast-check';
import { Directive, DirectiveContext, Route } from '../../lib';
import { NGX_CONF_BUFFER } from '../support/nginx-parse';
import { KNOWN_DIRECTIVES, VALID_ARG, VALID_DIRECTIVE_NAME, VALID_MIME, fuzzed } from './fuzz/arbitraries';
import { Outcome, describeNginxChecks, describeProperties, fuzz, nginxInBatches, nginxTest, show } from './fuzz/harness';
import { Built, baseline, compareWithBaseline, exact, expectHits, literal, rejectedAs, synth } from './fuzz/parse-back';
import { runs } from './fuzz/seed';

// ---------------------------------------------------------------------------------------------
// The properties

type Place = 'http' | 'server' | 'route';
interface DirectiveCase { place: Place; name: string; args: string[] }
const DIRECTIVES = 'extra directive names and arguments';
const directiveCases = fc.record({
  place: fc.constantFrom<Place>('http', 'server', 'route'),
  name: fuzzed(VALID_DIRECTIVE_NAME, 'z', 15),
  args: fc.array(fuzzed(VALID_ARG, 'é', 20), { maxLength: 3 }),
});

function synthDirective(place: Place, name: string, args: string[]): Built {
  if (place === 'route') {
    return synth({}, (s) => s.addRoute(Route.proxy('/api/', { directives: [Directive.of(name, ...args)] })));
  }
  return synth({}, (s) => {
    s.addRoute(Route.proxy('/api/'));
    s.addDirective(place === 'http' ? DirectiveContext.HTTP : DirectiveContext.SERVER, Directive.of(name, ...args));
  });
}

function checkDirectiveCase({ place, name, args }: DirectiveCase): Outcome<DirectiveCase> {
  let built: Built;
  try {
    built = synthDirective(place, name, args);
  } catch (e) {
    return rejectedAs(e, [['Directive name', name], [`addDirective(${place})`, name], ['Route.proxy("/api/") directive', name],
      ...args.map((a, i): [string, string] => [`Directive ${JSON.stringify(name)} argument ${i + 1}`, a])]);
  }
  // Whatever the directive, a control character in an argument ends up in a header, a log line or a
  // path (e.g. `add_header X "a<LF>Set-Cookie: ..."` splits the response): never accepted.
  const control = args.find((a) => /[\x00-\x1f\x7f]/.test(a));
  if (control !== undefined) {
    throw new Error(`accepted the argument ${JSON.stringify(control)} with control characters`);
  }
  const nameMarker = 'fz_mark_directive';
  const argMarkers = args.map((_, i) => `fz-mark-arg-${i}`);
  const base = baseline(`directive:${place}:${args.length}`, () => synthDirective(place, nameMarker, argMarkers));
  const hits = compareWithBaseline(built, base, (w) => {
    if (w === nameMarker) {
      return exact(name);
    }
    const i = argMarkers.indexOf(w);
    return i >= 0 ? exact(args[i]) : undefined;
  });
  // A proxy route's directives are repeated in the location of its upgraded requests.
  const times = place === 'route' ? 2 : 1;
  expectHits(hits, nameMarker, times);
  argMarkers.forEach((m) => expectHits(hits, m, times));
  return { place, name, args };
}

const MIME_TYPES = 'gzip MIME types';
const mimeCases = fc.array(fuzzed(VALID_MIME, 'x', 20), { maxLength: 4 });

function synthGzip(types: string[]): Built {
  return synth({ gzip: { types } }, (s) => s.addRoute(Route.proxy('/')));
}

function checkMimeCase(types: string[]): Outcome<string[]> {
  let built: Built;
  try {
    built = synthGzip(types);
  } catch (e) {
    return rejectedAs(e, types.map((t): [string, string] => ['gzip.types', t]));
  }
  const markers = types.map((_, i) => `fz/mark${i}`);
  const base = baseline(`gzip:${types.length}`, () => synthGzip(markers));
  const hits = compareWithBaseline(built, base, (w) => {
    const i = markers.indexOf(w);
    return i >= 0 ? literal(types[i]) : undefined;
  });
  markers.forEach((m) => expectHits(hits, m, 1));
  // nginx warns about a type listed twice (it lower-cases them) and about text/html, which it always compresses.
  const seen = new Set<string>(['text/html']);
  for (const t of types.map((x) => x.toLowerCase())) {
    if (seen.has(t)) {
      throw new Error(`accepted gzip.types ${JSON.stringify(types)}: nginx warns "duplicate MIME type ${JSON.stringify(t)}"`);
    }
    seen.add(t);
  }
  return types;
}

// ---------------------------------------------------------------------------------------------
// The properties with their numbers of runs, and boundary examples every run tries: a UTF-8
// argument of 4096 bytes in 2048 characters, a real MIME type longer than nginx's gzip_types hash
// bucket (64 bytes) holds.

const runDirectives = () => fuzz(DIRECTIVES, directiveCases, runs(260), checkDirectiveCase, [
  { place: 'route', name: 'set', args: ['$fz_long', 'é'.repeat(NGX_CONF_BUFFER / 2)] },
  { place: 'http', name: 'charset_map', args: ['koi8-r', 'utf-8'] },
]);
const runMimeTypes = () => fuzz(MIME_TYPES, mimeCases, runs(120), checkMimeCase, [
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
]);

// ---------------------------------------------------------------------------------------------
// The tests

describeProperties([[DIRECTIVES, runDirectives], [MIME_TYPES, runMimeTypes]]);

/** The args of an accepted directive case that real nginx can check: `$` only in variables nginx knows. */
function nginxCheckable(arg: string): boolean {
  return !arg.replace(/\$(\{(host|uri)\}|(host|uri)(?![A-Za-z0-9_]))/g, '').includes('$');
}

describeNginxChecks(() => {
  it('extra directive names: none that nginx knows opens a block', () => {
    // Arguments are the user's business (nginx -t may refuse them); a block directive written as a
    // simple one is the library's: it must refuse the name. One nginx run per name nginx knows.
    const r = runDirectives();
    const known = new Map<string, DirectiveCase>();
    r.accepted.filter((c) => KNOWN_DIRECTIVES.includes(c.name)).forEach((c) => known.set(`${c.place}:${c.name}`, c));
    // The generators do reach names nginx knows, else the loop below checks nothing (5 at the
    // default seed; other seeds vary, so only "some" is asserted).
    expect(known.size).toBeGreaterThan(0);
    for (const c of known.values()) {
      const out = nginxTest(synthDirective(c.place, c.name, c.args).objects).output;
      if (/has no opening "\{"/.test(out)) {
        throw new Error(`Directive.of(${JSON.stringify(c.name)}) is accepted, but nginx says: ${out.split('\n')[0]}`);
      }
      // nginx read the sidecar's config and came to a verdict on it.
      expect(out).toMatch(/^nginx: configuration file \/etc\/nginx\/sidecar\/nginx\.conf test (is successful|failed)$/m);
    }
  });

  it('extra directive arguments', () => {
    const r = runDirectives();
    // Accepted names are arbitrary identifiers nginx does not know: each accepted argument is checked
    // in a directive nginx knows and that takes any string, in the same context.
    const args = r.accepted.flatMap((c) => c.args.map((a) => ({ place: c.place, arg: a })));
    const checkable = args.filter((a) => nginxCheckable(a.arg));
    nginxInBatches(DIRECTIVES, checkable, (batch) => synth({}, (s) => {
      const routeDirectives: Directive[] = [];
      batch.forEach(({ place, arg }, i) => {
        if (place === 'route') {
          routeDirectives.push(Directive.of('set', `$fz_${i}`, arg));
        } else if (place === 'server') {
          s.addDirective(DirectiveContext.SERVER, Directive.of('set', `$fz_${i}`, arg));
        } else {
          s.addDirective(DirectiveContext.HTTP, Directive.of('log_format', `fz_${i}`, 'x', arg));
        }
      });
      s.addRoute(Route.proxy('/api/', { directives: routeDirectives }));
    }).objects, (a) => `${a.place}: ${show(a.arg)}`, { skipped: args.length - checkable.length });
  });

  it('gzip MIME types', () => {
    const r = runMimeTypes();
    nginxInBatches(MIME_TYPES, [...new Set(r.accepted.flat())], (batch) => synthGzip(batch).objects, show);
  });
});
