/**
 * The harness of the bad-input catalogue (bad-input-catalogue*.test.ts). Each row builds what is
 * valid, then runs the one step that must fail (a constructor, a Route factory, `addRoute`,
 * `addDirective`, `retargetService`, or, for rules a later change can break, `app.synth()`), and
 * asserts the whole message, which names the field and the value. The App synthesizes into a fresh
 * directory, and no row may leave a YAML file there.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { ConfigError, ISidecarHost, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { STATEFUL_SET_ONLY_YAML, TempDir, appDeployment, exactly, include, included } from '../sidecar/helpers';

export interface Ctx {
  readonly app: App;
  /** The chart "test", so construct paths read `test/...`. */
  readonly chart: Chart;
  /** Fixtures: files, directories, YAML for `Include`. */
  readonly dir: TempDir;
  /** The sidecar a row built, for messages that depend on it. */
  sidecar?: ReverseProxySidecar;
}

export type Props = Omit<ReverseProxySidecarProps, 'host'>;

export interface Row {
  readonly name: string;
  /** Builds the valid part (must not throw); returns the failing step, or nothing when `app.synth()` must fail. */
  readonly build: (c: Ctx) => (() => unknown) | void;
  readonly message: string | ((c: Ctx) => string);
}

/** Rows by group; a test is named `group: row`. */
export type Catalogue = Record<string, Row[]>;

const defaultHost = (c: Ctx): ISidecarHost => SidecarHost.fromWorkload(appDeployment(c.chart));

/**
 * A sidecar with `props` on `host` (default: a plus Deployment "test/web", app on 5000 named http):
 * the constructor, or a Route factory in `props`, fails. `props` runs inside the failing step.
 */
export function attach(props: (c: Ctx) => Props, host: (c: Ctx) => ISidecarHost = defaultHost) {
  return (c: Ctx) => {
    const h = host(c);
    return () => new ReverseProxySidecar(c.chart, 'proxy', { host: h, ...props(c) });
  };
}

/** A valid sidecar with `props`; then `act` fails (addRoute, addDirective, retargetService, ...). */
export function later(props: (c: Ctx) => Props, act: (s: ReverseProxySidecar, c: Ctx) => unknown) {
  return (c: Ctx) => {
    const s = sidecar(c, props(c));
    return () => act(s, c);
  };
}

/** A valid sidecar with `props`, then nothing else: synthesis fails. */
export function atSynth(props: (c: Ctx) => Props) {
  return (c: Ctx) => {
    sidecar(c, props(c));
  };
}

/** Attaches a sidecar "test/proxy" and remembers it on the context. */
export function sidecar(c: Ctx, props: Props, host: ISidecarHost = defaultHost(c)): ReverseProxySidecar {
  c.sidecar = new ReverseProxySidecar(c.chart, 'proxy', { host, ...props });
  return c.sidecar;
}

/** How cdk8s reports a failed validation of the construct at `constructPath`. */
export function synthError(message: string, constructPath = 'test/proxy'): string {
  return `Validation failed with the following errors:\n  [${constructPath}] ${message}`;
}

/** The StatefulSet "am" (namespace monitoring, app on 9093 "http", labels app=am) loaded with Include, without its Service. */
export function statefulSet(c: Ctx, yaml = STATEFUL_SET_ONLY_YAML): ApiObject {
  return included(include(c.chart, c.dir, yaml), 'StatefulSet', 'am');
}

/** A raw Service "svc". */
export function rawService(c: Ctx, spec: object, metadata: object = {}): ApiObject {
  return new ApiObject(c.chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc', ...metadata }, spec });
}

/** Creates a fixture directory; returns its absolute path. */
export function mkdir(c: Ctx, rel: string): string {
  fs.mkdirSync(c.dir.path(rel), { recursive: true });
  return c.dir.path(rel);
}

/** Props with one proxy route. */
export const proxy = (p: string, o = {}) => (): Props => ({ routes: [Route.proxy(p, o)] });

/** *.yaml and *.yml files anywhere below `dir`. */
function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f));
}

/** Registers one test per row, plus the checks of the catalogue itself and of the harness. */
export function runCatalogue(title: string, catalogue: Catalogue): void {
  describe(title, () => {
    let outdir: string;
    let ctx: Ctx;
    beforeEach(() => {
      outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-out-'));
      const app = new App({ outdir });
      ctx = { app, chart: new Chart(app, 'test'), dir: new TempDir() };
    });
    afterEach(() => {
      ctx.dir.cleanup();
      fs.rmSync(outdir, { recursive: true, force: true });
    });

    const rows = Object.entries(catalogue).flatMap(([group, rs]) => rs.map((r) => ({ ...r, title: `${group}: ${r.name}` })));

    test('holds at least 40 rows, each with a distinct name', () => {
      expect(rows.length).toBeGreaterThanOrEqual(40);
      expect(new Set(rows.map((r) => r.title)).size).toBe(rows.length);
    });

    test.each(rows.map((r) => [r.title, r] as const))('%s', (_title, row) => {
      // GIVEN everything valid around the bad input
      const step = row.build(ctx);
      // WHEN the program runs on: the failing step, then synthesis
      let error: unknown;
      const program = () => {
        try {
          step?.();
          ctx.app.synth();
        } catch (e) {
          error = e;
          throw e;
        }
      };
      // THEN it fails with exactly this message, at that step (the library's own errors are ConfigErrors)
      const message = typeof row.message === 'function' ? row.message(ctx) : row.message;
      expect(program).toThrow(exactly(message));
      expect(error).toBeInstanceOf(step ? ConfigError : Error);
      // AND no YAML was written
      expect(yamlFiles(outdir)).toStrictEqual([]);
    });

    test('the harness does see YAML when nothing is wrong', () => {
      sidecar(ctx, proxy('/')());
      ctx.app.synth();
      expect(yamlFiles(outdir)).toStrictEqual(['test.k8s.yaml']);
    });
  });
}
