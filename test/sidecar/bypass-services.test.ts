import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { find } from './helpers';

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
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
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
});
