/**
 * Building, rejecting, comparing, for the injection fuzzing (test/guard/injection-fuzz-*.test.ts; see
 * ./harness.ts): synthesizes a chart around a generated value, checks that a refusal is a ConfigError
 * naming the field and the value, and compares the nginx.conf, parsed back with the model of nginx's
 * lexer (test/support/nginx-parse.ts), with the baseline synthesized from a marker value.
 *
 * Importing this module creates the fixture site the routes serve (removed in an afterAll).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ConfigError, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../../lib';
import { K8sObject, podTemplateOf, workloadsWithContainer } from '../../support/manifests';
import { NginxDirective, NginxParseError, parseNginxConf, shapeOf, walk } from '../../support/nginx-parse';
import { invalid } from '../../../lib/errors';
import { REJECTED } from './harness';

export const fixtures = fs.mkdtempSync(path.join(os.tmpdir(), 'injection-fuzz-'));
export const site = path.join(fixtures, 'site');
fs.mkdirSync(path.join(site, 'js'), { recursive: true });
fs.writeFileSync(path.join(site, 'index.html'), '<!DOCTYPE html><p>hi</p>\n');
fs.writeFileSync(path.join(site, 'js', 'app.js'), 'console.log(1);\n');
// Index names the generator makes often, so that SPA routes (whose index must exist) accept some.
// fzmark.html is the baseline's index.
for (const name of ['app.html', 'app.js', 'a..b', '-', '_', 'fzmark.html']) {
  fs.writeFileSync(path.join(site, name), `${name}\n`);
}
export const siteFile = path.join(site, 'index.html');
afterAll(() => fs.rmSync(fixtures, { recursive: true, force: true }));

export interface Built {
  readonly conf: string;
  readonly parsed: NginxDirective[];
  readonly objects: K8sObject[];
}

/** The input was accepted (synthesis succeeded), but what came out is broken. */
export class AcceptedButBroken extends Error {
  constructor(message: string) {
    super(`accepted, but ${message}`);
    this.name = 'AcceptedButBroken';
  }
}

/**
 * Synthesizes a chart with a Deployment (app on 5000) and the sidecar; returns the nginx.conf as
 * written, parsed the way nginx reads it, after the checks that hold whatever the input.
 */
export function synth(props: Partial<ReverseProxySidecarProps>, configure: (s: ReverseProxySidecar) => void = () => undefined): Built {
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
export function rejectedAs(e: unknown, candidates: Array<[field: string, value: unknown]>): typeof REJECTED {
  if (e instanceof AcceptedButBroken) {
    throw e;
  }
  if (!(e instanceof ConfigError)) {
    throw new Error(`expected a ConfigError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  // The field and the value as the library shows them (the message with an empty reason).
  const prefixes = candidates.map(([f, v]) => invalid(f, v, '').message);
  if (!prefixes.some((p) => e.message.startsWith(p))) {
    throw new Error(`the ConfigError does not start with the field and the value; expected one of\n  ${prefixes.map((p) => JSON.stringify(p)).join('\n  ')}\n`
      + `got ${JSON.stringify(e.message)}`);
  }
  return REJECTED;
}

/** An argument or name of the fuzzed config, given the one at the same place in the baseline. */
export type Expectation = (actual: string) => void;

/** The value, literally: nginx must not read a variable in it. */
export function literal(value: string): Expectation {
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
export function exact(value: string): Expectation {
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
export function compareWithBaseline(fuzzedConf: Built, baseline: Built, subst: (baselineWord: string) => Expectation | undefined): Map<string, number> {
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
export function baseline(key: string, build: () => Built): Built {
  let b = baselines.get(key);
  if (!b) {
    b = build();
    baselines.set(key, b);
  }
  return b;
}

export function expectHits(hits: Map<string, number>, marker: string, expected: number): void {
  const n = hits.get(marker) ?? 0;
  if (n !== expected) {
    throw new Error(`the value appears ${n} times in nginx.conf where the baseline's marker ${JSON.stringify(marker)} is; expected ${expected}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Routes of each kind, at a given path

export type PathKind = 'proxy' | 'proxy-strip' | 'proxy-cache' | 'static' | 'static-spa' | 'file';
export const FACTORY: Record<PathKind, 'proxy' | 'staticFiles' | 'file'> = {
  'proxy': 'proxy', 'proxy-strip': 'proxy', 'proxy-cache': 'proxy', 'static': 'staticFiles', 'static-spa': 'staticFiles', 'file': 'file',
};

export function routeOf(kind: PathKind, p: string, extra: { headers?: Record<string, string>; index?: string } = {}): Route {
  switch (kind) {
    case 'proxy': return Route.proxy(p, { headers: extra.headers });
    case 'proxy-strip': return Route.proxy(p, { stripPrefix: true, headers: extra.headers });
    case 'proxy-cache': return Route.proxy(p, { cache: {}, headers: extra.headers });
    case 'static': return Route.staticFiles(p, { directory: site, headers: extra.headers, index: extra.index });
    case 'static-spa': return Route.staticFiles(p, { directory: site, spaFallback: true, headers: extra.headers, index: extra.index });
    case 'file': return Route.file(p, { path: siteFile, headers: extra.headers });
  }
}
