// The library as Python, Java, Go and .NET reach it: through the jsii kernel (@jsii/runtime), with
// the package as jsii-pacmak embeds it in every binding (build/jsii packed), beside the npm tarballs of
// constructs, cdk8s and a cdk8s-plus major. Each chart is built by kernel requests, as a binding
// sends them, and must synthesize to exactly the YAML the same chart gives in TypeScript.
// Run by `npm run test:jsii` (after `npm run build`), not by `npm test`.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import * as plus27 from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import { ConfigError, Ipv6Mode, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { enumMember, JsiiKernel, KernelError, ObjRef, struct, tarballOf } from '../support/jsii-kernel';

const ROOT = path.resolve(__dirname, '..', '..');
const STAGE = path.join(ROOT, 'build', 'jsii');
const LIB = 'cdk8s-reverse-proxy-sidecar';

let kernel: JsiiKernel;
let work: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(STAGE, '.jsii')) || !fs.existsSync(path.join(ROOT, '.jsii'))) {
    throw new Error('no jsii build: run `npm run build` first (npm run test:jsii does)');
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-test-'));
  const packed = execFileSync('npm', ['pack', STAGE, '--pack-destination', work, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  kernel = await JsiiKernel.start(work);
  for (const dep of ['constructs', 'cdk8s', 'cdk8s-plus-27', 'cdk8s-plus-34']) {
    const t = tarballOf(path.join(ROOT, 'node_modules', dep), work);
    await kernel.load(t.name, t.version, t.tarball);
  }
  const version = (JSON.parse(fs.readFileSync(path.join(STAGE, 'package.json'), 'utf8')) as { version: string }).version;
  await kernel.load(LIB, version, path.join(work, packed));
}, 60000);

afterAll(async () => {
  await kernel?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The manifests of the kernel's chart, as cdk8s' Testing.synth gives them. */
async function kernelSynth(chart: ObjRef): Promise<unknown[]> {
  return (await kernel.sinvoke('cdk8s.Testing', 'synth', [chart])) as unknown[];
}

test('examples/bindings/main.ts (the README\'s Python chart) on cdk8s-plus-34, structs wrapped as Python sends them: the same YAML as in TypeScript', async () => {
  const app = await kernel.create('cdk8s.App');
  const chart = await kernel.create('cdk8s.Chart', [app, 'my-app']);
  const web = await kernel.create('cdk8s-plus-34.Deployment', [chart, 'web', struct('cdk8s-plus-34.DeploymentProps', {
    containers: [struct('cdk8s-plus-34.ContainerProps', {
      name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [struct('cdk8s-plus-34.ContainerPort', { number: 5000, name: 'http' })],
    })],
  })]);
  const host = await kernel.sinvoke(`${LIB}.SidecarHost`, 'fromConstruct', [web]);
  const route = await kernel.sinvoke(`${LIB}.Route`, 'proxy', ['/']);
  const proxy = await kernel.create(`${LIB}.ReverseProxySidecar`, [chart, 'proxy', struct(`${LIB}.ReverseProxySidecarProps`, {
    host, routes: [route],
  })]);
  await kernel.invoke(proxy as ObjRef, 'exposeViaService');

  const ts = new Chart(new App(), 'my-app');
  const tsWeb = new plus34.Deployment(ts, 'web', { containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }] });
  new ReverseProxySidecar(ts, 'proxy', { host: SidecarHost.fromConstruct(tsWeb), routes: [Route.proxy('/')] }).exposeViaService();

  const manifests = await kernelSynth(chart);
  expect(manifests).toEqual(Testing.synth(ts));
  // A Route that a static method returned reaches the binding as a Route, its kind as the enum.
  expect(route).toEqual({ '$jsii.byref': expect.stringMatching(new RegExp(`^${LIB}\\.Route@\\d+$`)) });
  expect(await kernel.get(route as ObjRef, 'kind')).toEqual({ '$jsii.enum': `${LIB}.RouteKind/PROXY` });
  const deployment = manifests.find((m) => (m as { kind: string }).kind === 'Deployment') as
    { spec: { template: { spec: { initContainers: { name: string; restartPolicy: string }[] } } } };
  expect(deployment.spec.template.spec.initContainers.map((c) => [c.name, c.restartPolicy])).toEqual([['nginx', 'Always']]);
  expect(manifests.map((m) => (m as { kind: string }).kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
});

test('a cdk8s-plus-27 Deployment, structs as plain objects, with an enum, a Duration, a Size and addRoute: the same YAML', async () => {
  const app = await kernel.create('cdk8s.App');
  const chart = await kernel.create('cdk8s.Chart', [app, 'legacy']);
  const web = await kernel.create('cdk8s-plus-27.Deployment', [chart, 'web', {
    containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000 }] }],
  }]);
  const proxy = await kernel.create(`${LIB}.ReverseProxySidecar`, [chart, 'proxy', {
    host: await kernel.sinvoke(`${LIB}.SidecarHost`, 'fromConstruct', [web]),
    ipv6: enumMember(`${LIB}.Ipv6Mode`, 'IPV4_ONLY'),
    clientMaxBodySize: await kernel.sinvoke('cdk8s.Size', 'mebibytes', [8]),
    clientTimeouts: { header: await kernel.sinvoke('cdk8s.Duration', 'seconds', [5]) },
  }]);
  // An empty struct goes wrapped, as every binding sends structs: the kernel reads a bare {} as "not given".
  const cache = struct(`${LIB}.RouteCacheOptions`, { validFor: null, ignoreUpstreamCacheHeaders: null });
  await kernel.invoke(proxy, 'addRoute', [await kernel.sinvoke(`${LIB}.Route`, 'proxy', ['/api/', { cache }])]);
  await kernel.invoke(proxy, 'addRoute', [await kernel.sinvoke(`${LIB}.Route`, 'proxy', ['/'])]);

  const ts = new Chart(new App(), 'legacy');
  const tsWeb = new plus27.Deployment(ts, 'web', { containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000 }] }] });
  const tsProxy = new ReverseProxySidecar(ts, 'proxy', {
    host: SidecarHost.fromConstruct(tsWeb), ipv6: Ipv6Mode.IPV4_ONLY,
    clientMaxBodySize: Size.mebibytes(8), clientTimeouts: { header: Duration.seconds(5) },
  });
  tsProxy.addRoute(Route.proxy('/api/', { cache: {} }));
  tsProxy.addRoute(Route.proxy('/'));

  const manifests = await kernelSynth(chart);
  expect(manifests).toEqual(Testing.synth(ts));
  const conf = await kernel.invoke(proxy, 'renderNginxConf') as string;
  expect(conf).toBe(tsProxy.renderNginxConf());
  expect(conf).toContain('client_max_body_size 8m;');
  expect(conf).toContain('client_header_timeout 5s;');
  expect(conf).not.toContain('[::]');
});

test("a ConfigError's message reaches the binding whole", async () => {
  let expected = '';
  try {
    Route.proxy('api');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expected = (e as Error).message;
  }
  expect(expected).toBe('Route.proxy("api") path "api" must start with "/"');
  // Python raises it as a JSIIError, Java as a JsiiError, Go as a panic, .NET as a JsiiException, each with this text.
  await expect(kernel.sinvoke(`${LIB}.Route`, 'proxy', ['api'])).rejects.toThrow(new KernelError(`ConfigError: ${expected}`));
});

test("a ConfigError the constructor throws reaches the binding with the message as TypeScript's (the kernel passes it through)", async () => {
  const chart = await kernel.create('cdk8s.Chart', [await kernel.create('cdk8s.App'), 'bad-port']);
  const web = await kernel.create('cdk8s-plus-34.Deployment', [chart, 'web', { containers: [{ image: 'app:1', portNumber: 5000 }] }]);
  const host = await kernel.sinvoke(`${LIB}.SidecarHost`, 'fromConstruct', [web]);
  let expected = '';
  try {
    const ts = new Chart(new App(), 'bad-port');
    new ReverseProxySidecar(ts, 'proxy', { host: SidecarHost.fromConstruct(new plus34.Deployment(ts, 'web', { containers: [{ image: 'app:1', portNumber: 5000 }] })), port: 80 });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expected = (e as Error).message;
  }
  expect(expected).toMatch(/^port 80 /);
  await expect(kernel.create(`${LIB}.ReverseProxySidecar`, [chart, 'proxy', { host, port: 80 }])).rejects.toThrow(new KernelError(expected));
});

test('fromConstruct refuses a construct that hosts no pods, naming it', async () => {
  const chart = await kernel.create('cdk8s.Chart', [await kernel.create('cdk8s.App'), 'not-a-workload']);
  await expect(kernel.sinvoke(`${LIB}.SidecarHost`, 'fromConstruct', [chart])).rejects.toThrow(new KernelError(
    'ConfigError: SidecarHost.fromConstruct "not-a-workload" is neither a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, '
    + 'CronJob or Pod) nor an ApiObject with a pod template',
  ));
});
