import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { exactly, find } from './helpers';

const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000, name: 'http' }] };
const FIX = 'past nginx: make the Service with proxy.exposeViaService() instead (or give it targetPort 8080, the sidecar\'s port), or call proxy.retargetService on it; '
  + 'if it is meant to reach the app directly, annotate it reverse-proxy-sidecar.cdk8s.io/bypass: "true"';

describe('a Service that selects the pods and targets the app\'s port', () => {
  test('exposeViaService() before the sidecar is an error at synthesis, naming the Service and the fix', () => {
    // GIVEN
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const svc = web.exposeViaService();
    // WHEN
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    // THEN
    expect(() => Testing.synth(chart)).toThrow(`[test/proxy] Service "${svc.name}" (test/web/Service/Resource) sends port 5000 to the `
      + `app's port 5000 on the pods of Deployment "test/web", ${FIX}`);
  });

  test('a Service added after a synthesis is found at the next one (the Services are read anew each synthesis)', () => {
    // GIVEN a chart that synthesizes cleanly
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    expect(Testing.synth(chart).map((o) => o.kind).sort()).toStrictEqual(['ConfigMap', 'Deployment']);
    // WHEN a bypassing Service is added afterwards
    new ApiObject(chart, 'late', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'late' },
      spec: { selector: web.matchLabels, ports: [{ port: 80, targetPort: 5000 }] } });
    // THEN the next synthesis reports it
    expect(() => Testing.synth(chart)).toThrow(`[test/proxy] Service "late" (test/late) sends port 80 to the app's port 5000 on the pods of `
      + `Deployment "test/web", ${FIX}`);
  });

  test('retargeted, it passes and goes to nginx', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const svc = web.exposeViaService();
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    proxy.retargetService(svc, { port: 80 });
    // A native sidecar's port by number: Kubernetes resolves its name only from 1.32 on.
    expect(find(Testing.synth(chart), 'Service').spec.ports).toStrictEqual([{ name: 'nginx-http', port: 80, targetPort: 8080 }]);
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a headless Service (DNS for the pods)', { clusterIP: 'None' }, {}],
    ['a Service annotated as a deliberate bypass', {}, { annotations: { 'reverse-proxy-sidecar.cdk8s.io/bypass': 'true' } }],
    ['a Service in another namespace', {}, { namespace: 'other' }],
  ])('%s is left alone', (_name, spec, metadata) => {
    const chart = Testing.chart();
    // (in "prod": a Service without a namespace may go wherever the workload goes)
    const web = new kplus.Deployment(chart, 'web', { containers: [APP], metadata: { namespace: 'prod' } });
    new ApiObject(chart, 'svc', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'direct', ...metadata },
      spec: { selector: web.matchLabels, ports: [{ port: 5000, targetPort: 'http' }], ...spec },
    });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('a raw Service targeting the app\'s port by name is found too; one targeting nginx is not', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    new ApiObject(chart, 'ok', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ok' }, spec: { selector: web.matchLabels, ports: [{ port: 80, targetPort: proxy.port }] } });
    new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'raw' }, spec: { selector: web.matchLabels, ports: [{ port: 80, targetPort: 'http' }] } });
    expect(() => Testing.synth(chart)).toThrow(`[test/proxy] Service "raw" (test/raw) sends port 80 to the app's port 5000 on the pods of Deployment "test/web", ${FIX}`);
  });

  test('a Service over two workloads with a named port only the other declares passes: Kubernetes leaves these pods out', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const admin = new kplus.Deployment(chart, 'admin', { containers: [{ name: 'admin', image: 'admin:1', ports: [{ number: 9000, name: 'admin' }] }] });
    web.podMetadata.addLabel('tier', 'web');
    admin.podMetadata.addLabel('tier', 'web');
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { tier: 'web' }, ports: [{ port: 9000, targetPort: 'admin' }] } });
    expect(Testing.synth(chart).filter((m) => m.kind === 'Service')).toHaveLength(1);
  });

  test('a failed synthesis forgets what it read: mended, the next one passes', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const svc = web.exposeViaService();
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    expect(() => Testing.synth(chart)).toThrow('past nginx');
    proxy.retargetService(svc, { port: 80 });
    expect(find(Testing.synth(chart), 'Service').spec.ports).toStrictEqual([{ name: 'nginx-http', port: 80, targetPort: 8080 }]);
  });
});

describe('a retargeted Service, port by port', () => {
  test('a port bound after retargetService that reaches the app is an error naming it and fromPort', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    const svc = new kplus.Service(chart, 'svc', { selector: web, ports: [{ port: 80, targetPort: 5000 }] });
    proxy.retargetService(svc);
    svc.bind(9000, { targetPort: 5000, name: 'direct' });
    expect(() => Testing.synth(chart)).toThrow(exactly(`Validation failed with the following errors:\n  [test/proxy] Service "${svc.name}" `
      + '(test/svc/Resource) sends port 9000 to the app\'s port 5000 on the pods of Deployment "test/web", past nginx: retargetService '
      + 'moved another port of this Service; remove this one, or move it too (retargetService with fromPort 9000); if it is meant to '
      + 'reach the app directly, annotate it reverse-proxy-sidecar.cdk8s.io/bypass: "true"'));
  });

  test('one that also selects pods without nginx (a stable/canary pair sharing a label) is an error naming them', () => {
    const chart = Testing.chart();
    const stable = new kplus.Deployment(chart, 'stable', { containers: [APP] });
    const canary = new kplus.Deployment(chart, 'canary', { containers: [APP] });
    stable.podMetadata.addLabel('app', 'web');
    canary.podMetadata.addLabel('app', 'web');
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(stable), routes: [Route.proxy('/')] });
    const svc = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 5000 }] } });
    proxy.retargetService(svc, { port: 80 });
    const canaryName = ApiObject.of(canary).name;
    expect(() => Testing.synth(chart)).toThrow(exactly('Validation failed with the following errors:\n  [test/proxy] retargetService(Service '
      + `"web") selector {"app":"web"} also selects the pods of Deployment "${canaryName}" (test/canary/Resource), which declare no port `
      + '"nginx-http": they would drop out of the Service\'s endpoints. Attach a sidecar to them too, or narrow the selector'));
  });

  test('the Ingresses of a headless retargeted Service are checked too', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    const svc = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
      spec: { clusterIP: 'None', selector: web.matchLabels, ports: [{ port: 5000, targetPort: 5000 }] } });
    new ApiObject(chart, 'ing', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'ing' },
      spec: { defaultBackend: { service: { name: 'web', port: { number: 5000 } } } } });
    proxy.retargetService(svc, { port: 80 });
    expect(() => Testing.synth(chart)).toThrow('[test/proxy] Ingress "ing" (test/ing) sends its default backend to port 5000 of Service "web", '
      + 'which the Service does not have (retargetService moved it)');
  });
});
