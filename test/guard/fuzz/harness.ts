/**
 * The harness of the injection fuzzing (test/guard/injection-fuzz-*.test.ts): every user-supplied
 * string that reaches nginx.conf (or, for static files, the ConfigMap that nginx serves from) is
 * generated adversarially with fast-check (./arbitraries.ts). Each generated input must either
 *
 *   (a) be refused with a ConfigError whose message starts with the field and the value as JSON
 *       (the format of `invalid()` in lib/nginx/tokens.ts), or
 *   (b) be synthesized, and then the nginx.conf in the ConfigMap, parsed back with a model of nginx's
 *       own lexer (test/support/nginx-parse.ts), has exactly the structure of the config synthesized
 *       from a harmless marker value in the same place (same directives, names, argument counts and
 *       blocks), with the generated value, unescaped, exactly where the marker was and nowhere else
 *       (./parse-back.ts); and the real `nginx -t` accepts it.
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
 * nginx by a differential property (injection-fuzz-lexer-model.test.ts).
 *
 * Seeded (./seed.ts): FUZZ_SEED=<int> picks another seed, FUZZ_SCALE=<n> multiplies the number of
 * runs. A failure prints the seed and fast-check's shrunk counterexample with its replay path.
 *
 * Importing this module registers an afterAll that prints, per test file, what each property saw.
 */
import * as fc from 'fast-check';
import { K8sObject, workloadsWithContainer } from '../../support/manifests';
import { prepareContainer, runInContainer } from '../../support/pod-sandbox';
import { describeWithTools } from '../../support/real-tools';
import { SCALE, SEED } from './seed';

// ---------------------------------------------------------------------------------------------
// Running a property, bookkeeping

/** Accepted values per real nginx -t run. */
const BATCH = 48;

export const REJECTED = Symbol('rejected');
export type Outcome<B> = B | typeof REJECTED;

export interface PropertyResult<B> {
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
export function fuzz<T, B>(name: string, arb: fc.Arbitrary<T>, numRuns: number, check: (value: T) => Outcome<B>, examples: T[] = []): PropertyResult<B> {
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
// The two kinds of tests every property has

/** The accept/refuse mix of each property, over all its cases (run here first, then cached for nginx -t). */
export function describeProperties(properties: Array<[string, () => PropertyResult<unknown>]>): void {
  describe('injection fuzzing: every input is refused with a ConfigError naming the field and value, or rendered exactly as meant', () => {
    it.each(properties)('%s', (_name, run) => {
      const r = run();
      // A property where (nearly) everything is refused, or accepted, proves little: keep the mix.
      expect(r.accepted.length / r.runs).toBeGreaterThan(0.15);
      expect(r.rejected / r.runs).toBeGreaterThan(0.1);
    });
  });
}

/** The real nginx -t checks of the accepted values (the body's tests call nginxInBatches or nginxTest). */
export function describeNginxChecks(body: () => void): void {
  describeWithTools(['nginx', 'unshare', 'setpriv'], 'injection fuzzing: real nginx -t accepts every accepted value (batched)', body);
}

// ---------------------------------------------------------------------------------------------
// Real nginx -t, in batches

export function nginxTest(objects: K8sObject[]): { ok: boolean; output: string } {
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
export function nginxInBatches<B>(name: string, items: B[], build: (batch: B[]) => K8sObject[], show: (b: B) => string,
  opts: { batchSize?: number; maxBytes?: number; bytes?: (b: B) => number; skipped?: number } = {}): void {
  const { batchSize = BATCH, maxBytes = Infinity, bytes = () => 0, skipped = 0 } = opts;
  // A property that accepted nothing (or a filter that left nothing) would pass here having checked nothing.
  if (items.length === 0) {
    throw new Error(`${name}: no accepted value to give nginx -t (seed ${SEED})`);
  }
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
  expect(batches.flat()).toHaveLength(items.length);
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
export function show(v: string): string {
  return v.length > 120 ? `${JSON.stringify(v.slice(0, 60))}...(${v.length} chars, ${Buffer.byteLength(v)} bytes)` : JSON.stringify(v);
}
