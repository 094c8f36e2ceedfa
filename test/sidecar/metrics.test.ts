import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import { ISidecarHost, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { Manifest, find, podTemplate, rawDeployment } from './helpers';

const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000, name: 'http' }] };

/** The exporter container exactly as the sidecar adds it with the defaults (classic: no restartPolicy). */
const EXPORTER = {
  name: 'nginx-exporter',
  image: 'nginx/nginx-prometheus-exporter:1.5.1',
  imagePullPolicy: 'IfNotPresent',
  args: ['--nginx.scrape-uri=http://127.0.0.1:8081/stub_status', '--web.listen-address=:9113'],
  ports: [{ name: 'metrics', containerPort: 9113 }],
  resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '48Mi' } },
  securityContext: {
    runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
    privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  },
  readinessProbe: { httpGet: { path: '/metrics', port: 9113, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  livenessProbe: { httpGet: { path: '/metrics', port: 9113, scheme: 'HTTP' }, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 },
};

/** The status listener exactly as rendered with the default port. */
const STATUS_SERVER = `  server {
    listen 127.0.0.1:8081;
    server_name _;
    access_log off;
    location = /stub_status {
      stub_status;
    }
    location / {
      return 404;
    }
  }
}
`;

/** Attaches a sidecar with one proxy route and `metrics`, synthesizes, returns the workload and the sidecar. */
function attach(host: (chart: ReturnType<typeof Testing.chart>) => ISidecarHost, kind: string, metrics?: object) {
  const chart = Testing.chart();
  const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: host(chart), routes: [Route.proxy('/')], metrics });
  const workload: Manifest = find(Testing.synth(chart), kind);
  return { sidecar, workload, spec: podTemplate(workload).spec };
}

const plus27 = (chart: any) => SidecarHost.fromWorkload(new kplus.Deployment(chart, 'web', { containers: [APP] }));

describe('metrics', () => {
  test('without metrics: no status listener, no exporter', () => {
    // WHEN
    const { sidecar, spec } = attach(plus27, 'Deployment');
    // THEN
    expect(sidecar.renderNginxConf()).not.toContain('stub_status');
    expect(sidecar.statusPort).toBeUndefined();
    expect(sidecar.metricsPortName).toBeUndefined();
    expect(spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx']);
  });

  test('metrics {}: stub_status in a server of its own on 127.0.0.1:8081, and no exporter', () => {
    // WHEN
    const { sidecar, spec } = attach(plus27, 'Deployment', {});
    // THEN the status server closes the http block; the Service-facing server has no stub_status
    const conf = sidecar.renderNginxConf();
    expect(conf.endsWith(STATUS_SERVER)).toBe(true);
    expect(conf.match(/stub_status/g)).toHaveLength(2);
    expect(sidecar.statusPort).toBe(8081);
    expect(spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx']);
    // AND the status port is no container port (only the pod reaches it)
    expect(spec.containers.flatMap((c: Manifest) => c.ports.map((p: Manifest) => p.containerPort))).toStrictEqual([5000, 8080]);
  });

  test('exporter: a second container after nginx on a cdk8s-plus-27 Deployment, hardened, probed on /metrics', () => {
    // WHEN
    const { sidecar, spec } = attach(plus27, 'Deployment', { exporter: true });
    // THEN
    expect(spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx', 'nginx-exporter']);
    expect(spec.containers[2]).toStrictEqual(EXPORTER);
    expect(sidecar.metricsPortName).toBe('metrics');
  });

  test('a raw ApiObject host gets the same exporter container as a cdk8s-plus one', () => {
    // WHEN
    const { spec } = attach((chart) => SidecarHost.fromApiObject(rawDeployment(chart)), 'Deployment', { exporter: true });
    // THEN
    expect(spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx', 'nginx-exporter']);
    expect(spec.containers[2]).toStrictEqual(EXPORTER);
  });

  test.each([
    ['cdk8s-plus-34 Deployment', (chart: any) => SidecarHost.fromWorkload(new plus34.Deployment(chart, 'web', { containers: [APP] }))],
    ['raw Deployment with nativeSidecar', (chart: any) => SidecarHost.fromApiObject(rawDeployment(chart))],
  ])('a native sidecar nginx: the exporter is a native sidecar too, after nginx (%s)', (_name, host) => {
    // GIVEN a host where nginx runs as a native sidecar
    const chart = Testing.chart();
    new ReverseProxySidecar(chart, 'proxy', { host: host(chart), routes: [Route.proxy('/')], nativeSidecar: true, metrics: { exporter: true } });
    // WHEN
    const spec = podTemplate(find(Testing.synth(chart), 'Deployment')).spec;
    // THEN
    expect(spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app']);
    expect(spec.initContainers.map((c: Manifest) => [c.name, c.restartPolicy])).toStrictEqual([['nginx', 'Always'], ['nginx-exporter', 'Always']]);
    expect(spec.initContainers[1]).toMatchObject({ ...EXPORTER, restartPolicy: 'Always' });
  });

  test('ports, name and image are configurable; the scrape URI follows the status port', () => {
    // WHEN
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(web), containerName: 'proxy', routes: [Route.proxy('/')],
      metrics: { statusPort: 9000, exporter: true, exporterPort: 9200, exporterPortName: 'prom', exporterImage: 'registry.local/exporter:1.5.1' },
    });
    const spec = podTemplate(find(Testing.synth(chart), 'Deployment')).spec;
    // THEN
    expect(sidecar.renderNginxConf()).toContain('    listen 127.0.0.1:9000;\n');
    expect(spec.containers[2]).toMatchObject({
      name: 'proxy-exporter', image: 'registry.local/exporter:1.5.1',
      args: ['--nginx.scrape-uri=http://127.0.0.1:9000/stub_status', '--web.listen-address=:9200'],
      ports: [{ name: 'prom', containerPort: 9200 }],
    });
  });

  test('the exporter\'s port is not taken for the app\'s: a proxy route still finds the app\'s one port', () => {
    // GIVEN a sidecar with the exporter and no route yet
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), metrics: { exporter: true } });
    // WHEN a proxy route is added after the exporter
    sidecar.addRoute(Route.proxy('/'));
    // THEN it proxies to the app's port, and only the app's container is held during the drain
    expect(sidecar.renderNginxConf()).toContain('server 127.0.0.1:5000;');
    const spec = podTemplate(find(Testing.synth(chart), 'Deployment')).spec;
    expect(spec.containers.filter((c: Manifest) => c.lifecycle?.preStop?.exec?.command?.[0] === 'sleep').map((c: Manifest) => c.name))
      .toStrictEqual(['app']);
  });

  test('a Service made with exposeViaService after the sidecar can name the metrics port', () => {
    // GIVEN
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')], metrics: { exporter: true } });
    // WHEN
    web.exposeViaService({ ports: [{ port: 80, targetPort: sidecar.port, name: sidecar.portName }, { port: 9113, targetPort: 9113, name: sidecar.metricsPortName }] });
    // THEN
    const svc = ApiObject.of(web.node.findAll().find((c) => ApiObject.isApiObject(c) && (c as ApiObject).kind === 'Service')!);
    expect(svc.toJson().spec.ports).toStrictEqual([
      { name: 'nginx-http', port: 80, targetPort: 8080 },
      { name: 'metrics', port: 9113, targetPort: 9113 },
    ]);
  });
});
