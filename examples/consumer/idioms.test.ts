import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

// What a user writes to expose the sidecar, and what each gives on this project's cdk8s-plus major
// (the tarball test runs this file on cdk8s-plus-27 and cdk8s-plus-34): works, or an error naming
// the fix before any YAML is written.
const APP = { name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] };

function attach(): { chart: Chart; web: kplus.Deployment; proxy: ReverseProxySidecar } {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
  const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
  return { chart, web, proxy };
}

/** The ports of the Services that reach nginx's container port 8080 (by number or name), as `port->target`. */
function toNginx(chart: Chart): string[] {
  const ports: string[] = [];
  for (const s of Testing.synth(chart).filter((o) => o.kind === 'Service')) {
    for (const p of s.spec.ports) {
      if (p.targetPort === 8080 || p.targetPort === 'nginx-http') ports.push(`${p.port}->${p.targetPort}`);
    }
  }
  return ports;
}

test('proxy.exposeViaService() and proxy.exposeViaIngress(path) reach nginx', () => {
  const { chart, proxy } = attach();
  proxy.exposeViaService();
  proxy.exposeViaIngress('/', { name: 'web' });
  expect(toNginx(chart)).toEqual(['80->8080', '80->8080']);
  const ingress = Testing.synth(chart).find((o) => o.kind === 'Ingress');
  expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'web', port: { number: 80 } });
});

test('web.exposeViaService / exposeViaIngress with targetPort proxy.port: works with a regular nginx, cdk8s-plus refuses a native one', () => {
  for (const call of ['service', 'ingress']) {
    const { chart, web, proxy } = attach();
    const ports = [{ port: 80, targetPort: proxy.port, name: proxy.portName }];
    const expose = () => (call === 'service' ? web.exposeViaService({ ports }) : web.exposeViaIngress('/', { ports }));
    if (proxy.nativeSidecar) {
      expect(expose).toThrow('Port 8080 is not exposed by any container');
    } else {
      expose();
      expect(toNginx(chart)).toEqual(['80->8080']);
    }
  }
});

test('web.exposeViaService() reaches the app: an error naming proxy.exposeViaService(); retargetService mends it', () => {
  const { chart, web, proxy } = attach();
  const service = web.exposeViaService();
  expect(() => Testing.synth(chart)).toThrow('past nginx: make the Service with proxy.exposeViaService() instead');
  proxy.retargetService(service, { port: 80 });
  // A native sidecar's port by number (Kubernetes resolves its name only from 1.32 on).
  expect(Testing.synth(chart).find((o) => o.kind === 'Service').spec.ports)
    .toEqual([{ name: 'nginx-http', port: 80, targetPort: proxy.nativeSidecar ? 8080 : 'nginx-http' }]);
});

test('web.exposeViaIngress(\'/\') then retargetService on its Service: the Ingress would reach nothing, an error naming it', () => {
  const { chart, web, proxy } = attach();
  if (!proxy.nativeSidecar) {
    expect(() => web.exposeViaIngress('/')).toThrow('unable to determine service port since service exposes multiple ports');
    return;
  }
  web.exposeViaIngress('/');
  proxy.retargetService(web.node.findChild('Service'), { port: 80 });
  expect(() => Testing.synth(chart)).toThrow(/Ingress "[\w-]+" \(test\/web\/Service\/Ingress\/Resource\) sends path "\/" to port 5000 of Service "[\w-]+", which the Service does not have \(retargetService moved it\)/);
});

test('new kplus.Service without targetPort: an error naming the Service and port 80, where nothing listens', () => {
  const { chart, web } = attach();
  new kplus.Service(chart, 'svc', { selector: web, ports: [{ port: 80 }] });
  expect(() => Testing.synth(chart)).toThrow(/Service "[\w-]+" \(test\/svc\/Resource\) sends port 80 to port 80 of the pods of Deployment "test\/web", which no container of the pod declares/);
});

test('SidecarHost.fromWorkload(statefulSet): the pod keeps every volume, nginx as the major runs it by default', () => {
  const chart = Testing.chart();
  const sts = new kplus.StatefulSet(chart, 'db', { containers: [APP] });
  const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(sts), routes: [Route.proxy('/')] });
  proxy.exposeViaService();
  const spec = Testing.synth(chart).find((o) => o.kind === 'StatefulSet').spec.template.spec;
  expect(spec.volumes.map((v: { name: string }) => v.name)).toEqual(['nginx-cache', 'nginx-config']);
  expect((proxy.nativeSidecar ? spec.initContainers : spec.containers).map((c: { name: string }) => c.name)).toContain('nginx');
  expect(toNginx(chart)).toEqual(['80->8080']);
});

test('a Job with nginx as a regular container is refused, with the way out', () => {
  const chart = Testing.chart();
  const job = new kplus.Job(chart, 'job', { containers: [{ name: 'task', image: 'ghcr.io/example/task:1.0.0' }] });
  const host = SidecarHost.fromWorkload(job);
  expect(() => new ReverseProxySidecar(chart, 'proxy', { host, nativeSidecar: false }))
    .toThrow('so the Job never completes; ');
  // The way out: a native sidecar where the major has one, else a raw Job object.
  const raw = new ApiObject(chart, 'raw-job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'raw-job' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'task', image: 'ghcr.io/example/task:1.0.0' }] } } } });
  new ReverseProxySidecar(chart, 'raw-proxy', { host: SidecarHost.fromApiObject(raw), nativeSidecar: true, routes: [Route.staticFiles('/', { directory: 'site' })] });
  const init = Testing.synth(chart).find((o) => o.metadata.name === 'raw-job').spec.template.spec.initContainers;
  expect(init.map((c: { name: string; restartPolicy: string }) => `${c.name} ${c.restartPolicy}`)).toEqual(['nginx Always']);
});
