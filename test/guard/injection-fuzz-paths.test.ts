/**
 * Injection fuzzing of the strings that name things on the file system: route paths (location,
 * X-Forwarded-Prefix, the SPA fallback, where static files are projected), a static route's index
 * file name, and static file and directory names (which become ConfigMap keys and volume item paths,
 * never nginx.conf). The method, seed and scale: test/guard/fuzz/harness.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { ConfigError, Route } from '../../lib';
import { K8sObject, podTemplateOf, workloadsWithContainer } from '../support/manifests';
import { NGX_CONF_BUFFER } from '../support/nginx-parse';
import { VALID_FILE_NAME, VALID_PATH, fuzzed } from './fuzz/arbitraries';
import { Outcome, REJECTED, describeNginxChecks, describeProperties, fuzz, nginxInBatches, show } from './fuzz/harness';
import {
  AcceptedButBroken, Built, FACTORY, PathKind, baseline, compareWithBaseline, exact, expectHits, fixtures, literal, rejectedAs, routeOf, site, siteFile, synth,
} from './fuzz/parse-back';
import { runs } from './fuzz/seed';

// ---------------------------------------------------------------------------------------------
// The properties

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
    // The raw-URI map and the redirects back into the prefix match the path literally ("." as "[.]").
    const regex = (x: string) => x.replace(/\./g, '[.]');
    if (kind === 'proxy-strip' && w === `~^${stripped(marker)}(/.*)$`) {
      return exact(`~^${regex(stripped(p))}(/.*)$`);
    }
    if (kind === 'proxy-strip' && w.includes(`(?!/|${marker.slice(1, -1)}(?:/|$))`)) {
      return exact(w.replace(`(?!/|${marker.slice(1, -1)}(?:/|$))`, `(?!/|${regex(p.slice(1, -1))}(?:/|$))`));
    }
    if (kind === 'proxy-strip' && w === `${marker}$1`) {
      return exact(`${p}$1`);
    }
    if (kind === 'static-spa' && w === `${marker}index.html`) {
      return literal(`${p}index.html`); // try_files fallback
    }
    return undefined;
  });
  // A stripped route's path is also where redirects to the app's bare address go, in both its locations.
  expectHits(hits, marker, kind === 'proxy-strip' ? 3 : 1);
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
// token buffer (4093 bytes quoted before a space is the most it takes).

const runPaths = () => fuzz(PATHS, pathCases, runs(320), checkPathCase, [
  { kind: 'proxy', path: `/${'a'.repeat(NGX_CONF_BUFFER - 2)}` },
  { kind: 'proxy-strip', path: `/${'a'.repeat(NGX_CONF_BUFFER - 3)}/` },
  { kind: 'file', path: '/...' },
]);
const runIndex = () => fuzz(INDEX, indexCases, runs(100), checkIndexCase, [{ index: 'i'.repeat(NGX_CONF_BUFFER), spa: false }]);
const runFileNames = () => fuzz(FILE_NAMES, fileTreeCases, runs(100), checkFileTreeCase, [[['a'.repeat(250)]], [['..a', 'b']]]);

// ---------------------------------------------------------------------------------------------
// The tests

describeProperties([[PATHS, runPaths], [INDEX, runIndex], [FILE_NAMES, runFileNames]]);

describeNginxChecks(() => {
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

  it('static index file names', () => {
    const r = runIndex();
    nginxInBatches(INDEX, r.accepted, (batch) => synth({}, (s) => batch.forEach((c, i) =>
      s.addRoute(routeOf(c.spa ? 'static-spa' : 'static', `/i${i}/`, { index: c.index })))).objects,
    (c) => `${show(c.index)}${c.spa ? ' (SPA)' : ''}`, { batchSize: 24 });
  });
});
