/**
 * Injection fuzzing: every user-supplied string that reaches nginx.conf (or, for static files, the
 * ConfigMap that nginx serves from) is generated adversarially with fast-check. Each generated input
 * must either
 *
 *   (a) be refused with a ConfigError whose message starts with the field and the value as JSON
 *       (the format of `invalid()` in lib/nginx/tokens.ts), or
 *   (b) be synthesized, and then the nginx.conf in the ConfigMap, parsed back with a model of nginx's
 *       own lexer (test/support/nginx-parse.ts), has exactly the structure of the config synthesized
 *       from a harmless marker value in the same place (same directives, names, argument counts and
 *       blocks), with the generated value, unescaped, exactly where the marker was and nowhere else;
 *       and the real `nginx -t` accepts it.
 *
 * Strings reaching nginx.conf: route paths (location, X-Forwarded-Prefix, the SPA fallback), header
 * names and values (sidecar-wide and per route), extra directive names and arguments (http, server,
 * route), private cookie names (a map regex), gzip MIME types and a static route's index file name.
 * Static file and directory names do not reach nginx.conf (checked: it stays byte for byte the same);
 * they become ConfigMap keys and volume item paths, checked against the Kubernetes rules instead.
 * The API has no server names (server_name is always "_"); portName, containerName, image and env
 * end up in the manifest only, and `nginxConf` is the user's own file by design.
 *
 * Cost and reproducibility: every case goes through synthesis and the parse-back check (a few ms).
 * Real `nginx -t` in the pod sandbox costs ~40 ms, so the accepted values of each property are
 * batched: one config holding up to BATCH of them (many locations, headers, directives) per run, and
 * a failing batch is bisected down to the value that breaks it. So every accepted value meets real
 * nginx once, in ~20 nginx runs rather than ~800. The lexer model itself is checked against real
 * nginx by a differential property below.
 *
 * Seeded: FUZZ_SEED=<int> picks another seed (the default is fixed, so CI is reproducible), and
 * FUZZ_SCALE=<n> multiplies the number of runs (e.g. 10 for a long local run). A failure prints the
 * seed and fast-check's shrunk counterexample with its replay path.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { ConfigError, Directive, DirectiveContext, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { K8sObject, podTemplateOf, workloadsWithContainer } from '../support/manifests';
import { NGX_CONF_BUFFER, NginxDirective, NginxParseError, lexNginxConf, parseNginxConf, shapeOf, walk } from '../support/nginx-parse';
import { prepareContainer, runInContainer } from '../support/pod-sandbox';
import { describeWithTools } from '../support/real-tools';

// ---------------------------------------------------------------------------------------------
// Seed, scale, bookkeeping

function envNumber(name: string, fallback: number, valid: (n: number) => boolean, what: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const n = Number(raw);
  if (!valid(n)) {
    throw new Error(`${name}=${raw} is not ${what}`);
  }
  return n;
}

const SEED = envNumber('FUZZ_SEED', 20260705, Number.isSafeInteger, 'an integer');
const SCALE = envNumber('FUZZ_SCALE', 1, (n) => Number.isFinite(n) && n > 0, 'a positive number');
/** Accepted values per real nginx -t run. */
const BATCH = 48;

const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const REJECTED = Symbol('rejected');
type Outcome<B> = B | typeof REJECTED;

interface PropertyResult<B> {
  readonly runs: number;
  readonly rejected: number;
  readonly accepted: B[];
}

const results = new Map<string, PropertyResult<unknown> | Error>();
const nginxStats = new Map<string, { values: number; runs: number; skipped: number }>();

/**
 * Runs a property once per test file (both the parse-back test and the nginx -t test use its result).
 * `check` returns REJECTED or what the nginx -t batch needs of an accepted value, and throws when
 * the property does not hold. `examples` run first, whatever the seed (boundaries worth every run).
 */
function fuzz<T, B>(name: string, arb: fc.Arbitrary<T>, numRuns: number, check: (value: T) => Outcome<B>, examples: T[] = []): PropertyResult<B> {
  const cached = results.get(name);
  if (cached instanceof Error) {
    throw new Error(`${name}: the property failed (see its own test): ${cached.message.split('\n')[0]}`);
  }
  if (cached) {
    return cached as PropertyResult<B>;
  }
  const result = { runs: 0, rejected: 0, accepted: [] as B[] };
  let shrinking = false;
  try {
    fc.assert(fc.property(arb, (value) => {
      let out: Outcome<B>;
      try {
        out = check(value);
      } catch (e) {
        shrinking = true; // from here on fast-check only shrinks: stop counting
        throw e;
      }
      if (!shrinking) {
        result.runs++;
        if (out === REJECTED) {
          result.rejected++;
        } else {
          result.accepted.push(out);
        }
      }
    }), { seed: SEED, numRuns, examples: examples.map((e): [T] => [e]) });
  } catch (e) {
    const cause = (e as Error & { cause?: unknown }).cause;
    const err = new Error(compact(`${name}: a generated input breaks the property. Reproduce with FUZZ_SEED=${SEED}`
      + `${SCALE !== 1 ? ` FUZZ_SCALE=${SCALE}` : ''}.\n${(e as Error).message}`
      + (cause instanceof Error ? `\nWhat broke: ${cause.message}` : '')));
    results.set(name, err);
    throw err;
  }
  results.set(name, result);
  return result;
}

/** Shortens runs of a one- or two-character unit (the long generated values) so a report stays readable. */
function compact(message: string): string {
  return message.replace(/(.{1,2}?)\1{39,}/gsu, (run, unit: string) =>
    `${unit.repeat(4)}<...${[...run].length / [...unit].length} x ${JSON.stringify(unit)}...>`);
}

afterAll(() => {
  const lines = ['injection fuzzing, seed ' + SEED + (SCALE !== 1 ? `, scale ${SCALE}` : '') + ':'];
  let total = 0;
  for (const [name, r] of results) {
    if (r instanceof Error) {
      lines.push(`  ${name}: FAILED`);
      continue;
    }
    total += r.runs;
    const n = nginxStats.get(name);
    lines.push(`  ${name}: ${r.runs} cases, ${r.accepted.length} accepted (${Math.round(100 * r.accepted.length / Math.max(1, r.runs))}%)`
      + (n ? `, nginx -t on ${n.values} in ${n.runs} runs${n.skipped ? ` (${n.skipped} not nginx-checkable)` : ''}` : ''));
  }
  lines.push(`  total: ${total} cases`);
  // eslint-disable-next-line no-console
  console.log(lines.join('\n'));
});

// ---------------------------------------------------------------------------------------------
// Generators: valid-looking values (so a good share is accepted), the same with nginx
// metacharacters, control characters, unicode, `..` and `//` inserted, location modifiers in front,
// arbitrary code points (lone surrogates included), and very long values around nginx's 4 KiB token
// buffer.

const META = [
  ';', '{', '}', '#', '\'', '"', '\\', '$', '`', ' ', '\t', '\r', '\n', '\r\n', '\0', '\x0b', '\x0c', '\x7f', '\x1b',
  '\u0085', '\u00a0', '\u2028', 'é', '\u{1F600}', '\ud800', '..', '/..', '../', '//', '/', '.', '=', '~', '^~', '~*', '@',
  '*', '(', ')', ',', ':', '%', '&', '|', '?', '+', '<', '>', '[', ']', '\\n', '\\r', '\\"', '${', '$host', '${host}',
  '%0d%0a', ' #', ';}', '"; add_header X-Evil 1; #', '}\nserver {', '\\\'', '/_sidecar/', '\r\nX-Injected: 1',
];
const LEADERS = ['=', '= ', '~', '~*', '^~', '@', ' ', '\t', '"', '\'', '#', '}', '\\', '$'];

function chars(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...[...alphabet]), minLength, maxLength });
}

/** `valid` with 1 to 3 metacharacters inserted at arbitrary positions. */
function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.constantFrom(...META)), { minLength: 1, maxLength: 3 }))
    .map(([s, inserts]) => inserts.reduce((acc, [at, m]) => {
      const i = at % (acc.length + 1);
      return acc.slice(0, i) + m + acc.slice(i);
    }, s));
}

/** `valid` padded with `filler` to a length in [min, max]: by default around nginx's 4096-byte token buffer. */
function long(valid: fc.Arbitrary<string>, filler: string, min = 3950, max = 4200): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.integer({ min, max })).map(([s, n]) => s + filler.repeat(Math.max(0, n - s.length)));
}

/**
 * The mix used for every field: about half valid-looking, half adversarial (more valid-looking for
 * elements of lists, where one bad element refuses the whole case).
 */
function fuzzed(valid: fc.Arbitrary<string>, filler: string, validWeight = 10): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: validWeight, arbitrary: valid },
    { weight: 8, arbitrary: mutated(valid) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...LEADERS), valid).map(([a, b]) => a + b) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
    { weight: 1, arbitrary: long(valid, filler, 500, 3000) },
    { weight: 1, arbitrary: long(valid, filler) },
  );
}

const PATH_SEGMENT = fc.oneof(
  { weight: 8, arbitrary: chars('abcxyzABZ019._~-', 1, 10) },
  { weight: 1, arbitrary: fc.constantFrom('.', '..', '...', '..a', '.well-known', '_sidecar', 'healthz', '~user', '-', 'api') },
);
const VALID_PATH = fc.tuple(fc.array(PATH_SEGMENT, { maxLength: 4 }), fc.boolean())
  .map(([segs, slash]) => `/${segs.join('/')}${slash && segs.length > 0 ? '/' : ''}`);

const TOKEN_CHARS = 'XYZabc-_019!#$%&\'*+.^`|~';
const VALID_HEADER_NAME = fc.oneof(
  { weight: 6, arbitrary: chars(TOKEN_CHARS, 1, 16) },
  { weight: 3, arbitrary: fc.constantFrom('X-Frame-Options', 'Referrer-Policy', 'Cache-Control', 'cache-control', 'Set-Cookie', 'X-$host', '__proto__', 'constructor') },
  { weight: 1, arbitrary: fc.constantFrom('Content-Length', 'connection', 'Transfer-Encoding', 'Upgrade', 'TE') },
);
/** Printable ASCII but `$` and `\`: all accepted, including `;{}#'"` which must stay inside quotes. */
const VALUE_CHARS = [...Array(95)].map((_, i) => String.fromCharCode(32 + i)).filter((c) => c !== '$' && c !== '\\').join('');
const VALID_HEADER_VALUE = fc.oneof(
  { weight: 6, arbitrary: chars(VALUE_CHARS, 0, 40).map((s) => s.trim()) },
  { weight: 3, arbitrary: fc.constantFrom('nosniff', 'DENY', 'max-age=31536000; includeSubDomains', 'default-src \'self\'; img-src *',
    '"quoted"', '}', '#', '{a}', 'a;b', ';', '\'', '"', 'no-cache') },
);
/** Directive names nginx knows, simple and block ones (those must be refused: only simple directives can be added). */
const KNOWN_DIRECTIVES = ['proxy_buffers', 'expires', 'add_header', 'proxy_set_header', 'include', 'set', 'return', 'location', 'if',
  'server', 'map', 'types', 'charset_map', 'geo', 'split_clients', 'limit_except', 'events', 'http', 'upstream'];
const VALID_DIRECTIVE_NAME = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/) },
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_DIRECTIVES) },
);
/** Arguments may hold `$`, spaces and any unicode (even a lone surrogate, which UTF-8 cannot carry). */
const ARG_CHARS = `${VALUE_CHARS}$\u00e9\u00a0\u2028\u0085\ud800`;
const VALID_ARG = fc.oneof(
  { weight: 6, arbitrary: chars(ARG_CHARS, 0, 30) },
  { weight: 3, arbitrary: fc.constantFrom('16', '8k', '$host', '${host}x', 'a;b {c} #d', '"', '\'', '', ' ', '#', '}', '{', 'off', '\u{1F600}') },
);
const VALID_COOKIE = fc.oneof(
  { weight: 6, arbitrary: chars('abcXYZ019._-', 1, 16) },
  { weight: 3, arbitrary: fc.constantFrom('session', 'connect.sid', 'session-id', '__Host-id', 'a.b.c', '.', '-', '_') },
);
const VALID_MIME = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('text', 'application', 'image', 'font', 'x'), chars('abcxyz019!&^_.+-', 1, 12))
    .map(([t, s]) => `${t}/${s}`) },
  { weight: 4, arbitrary: fc.constantFrom('text/css', 'application/json', 'image/svg+xml', 'application/vnd.api+json', 'text/plain',
    'image/png', 'text/html', '*/*', '*', 'Text/CSS', 'text/', '/css') },
);
const VALID_FILE_NAME = fc.oneof(
  { weight: 6, arbitrary: chars('abcXYZ019._-', 1, 14) },
  { weight: 3, arbitrary: fc.constantFrom('index.html', 'app.js', '.hidden', '.env', '.well-known', 'a..b', '-', '_', '..a', 'x~y') },
);

// ---------------------------------------------------------------------------------------------
// Building, rejecting, comparing

const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'injection-fuzz-'));
const site = path.join(fixtures, 'site');
fs.mkdirSync(path.join(site, 'js'), { recursive: true });
fs.writeFileSync(path.join(site, 'index.html'), '<!DOCTYPE html><p>hi</p>\n');
fs.writeFileSync(path.join(site, 'js', 'app.js'), 'console.log(1);\n');
// Index names the generator makes often, so that SPA routes (whose index must exist) accept some.
// fzmark.html is the baseline's index.
for (const name of ['app.html', 'app.js', 'a..b', '-', '_', 'fzmark.html']) {
  fs.writeFileSync(path.join(site, name), `${name}\n`);
}
const siteFile = path.join(site, 'index.html');
afterAll(() => fs.rmSync(fixtures, { recursive: true, force: true }));

interface Built {
  readonly conf: string;
  readonly parsed: NginxDirective[];
  readonly objects: K8sObject[];
}

/** The input was accepted (synthesis succeeded), but what came out is broken. */
class AcceptedButBroken extends Error {
  constructor(message: string) {
    super(`accepted, but ${message}`);
    this.name = 'AcceptedButBroken';
  }
}

/**
 * Synthesizes a chart with a Deployment (app on 5000) and the sidecar; returns the nginx.conf as
 * written, parsed the way nginx reads it, after the checks that hold whatever the input.
 */
function synth(props: Partial<ReverseProxySidecarProps>, configure: (s: ReverseProxySidecar) => void = () => undefined): Built {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
  const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), ...props });
  configure(sidecar);
  const objects = Testing.synth(chart) as K8sObject[];
  try {
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap' && typeof o.data?.['nginx.conf'] === 'string');
    if (configMaps.length !== 1) {
      throw new Error(`expected one ConfigMap with nginx.conf, found ${configMaps.length}`);
    }
    const conf: string = configMaps[0].data['nginx.conf'];
    let parsed: NginxDirective[];
    try {
      parsed = parseNginxConf(conf);
    } catch (e) {
      throw new Error(`the synthesized nginx.conf does not parse the way nginx reads it: ${(e as Error).message}\n${excerpt(conf, e)}`);
    }
    checkLocations(parsed);
    checkKubernetesNames(objects);
    return { conf, parsed, objects };
  } catch (e) {
    throw new AcceptedButBroken((e as Error).message);
  }
}

function excerpt(conf: string, e: unknown): string {
  const line = e instanceof NginxParseError ? e.line : 0;
  return conf.split('\n').map((l, i) => `${String(i + 1).padStart(4)}| ${l.length > 160 ? l.slice(0, 160) + '...' : l}`)
    .filter((_, i) => line === 0 || Math.abs(i + 1 - line) <= 3).join('\n');
}

/**
 * What building threw must be a ConfigError whose message starts with one of the fields followed by
 * the value, shown as `invalid()` shows it; anything else (a TypeError, a broken output) is a bug.
 */
function rejectedAs(e: unknown, candidates: Array<[field: string, value: unknown]>): typeof REJECTED {
  if (e instanceof AcceptedButBroken) {
    throw e;
  }
  if (!(e instanceof ConfigError)) {
    throw new Error(`expected a ConfigError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  const prefixes = candidates.map(([f, v]) => `${f} ${typeof v === 'string' ? JSON.stringify(v) : String(v)} `);
  if (!prefixes.some((p) => e.message.startsWith(p))) {
    throw new Error(`the ConfigError does not start with the field and the value; expected one of\n  ${prefixes.map((p) => JSON.stringify(p)).join('\n  ')}\n`
      + `got ${JSON.stringify(e.message)}`);
  }
  return REJECTED;
}

/** An argument or name of the fuzzed config, given the one at the same place in the baseline. */
type Expectation = (actual: string) => void;

/** The value, literally: nginx must not read a variable in it. */
function literal(value: string): Expectation {
  return (actual) => {
    if (actual !== value) {
      throw new Error(`expected ${JSON.stringify(value)}, nginx reads ${JSON.stringify(actual)}`);
    }
    if (value.includes('$')) {
      throw new Error(`${JSON.stringify(value)} reaches a literal argument with "$": nginx would read a variable`);
    }
  };
}

/** The value exactly (an escape-hatch argument, where `$` means a variable on purpose). */
function exact(value: string): Expectation {
  return (actual) => {
    if (actual !== value) {
      throw new Error(`expected ${JSON.stringify(value)}, nginx reads ${JSON.stringify(actual)}`);
    }
  };
}

/**
 * Compares the fuzzed config with the baseline synthesized from a marker value: the same directives
 * with the same names, argument counts and blocks, in the same order; every word equal to the
 * baseline's except where `subst` maps the baseline's word (a marker) to an expectation. Returns how
 * often each marker was met.
 */
function compareWithBaseline(fuzzedConf: Built, baseline: Built, subst: (baselineWord: string) => Expectation | undefined): Map<string, number> {
  const hits = new Map<string, number>();
  const shapes = () => {
    const a = shapeOf(fuzzedConf.parsed);
    const b = shapeOf(baseline.parsed);
    const i = a.findIndex((l, k) => l !== b[k]);
    const at = i < 0 ? Math.min(a.length, b.length) : i;
    return `structure differs from the baseline at line ${at + 1} of the shape:\n  fuzzed:   ${a.slice(Math.max(0, at - 2), at + 3).join(' | ')}`
      + `\n  baseline: ${b.slice(Math.max(0, at - 2), at + 3).join(' | ')}`;
  };
  const word = (base: string, actual: string, where: string) => {
    const expectation = subst(base);
    if (expectation === undefined) {
      if (actual !== base) {
        throw new Error(`${where}: expected ${JSON.stringify(base)} as in the baseline, nginx reads ${JSON.stringify(actual)}`);
      }
      return;
    }
    hits.set(base, (hits.get(base) ?? 0) + 1);
    try {
      expectation(actual);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
  };
  const compare = (a: NginxDirective[], b: NginxDirective[], where: string) => {
    if (a.length !== b.length) {
      throw new Error(`${where}: ${a.length} directives, the baseline has ${b.length}; ${shapes()}`);
    }
    a.forEach((da, i) => {
      const db = b[i];
      const here = `${where} > ${db.name}#${i}`;
      if (da.args.length !== db.args.length || !!da.block !== !!db.block) {
        throw new Error(`${here}: ${shapes()}`);
      }
      word(db.name, da.name, `${here} (name)`);
      db.args.forEach((arg, j) => word(arg, da.args[j], `${here} argument ${j + 1}`));
      if (da.block && db.block) {
        compare(da.block, db.block, here);
      }
    });
  };
  compare(fuzzedConf.parsed, baseline.parsed, 'nginx.conf');
  return hits;
}

/** Our renderer writes only prefix and exact locations: the path argument must start with "/" (else: regex or named). */
function checkLocations(conf: NginxDirective[]): void {
  for (const { d } of walk(conf)) {
    if (d.name !== 'location') {
      continue;
    }
    const ok = (d.args.length === 1 && d.args[0].startsWith('/')) || (d.args.length === 2 && d.args[0] === '=' && d.args[1].startsWith('/'));
    if (!ok || !d.block) {
      throw new Error(`location ${JSON.stringify(d.args)} is not a plain prefix or exact location`);
    }
  }
}

const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * What the API server and the kubelet require of ConfigMap keys and of the paths a configMap volume
 * projects them to (IsConfigMapKey, validateLocalNonReservedPath, the atomic writer's limits): a
 * manifest that breaks these is refused at `kubectl apply` or never mounts.
 */
function checkKubernetesNames(objects: K8sObject[]): void {
  const configMaps = new Map<string, K8sObject>(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o]));
  for (const cm of configMaps.values()) {
    for (const key of [...Object.keys(cm.data ?? {}), ...Object.keys(cm.binaryData ?? {})]) {
      if (!CONFIG_MAP_KEY.test(key) || key.length > 253 || key === '.' || key === '..' || key.startsWith('..')) {
        throw new Error(`ConfigMap ${cm.metadata.name} has the invalid key ${JSON.stringify(key)}`);
      }
    }
  }
  for (const workload of workloadsWithContainer(objects, 'nginx')) {
    for (const v of podTemplateOf(workload).spec.volumes ?? []) {
      for (const item of v.configMap?.items ?? []) {
        const p: string = item.path;
        const segments = p.split('/');
        const problem = p === '' ? 'is empty'
          : p.startsWith('/') ? 'is absolute'
            : segments.includes('..') ? 'contains ".."'
              : p.startsWith('..') ? 'starts with ".." (the API server refuses it)'
                : segments.some((s) => Buffer.byteLength(s) > 255) ? 'has a name over 255 bytes'
                  : Buffer.byteLength(p) > 4096 ? 'is over 4096 bytes' : undefined;
        if (problem) {
          throw new Error(`volume ${v.name} projects key ${JSON.stringify(item.key)} to ${JSON.stringify(p)}, which ${problem}`);
        }
        const cm = configMaps.get(v.configMap.name);
        if (!cm || !(item.key in (cm.data ?? {}) || item.key in (cm.binaryData ?? {}))) {
          throw new Error(`volume ${v.name} projects the missing key ${JSON.stringify(item.key)}`);
        }
      }
    }
  }
}

const baselines = new Map<string, Built>();
function baseline(key: string, build: () => Built): Built {
  let b = baselines.get(key);
  if (!b) {
    b = build();
    baselines.set(key, b);
  }
  return b;
}

function expectHits(hits: Map<string, number>, marker: string, expected: number): void {
  const n = hits.get(marker) ?? 0;
  if (n !== expected) {
    throw new Error(`the value appears ${n} times in nginx.conf where the baseline's marker ${JSON.stringify(marker)} is; expected ${expected}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Real nginx -t, in batches

function nginxTest(objects: K8sObject[]): { ok: boolean; output: string } {
  const [workload] = workloadsWithContainer(objects, 'nginx');
  const container = prepareContainer(objects, workload, 'nginx');
  try {
    const r = runInContainer(container, [...container.command, '-t']);
    // A warning counts as a failure: the library means to write configs nginx has nothing to say about.
    const ok = r.status === 0 && r.output.includes('test is successful') && !/\[(warn|emerg|alert|crit)\]/.test(r.output);
    return { ok, output: r.output };
  } finally {
    container.cleanup();
  }
}

/**
 * Runs nginx -t on configs holding the accepted values, BATCH at a time; a failing batch is halved
 * until one value (or the smallest failing group) is left, and reported with nginx's output.
 */
function nginxInBatches<B>(name: string, items: B[], build: (batch: B[]) => K8sObject[], show: (b: B) => string,
  opts: { batchSize?: number; maxBytes?: number; bytes?: (b: B) => number; skipped?: number } = {}): void {
  const { batchSize = BATCH, maxBytes = Infinity, bytes = () => 0, skipped = 0 } = opts;
  const stats = { values: items.length, runs: 0, skipped };
  nginxStats.set(name, stats);
  const attempt = (batch: B[]) => {
    stats.runs++;
    let objects: K8sObject[];
    try {
      objects = build(batch);
    } catch (e) {
      return { ok: false, output: `building the batch failed: ${(e as Error).message}` };
    }
    return nginxTest(objects);
  };
  const batches: B[][] = [];
  for (const item of items) {
    const last = batches[batches.length - 1];
    if (last && last.length < batchSize && last.reduce((n, b) => n + bytes(b), 0) + bytes(item) <= maxBytes) {
      last.push(item);
    } else {
      batches.push([item]);
    }
  }
  for (let batch of batches) {
    let r = attempt(batch);
    while (!r.ok && batch.length > 1) {
      const a = batch.slice(0, Math.ceil(batch.length / 2));
      const b = batch.slice(a.length);
      const ra = attempt(a);
      if (!ra.ok) {
        [batch, r] = [a, ra];
        continue;
      }
      const rb = attempt(b);
      if (!rb.ok) {
        [batch, r] = [b, rb];
        continue;
      }
      break; // only the two halves together fail
    }
    if (!r.ok) {
      throw new Error(`${name}: real nginx -t refuses a config with ${batch.length === 1 ? 'this accepted value' : 'these accepted values'} `
        + `(seed ${SEED}):\n${batch.map((b) => `  ${show(b)}`).join('\n')}\nnginx said:\n${r.output.slice(0, 2000)}`);
    }
  }
}

/** Shows a value for a report, shortening very long ones. */
function show(v: string): string {
  return v.length > 120 ? `${JSON.stringify(v.slice(0, 60))}...(${v.length} chars, ${Buffer.byteLength(v)} bytes)` : JSON.stringify(v);
}

// ---------------------------------------------------------------------------------------------
// The properties

type PathKind = 'proxy' | 'proxy-strip' | 'proxy-cache' | 'static' | 'static-spa' | 'file';
const FACTORY: Record<PathKind, 'proxy' | 'staticFiles' | 'file'> = {
  'proxy': 'proxy', 'proxy-strip': 'proxy', 'proxy-cache': 'proxy', 'static': 'staticFiles', 'static-spa': 'staticFiles', 'file': 'file',
};

function routeOf(kind: PathKind, p: string, extra: { headers?: Record<string, string>; index?: string } = {}): Route {
  switch (kind) {
    case 'proxy': return Route.proxy(p, { headers: extra.headers });
    case 'proxy-strip': return Route.proxy(p, { stripPrefix: true, headers: extra.headers });
    case 'proxy-cache': return Route.proxy(p, { cache: {}, headers: extra.headers });
    case 'static': return Route.staticFiles(p, { directory: site, headers: extra.headers, index: extra.index });
    case 'static-spa': return Route.staticFiles(p, { directory: site, spaFallback: true, headers: extra.headers, index: extra.index });
    case 'file': return Route.file(p, { path: siteFile, headers: extra.headers });
  }
}

interface PathCase { kind: PathKind; path: string }
const PATHS = 'route paths';
const pathCases = fc.record({
  kind: fc.constantFrom<PathKind>('proxy', 'proxy-strip', 'proxy-cache', 'static', 'static-spa', 'file'),
  path: fuzzed(VALID_PATH, 'a'),
});

function checkPathCase({ kind, path: p }: PathCase): Outcome<PathCase> {
  const factory = FACTORY[kind];
  let built: Built;
  try {
    built = synth({}, (s) => s.addRoute(routeOf(kind, p)));
  } catch (e) {
    // A path can also be refused where its files become ConfigMap keys (too long): then the file is named.
    const files = kind === 'file' ? [siteFile] : filesBelow(site).map((f) => path.join(site, f));
    return rejectedAs(e, [[`Route.${factory}(${JSON.stringify(p)}) path`, p],
      ...files.map((f): [string, string] => [`routes[0] Route.${factory}(${JSON.stringify(p)})`, f])]);
  }
  const marker = p.endsWith('/') ? '/fzmark/' : '/fzmark';
  const base = baseline(`path:${kind}:${marker}`, () => synth({}, (s) => s.addRoute(routeOf(kind, marker))));
  const stripped = (x: string) => x.replace(/\/+$/, '');
  const hits = compareWithBaseline(built, base, (w) => {
    if (w === marker) {
      return literal(p);
    }
    if (kind === 'proxy-strip' && w === stripped(marker)) {
      return literal(stripped(p)); // X-Forwarded-Prefix
    }
    if (kind === 'static-spa' && w === `${marker}index.html`) {
      return literal(`${p}index.html`); // try_files fallback
    }
    return undefined;
  });
  expectHits(hits, marker, 1);
  // The files of static and file routes are projected below the route's path.
  if (kind === 'file' || kind === 'static' || kind === 'static-spa') {
    const expected = kind === 'file' ? [p.slice(1)] : filesBelow(site).map((f) => `${p.slice(1)}${f}`);
    const items = projectedPaths(built.objects);
    if (JSON.stringify(items) !== JSON.stringify(expected.sort())) {
      throw new Error(`the static volume projects ${JSON.stringify(items)}, expected ${JSON.stringify(expected)}`);
    }
  }
  return { kind, path: p };
}

/** The item paths of every static volume of the nginx container, sorted. */
function projectedPaths(objects: K8sObject[]): string[] {
  const [workload] = workloadsWithContainer(objects, 'nginx');
  return (podTemplateOf(workload).spec.volumes ?? [])
    .filter((v: any) => /-static-\d+$/.test(v.name))
    .flatMap((v: any) => v.configMap.items.map((i: any) => i.path as string))
    .sort();
}

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
  // Sidecar-wide: in each of the 3 route locations and on the error page (but Cache-Control); per route: once.
  expectHits(hits, valueMarker, scope !== 'sidecar' ? 1 : nameMarker === name ? 3 : 4);
  return { scope, name, value };
}

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
    return rejectedAs(e, [['Directive name', name], [`addDirective(${place})`, name],
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
  expectHits(hits, nameMarker, 1);
  argMarkers.forEach((m) => expectHits(hits, m, 1));
  return { place, name, args };
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

interface IndexCase { index: string; spa: boolean }
const INDEX = 'static index file names';
// SPA routes need the index to exist in the directory: fewer of them are accepted.
const indexCases = fc.record({ index: fuzzed(VALID_FILE_NAME, 'i'), spa: fc.constantFrom(false, false, true) });

function checkIndexCase({ index, spa }: IndexCase): Outcome<IndexCase> {
  const kind: PathKind = spa ? 'static-spa' : 'static';
  let built: Built;
  try {
    built = synth({}, (s) => s.addRoute(routeOf(kind, '/s/', { index })));
  } catch (e) {
    return rejectedAs(e, [['Route.staticFiles("/s/") index', index], ['routes[0] Route.staticFiles("/s/") index', index]]);
  }
  const marker = 'fzmark.html';
  const base = baseline(`index:${spa}`, () => synth({}, (s) => s.addRoute(routeOf(kind, '/s/', { index: marker }))));
  const hits = compareWithBaseline(built, base, (w) => w === marker ? literal(index) : w === `/s/${marker}` ? literal(`/s/${index}`) : undefined);
  expectHits(hits, marker, 1);
  return { index, spa };
}

const FILE_NAMES = 'static file and directory names';
/** Relative paths of files to create, as segments; the last is the file, the others directories. */
const FILE_SEGMENT = fc.oneof({ weight: 12, arbitrary: VALID_FILE_NAME }, { weight: 2, arbitrary: fuzzed(VALID_FILE_NAME, 'f') });
const fileTreeCases = fc.array(fc.array(FILE_SEGMENT, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });

/** A segment the file system can hold: no "/" or NUL, not "." or "..", at most 255 bytes. */
function fsName(segment: string): string {
  let s = segment.replace(/[/\0]/g, '_');
  if (s === '' || s === '.' || s === '..') {
    s = `${s}x`;
  }
  while (Buffer.byteLength(s) > 255) {
    s = s.slice(0, -1);
  }
  return s;
}

function filesBelow(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesBelow(dir, r) : [r];
  });
}

function checkFileTreeCase(tree: string[][]): Outcome<string[]> {
  const dir = fs.mkdtempSync(path.join(fixtures, 'tree-'));
  try {
    for (const segments of tree) {
      const rel = segments.map(fsName);
      try {
        fs.mkdirSync(path.join(dir, ...rel.slice(0, -1)), { recursive: true });
        fs.writeFileSync(path.join(dir, ...rel), `content of ${rel.join('/')}\n`);
      } catch {
        // a file where a directory should be, or the reverse: the file system has the last word
      }
    }
    const files = filesBelow(dir);
    let built: Built;
    try {
      built = synth({}, (s) => s.addRoute(Route.staticFiles('/s/', { directory: dir })));
    } catch (e) {
      if (!(e instanceof ConfigError)) {
        throw e instanceof AcceptedButBroken ? e : new Error(`expected a ConfigError, got ${String(e)}`);
      }
      // The value is the directory; the message must also name the offending entry.
      const field = 'routes[0] Route.staticFiles("/s/")';
      rejectedAs(e, [[`${field} directory`, dir], ...files.map((f): [string, string] => [field, path.join(dir, f)])]);
      const entries = files.flatMap((f) => f.split('/').map((_, i, segs) => segs.slice(0, i + 1).join('/')));
      const named = entries.some((f) => e.message.includes(JSON.stringify(f)) || e.message.includes(JSON.stringify(path.join(dir, f))))
        || e.message.includes('holds no files');
      if (!named) {
        throw new Error(`the ConfigError does not name the offending entry: ${JSON.stringify(e.message)}`);
      }
      return REJECTED;
    }
    // Names never reach nginx.conf: it is the same, byte for byte, as with any other file.
    const base = baseline('files', () => {
      const d = fs.mkdtempSync(path.join(fixtures, 'base-'));
      fs.writeFileSync(path.join(d, 'fzmark.txt'), 'x');
      return synth({}, (s) => s.addRoute(Route.staticFiles('/s/', { directory: d })));
    });
    if (built.conf !== base.conf) {
      throw new Error('a file name changed nginx.conf');
    }
    for (const f of files) {
      if (f.split('/').some((seg, i) => seg.startsWith('.') && !(i === 0 && seg === '.well-known'))) {
        throw new Error(`accepted the hidden file ${JSON.stringify(f)}`);
      }
    }
    // Every file is projected to its own path below the route, with its own content.
    const items = projectedPaths(built.objects);
    const expected = files.map((f) => `s/${f}`).sort();
    if (JSON.stringify(items) !== JSON.stringify(expected)) {
      throw new Error(`the static volume projects ${JSON.stringify(items)}, expected ${JSON.stringify(expected)}`);
    }
    const cm = built.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.includes('static'))!;
    const [workload] = workloadsWithContainer(built.objects, 'nginx');
    for (const v of podTemplateOf(workload).spec.volumes.filter((x: any) => /-static-\d+$/.test(x.name))) {
      for (const item of v.configMap.items) {
        const want = fs.readFileSync(path.join(dir, item.path.slice('s/'.length)));
        const got = item.key in (cm.data ?? {}) ? Buffer.from(cm.data[item.key], 'utf8') : Buffer.from(cm.binaryData[item.key], 'base64');
        if (!want.equals(got)) {
          throw new Error(`${item.path} is projected from key ${item.key}, which holds other content`);
        }
      }
    }
    return files;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The properties with their numbers of runs, and boundary examples every run tries: nginx's 4 KiB
// token buffer (4093 bytes quoted before a space is the most it takes), a UTF-8 argument of
// 4096 bytes in 2048 characters, many cookies in one regex, a real MIME type longer than nginx's
// gzip_types hash bucket (64 bytes) holds.

const runPaths = () => fuzz(PATHS, pathCases, runs(320), checkPathCase, [
  { kind: 'proxy', path: `/${'a'.repeat(NGX_CONF_BUFFER - 2)}` },
  { kind: 'proxy-strip', path: `/${'a'.repeat(NGX_CONF_BUFFER - 3)}/` },
  { kind: 'file', path: '/...' },
]);
const runHeaders = () => fuzz(HEADERS, headerCases, runs(320), checkHeaderCase, [
  { scope: 'proxy', name: 'X-A', value: 'v'.repeat(NGX_CONF_BUFFER - 2) },
  { scope: 'sidecar', name: 'X-A', value: '"'.repeat(NGX_CONF_BUFFER / 2) },
]);
const runDirectives = () => fuzz(DIRECTIVES, directiveCases, runs(260), checkDirectiveCase, [
  { place: 'route', name: 'add_header', args: ['X-A', 'é'.repeat(NGX_CONF_BUFFER / 2), 'always'] },
  { place: 'http', name: 'charset_map', args: ['koi8-r', 'utf-8'] },
]);
const runCookies = () => fuzz(COOKIES, cookieCases, runs(120), checkCookieCase, [
  ['c'.repeat(NGX_CONF_BUFFER)],
  Array.from({ length: 300 }, (_, i) => `session${i}`),
]);
const runMimeTypes = () => fuzz(MIME_TYPES, mimeCases, runs(120), checkMimeCase, [
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
]);
const runIndex = () => fuzz(INDEX, indexCases, runs(100), checkIndexCase, [{ index: 'i'.repeat(NGX_CONF_BUFFER), spa: false }]);
const runFileNames = () => fuzz(FILE_NAMES, fileTreeCases, runs(100), checkFileTreeCase, [[['a'.repeat(250)]], [['..a', 'b']]]);

// ---------------------------------------------------------------------------------------------
// The tests

describe('injection fuzzing: every input is refused with a ConfigError naming the field and value, or rendered exactly as meant', () => {
  const properties: Array<[string, () => PropertyResult<unknown>]> = [
    [PATHS, runPaths], [HEADERS, runHeaders], [DIRECTIVES, runDirectives], [COOKIES, runCookies],
    [MIME_TYPES, runMimeTypes], [INDEX, runIndex], [FILE_NAMES, runFileNames],
  ];

  it.each(properties)('%s', (_name, run) => {
    const r = run();
    // A property where (nearly) everything is refused, or accepted, proves little: keep the mix.
    expect(r.accepted.length / r.runs).toBeGreaterThan(0.15);
    expect(r.rejected / r.runs).toBeGreaterThan(0.1);
  });
});

/** The args of an accepted directive case that real nginx can check: `$` only in variables nginx knows. */
function nginxCheckable(arg: string): boolean {
  return !arg.replace(/\$(\{(host|uri)\}|(host|uri)(?![A-Za-z0-9_]))/g, '').includes('$');
}

describeWithTools(['nginx', 'unshare', 'setpriv'], 'injection fuzzing: real nginx -t accepts every accepted value (batched)', () => {
  it('route paths', () => {
    const r = runPaths();
    const seen = new Set<string>();
    const unique = r.accepted.filter((c) => {
      const key = `${c.kind === 'file' ? '=' : ''}${c.path}`;
      return !seen.has(key) && !!seen.add(key);
    });
    nginxInBatches(PATHS, unique, (batch) => synth({}, (s) => batch.forEach((c) => s.addRoute(routeOf(c.kind, c.path)))).objects,
      (c) => `${c.kind} ${show(c.path)}`);
  });

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

  it('extra directive names: none that nginx knows opens a block', () => {
    // Arguments are the user's business (nginx -t may refuse them); a block directive written as a
    // simple one is the library's: it must refuse the name. One nginx run per name nginx knows.
    const r = runDirectives();
    const known = new Map<string, DirectiveCase>();
    r.accepted.filter((c) => KNOWN_DIRECTIVES.includes(c.name)).forEach((c) => known.set(`${c.place}:${c.name}`, c));
    for (const c of known.values()) {
      const out = nginxTest(synthDirective(c.place, c.name, c.args).objects).output;
      if (/has no opening "\{"/.test(out)) {
        throw new Error(`Directive.of(${JSON.stringify(c.name)}) is accepted, but nginx says: ${out.split('\n')[0]}`);
      }
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
          routeDirectives.push(Directive.of('add_header', `X-Fz-${i}`, arg, 'always'));
        } else if (place === 'server') {
          s.addDirective(DirectiveContext.SERVER, Directive.of('set', `$fz_${i}`, arg));
        } else {
          s.addDirective(DirectiveContext.HTTP, Directive.of('log_format', `fz_${i}`, 'x', arg));
        }
      });
      s.addRoute(Route.proxy('/api/', { directives: routeDirectives }));
    }).objects, (a) => `${a.place}: ${show(a.arg)}`, { skipped: args.length - checkable.length });
  });

  it('private cookie names', () => {
    const r = runCookies();
    const names = [...new Set(r.accepted.flat())];
    // All names of a batch end up in one regex: a batch stays well below nginx's 4 KiB token buffer
    // (a single name, or one user's list, that breaks it is the property's business).
    nginxInBatches(COOKIES, names, (batch) => synthCookies(batch).objects, show, { maxBytes: 1500, bytes: (n) => n.length + 1 });
  });

  it('gzip MIME types', () => {
    const r = runMimeTypes();
    nginxInBatches(MIME_TYPES, [...new Set(r.accepted.flat())], (batch) => synthGzip(batch).objects, show);
  });

  it('static index file names', () => {
    const r = runIndex();
    nginxInBatches(INDEX, r.accepted, (batch) => synth({}, (s) => batch.forEach((c, i) =>
      s.addRoute(routeOf(c.spa ? 'static-spa' : 'static', `/i${i}/`, { index: c.index })))).objects,
    (c) => `${show(c.index)}${c.spa ? ' (SPA)' : ''}`, { batchSize: 24 });
  });
});

// ---------------------------------------------------------------------------------------------
// The lexer model against real nginx

describe('the nginx lexer model', () => {
  it.each<[string, string[][]]>([
    ['a b;', [['a', 'b']]],
    ['a "b c" \'d;e\' f\\ g;', [['a', 'b c', 'd;e', 'f\\ g']]], // an unknown escape keeps its backslash
    ['a "x\\"y\\\\z\\n";', [['a', 'x"y\\z\n']]],
    ['a b#c;\n d;', [['a', 'b#c'], ['d']]],
    ['a b;#c;\nd;', [['a', 'b'], ['d']]],
    ['a b}c;', [['a', 'b}c']]],
    ['a ${x}y;', [['a', '${x}y']]],
    ['a x"y;', [['a', 'x"y']]],
    ['a \\$x;', [['a', '\\$x']]],
  ])('reads %j', (text, expected) => {
    expect(parseNginxConf(text).map((d) => [d.name, ...d.args])).toEqual(expected);
  });

  it('takes a quoted argument of 4093 bytes before a space, but not 4094 (as nginx 1.22 does)', () => {
    const x = 'x'.repeat(NGX_CONF_BUFFER - 3);
    expect(parseNginxConf(`a "${x}" b;`)[0].args).toEqual([x, 'b']);
    expect(() => parseNginxConf(`a "${x}x" b;`)).toThrow(/too long parameter/);
  });

  it.each([
    ['a "b"c;', 'a "b"c;', /unexpected "c"/],
    ['a b }', 'a b }', /unexpected "}"/],
    ['}', '}', /unexpected "}"/],
    ['a {', 'a {', /unexpected end of file, expecting "}"/],
    ['a b', 'a b', /unexpected end of file/],
    ['a "b;', 'a "b;', /unexpected end of file/],
    [';', ';', /unexpected ";"/],
    ['a quoted 4094-byte argument', `a "${'x'.repeat(NGX_CONF_BUFFER - 2)}" b;`, /too long parameter/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseNginxConf(text)).toThrow(message);
  });
});

describeWithTools(['nginx'], 'the nginx lexer model agrees with real nginx', () => {
  /** Pieces of an argument (quotes, escapes, `$`, braces, comments, UTF-8) and what may separate them. */
  const PIECES = ['a', 'b', 'on', ';', '{', '}', '#', '"', '\'', '\\', '$', '${', '$a', '(', ')', 'x"y', '\\"', '\\n', '\\t', '\\\\',
    '\\\'', '\\a', '\\;', '\\ ', '"a b"', '\'a;b\'', '"a\\"b"', 'é', '\u{1F600}'];
  const SPACES = [' ', '\t', '\n', '\r', '\r\n'];
  const ENDS = [';', '', ' ;', '\n;', '{', ' }', '"', ' x;'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-lexer-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What nginx says about `daemon <text>`: its first error, reduced to what the model can predict. */
  function nginxSays(text: string): string {
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, text);
    const r = spawnSync('/usr/sbin/nginx', ['-t', '-p', dir, '-e', 'stderr', '-c', file], { encoding: 'latin1', timeout: 10000 });
    const out = `${r.stdout}${r.stderr}`;
    const m = /\[emerg\] \d+#\d+: ([\s\S]*?) in \/\S+:\d+\n/.exec(out);
    if (!m) {
      return `no emerg: ${out}`;
    }
    return classify(m[1]);
  }

  function classify(message: string): string {
    if (message.startsWith('too long parameter')) {
      return 'too long parameter';
    }
    const value = /^invalid value "([\s\S]*)" in "daemon" directive/.exec(message);
    if (value) {
      return `value ${JSON.stringify(value[1])}`;
    }
    // nginx cuts its messages at 1024 bytes (NGX_MAX_CONF_ERRSTR): a long value shows only its start.
    const cut = /^invalid value "([\s\S]*)$/.exec(message);
    if (cut && Buffer.byteLength(message, 'latin1') >= 1000) {
      return `value starting ${JSON.stringify(cut[1])}`;
    }
    return message;
  }

  /**
   * What the model predicts: nginx handles each directive as soon as the lexer has read it, so the
   * verdict is the lexer's first error, or what `daemon` (one argument, "on" or "off") says about
   * the first directive. Bytes are shown as latin1, as nginx prints them.
   */
  function modelSays(text: string): string | undefined {
    const words: string[] = [];
    try {
      for (const t of lexNginxConf(text)) {
        if (t.kind === 'word') {
          words.push(t.value);
          continue;
        }
        if (t.kind === 'open') {
          return 'directive "daemon" is not terminated by ";"';
        }
        if (t.kind === 'end') {
          if (words.length !== 2) {
            return 'invalid number of arguments in "daemon" directive';
          }
          // "on"/"off" are valid: nginx goes on to the rest, not compared.
          return words[1] === 'on' || words[1] === 'off' ? undefined : `value ${JSON.stringify(Buffer.from(words[1], 'utf8').toString('latin1'))}`;
        }
        return t.kind === 'close' ? 'unexpected "}"' : undefined;
      }
    } catch (e) {
      return classify((e as Error).message.replace(/ in line \d+$/, ''));
    }
    return undefined;
  }

  it('on the first directive of generated texts: the same error, the same unescaped argument', () => {
    const texts = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PIECES) },
        { weight: 1, arbitrary: fc.constantFrom(...SPACES) }), { maxLength: 8 }), fc.constantFrom(...ENDS))
        .map(([p, end]) => `daemon ${p.join('')}${end}`) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('"', '\'', ''), fc.integer({ min: 4088, max: 4100 }), fc.constantFrom(';', ' ;', '\n;', '"; '))
        .map(([q, n, end]) => `daemon ${q}${'a'.repeat(n)}${q}${end}`) },
    );
    let compared = 0;
    fc.assert(fc.property(texts, (text) => {
      const predicted = modelSays(text);
      if (predicted === undefined) {
        return;
      }
      compared++;
      const actual = nginxSays(text);
      const cut = /^value starting (".*")$/s.exec(actual);
      const same = cut ? predicted.startsWith(`value ${JSON.parse(cut[1]) === '' ? '"' : JSON.stringify(JSON.parse(cut[1])).slice(0, -1)}`) : actual === predicted;
      if (!same) {
        throw new Error(`for ${JSON.stringify(text.length > 200 ? text.slice(0, 200) + '...' : text)}: nginx says ${actual}, the model ${predicted}`);
      }
    }), { seed: SEED, numRuns: runs(150) });
    expect(compared).toBeGreaterThan(runs(150) / 2);
  });
});
