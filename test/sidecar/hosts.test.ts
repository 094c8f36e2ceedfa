import { ApiObject, Chart, Cron, Testing } from 'cdk8s';
import { ISidecarHost, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { PLUS_27_AND_34 } from '../support/plus-majors';

const CHECKSUM_ANNOTATION = ReverseProxySidecar.CHECKSUM_ANNOTATION;
import {
  Manifest, STATEFUL_SET_YAML, TempDir, checksumOf, container, exactly, find, include, included, podTemplate,
  rawDeployment, volume,
} from './helpers';

const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000, name: 'http' }] };
const NGINX_CONF = '/etc/nginx/sidecar/nginx.conf';

/** The preStop shell script for a drain of `seconds`. */
const PRE_STOP = (seconds: number) => `sleep ${seconds}; nginx -c ${NGINX_CONF} -e stderr -s quit`
  + ' || kill -QUIT "$(cat /var/cache/nginx/nginx.pid)"; while [ -e /var/cache/nginx/nginx.pid ]; do sleep 1; done';

interface HostCase {
  readonly name: string;
  readonly kind: string;
  readonly create: (chart: Chart, dir: TempDir) => ISidecarHost;
}

// The whole suite runs with the oldest and the newest cdk8s-plus major: the classic sidecar (an
// app container) on both; native sidecars are tested in native-sidecar.test.ts. Jobs and CronJobs
// take only a native sidecar (a regular nginx container would keep the Job from completing):
// job-hosts.test.ts.
describe.each(PLUS_27_AND_34)('with cdk8s-plus-$major', ({ major, kplus }) => {
/** A Deployment of this major with one `app` container on 5000 (named `http`). */
const appDeployment = (chart: Chart, id = 'web') => new kplus.Deployment(chart, id, { containers: [APP] });

const HOSTS: HostCase[] = [
  {
    name: 'cdk8s-plus Deployment',
    kind: 'Deployment',
    create: (chart) => SidecarHost.fromWorkload(new kplus.Deployment(chart, 'web', { containers: [APP] })),
  },
  // cdk8s-plus-31+ StatefulSets drop every pod volume without volumeClaimTemplates
  // (cdk8s-team/cdk8s-plus#6735): the host writes them back (the volume tests below hold on 34).
  {
    name: 'cdk8s-plus StatefulSet',
    kind: 'StatefulSet',
    create: (chart) => SidecarHost.fromWorkload(new kplus.StatefulSet(chart, 'web', { containers: [APP] })),
  },
  {
    name: 'cdk8s-plus DaemonSet',
    kind: 'DaemonSet',
    create: (chart) => SidecarHost.fromWorkload(new kplus.DaemonSet(chart, 'web', { containers: [APP] })),
  },
  {
    name: 'cdk8s-plus Pod',
    kind: 'Pod',
    create: (chart) => SidecarHost.fromWorkload(new kplus.Pod(chart, 'web', { containers: [APP] })),
  },
  {
    name: 'StatefulSet loaded with Include',
    kind: 'StatefulSet',
    create: (chart, dir) => SidecarHost.fromApiObject(included(include(chart, dir, STATEFUL_SET_YAML), 'StatefulSet', 'am')),
  },
  {
    name: 'raw Deployment without volumes or pod-template annotations',
    kind: 'Deployment',
    create: (chart) => SidecarHost.fromApiObject(rawDeployment(chart)),
  },
];

describe.each(HOSTS)('on a $name', ({ kind, create }) => {
  let dir: TempDir;
  let chart: Chart;
  let host: ISidecarHost;
  let appBefore: Manifest;
  let sidecar: ReverseProxySidecar;
  let manifest: Manifest;
  let manifests: Manifest[];

  // The tests below only read what this synthesizes: once per host kind.
  beforeAll(() => {
    // GIVEN a host, synthesized once without the sidecar
    dir = new TempDir();
    chart = Testing.chart();
    host = create(chart, dir);
    appBefore = container(find(Testing.synth(chart), kind), 'app');
    // WHEN
    sidecar = new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host, appPort: 5000, routes: [Route.proxy('/')] });
    manifests = Testing.synth(chart);
    manifest = find(manifests, kind);
  });

  afterAll(() => dir.cleanup());

  test('appends the nginx container after the app container', () => {
    expect(podTemplate(manifest).spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx']);
  });

  test('leaves the app container as it was, but for a preStop sleep when it declares the app port', () => {
    const declares = (appBefore.ports ?? []).some((p: Manifest) => p.containerPort === 5000);
    expect(container(manifest, 'app')).toStrictEqual(declares
      ? { ...appBefore, lifecycle: { preStop: { exec: { command: ['sleep', '6'] } } } }
      : appBefore);
  });

  test('runs the pinned image with nginx.conf from the ConfigMap, on port 8080 named nginx-http', () => {
    const c = container(manifest, 'nginx');
    expect({ image: c.image, command: c.command, ports: c.ports }).toStrictEqual({
      image: 'nginxinc/nginx-unprivileged:1.30.1-alpine',
      command: ['/bin/sh', '-c', expect.stringMatching(/^rm -rf \/var\/cache\/nginx\/listen-ipv6\n[^]*\nexec "\$@"$/),
        'nginx-start', 'nginx', '-c', NGINX_CONF, '-e', 'stderr'],
      ports: [{ containerPort: 8080, name: 'nginx-http' }],
    });
  });

  test('hardens the container: uid/gid 101, non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp', () => {
    expect(container(manifest, 'nginx').securityContext).toStrictEqual({
      runAsNonRoot: true,
      runAsUser: 101,
      runAsGroup: 101,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('probes readiness and liveness with GET /_sidecar/healthz on 8080', () => {
    const c = container(manifest, 'nginx');
    expect(c.readinessProbe).toMatchObject({
      httpGet: { path: '/_sidecar/healthz', port: 8080 }, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 2,
    });
    expect(c.livenessProbe).toMatchObject({
      httpGet: { path: '/_sidecar/healthz', port: 8080 }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3,
    });
  });

  test('drains on preStop: sleeps, quits nginx gracefully through the same nginx.conf (else by the pid file), waits for the workers', () => {
    expect(container(manifest, 'nginx').lifecycle.preStop.exec.command).toStrictEqual(['/bin/sh', '-c', PRE_STOP(5)]);
  });

  test('adds a size-limited emptyDir cache volume and the nginx.conf ConfigMap volume, mounted in nginx', () => {
    expect(volume(manifest, 'nginx-cache')).toStrictEqual({ name: 'nginx-cache', emptyDir: { sizeLimit: '96Mi' } });
    expect(volume(manifest, 'nginx-config')).toStrictEqual({ name: 'nginx-config', configMap: { name: String(sidecar.configMap.name) } });
    expect(container(manifest, 'nginx').volumeMounts).toStrictEqual([
      { name: 'nginx-cache', mountPath: '/var/cache/nginx', readOnly: false },
      { name: 'nginx-config', mountPath: '/etc/nginx/sidecar', readOnly: true },
    ]);
  });

  test('the config volume names a ConfigMap that is synthesized, holding nginx.conf', () => {
    const configMap = find(manifests, 'ConfigMap', String(sidecar.configMap.name));
    expect(configMap.data['nginx.conf']).toContain('listen 8080;');
  });

  test('annotates the pod template with the SHA-256 config checksum', () => {
    expect(checksumOf(manifest)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksumOf(manifest)).toBe(sidecar.checksum);
  });
});

describe('where the pod template is', () => {
  test('a CronJob is annotated on its job template, not on spec.template or its own metadata', () => {
    // GIVEN (a Job takes only a native sidecar, which cdk8s-plus-27 cannot express: a raw CronJob there)
    const chart = Testing.chart();
    const host = major >= 29
      ? SidecarHost.fromWorkload(new kplus.CronJob(chart, 'web', { schedule: Cron.daily(), containers: [APP] }))
      : SidecarHost.fromApiObject(new ApiObject(chart, 'web', {
        apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'web' },
        spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'app:1.0.0' }] } } } } },
      }));
    // WHEN
    new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: true, host });
    // THEN
    const m = find(Testing.synth(chart), 'CronJob');
    expect(m.spec.jobTemplate.spec.template.metadata.annotations[CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    expect(m.spec.template).toBeUndefined();
    expect(m.metadata.annotations?.[CHECKSUM_ANNOTATION]).toBeUndefined();
  });

  test('a Pod is annotated and gets the container at its root', () => {
    // GIVEN
    const chart = Testing.chart();
    const pod = new kplus.Pod(chart, 'web', { containers: [APP] });
    // WHEN
    new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host: SidecarHost.fromWorkload(pod) });
    // THEN
    const m = find(Testing.synth(chart), 'Pod');
    expect(m.metadata.annotations[CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    expect(m.spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx']);
  });
});

describe('cdk8s-plus and raw hosts agree', () => {
  let dir: TempDir;
  beforeEach(() => { dir = new TempDir(); });
  afterEach(() => dir.cleanup());

  /** The nginx container and the pod volumes of a plus Deployment and of a raw Deployment with the same props. */
  function synthBoth(): { plus: Manifest; raw: Manifest } {
    const site = dir.write('site/index.html', '<h1>hi</h1>\n');
    const props = () => ({
      env: { B: '2', A: '1' },
      routes: [Route.proxy('/api/'), Route.staticFiles('/', { directory: dir.path('site') }), Route.file('/x.html', { path: site })],
    });
    const chart = Testing.chart();
    new ReverseProxySidecar(chart, 'plus-proxy', { nativeSidecar: false, host: SidecarHost.fromWorkload(appDeployment(chart, 'plus')), ...props() });
    new ReverseProxySidecar(chart, 'raw-proxy', { nativeSidecar: false, host: SidecarHost.fromApiObject(rawDeployment(chart, 'raw')), ...props() });
    const manifests = Testing.synth(chart);
    const [plus, raw] = ['plus', 'raw'].map((id) => manifests.find((m) => m.kind === 'Deployment'
      && (m.metadata.name === id || m.metadata.name.startsWith(`test-${id}-`))));
    return { plus, raw };
  }

  test('the nginx container JSON is identical', () => {
    // GIVEN / WHEN
    const { plus, raw } = synthBoth();
    // THEN
    expect(container(plus, 'nginx')).toStrictEqual(container(raw, 'nginx'));
  });

  test('the sidecar volumes are identical but for the ConfigMap names', () => {
    // GIVEN / WHEN
    const { plus, raw } = synthBoth();
    const anonymous = (m: Manifest) => podTemplate(m).spec.volumes.map((v: Manifest) =>
      (v.configMap ? { ...v, configMap: { ...v.configMap, name: '<name>' } } : v));
    // THEN
    expect(anonymous(plus)).toStrictEqual(anonymous(raw));
    expect(anonymous(plus).map((v: Manifest) => v.name)).toStrictEqual(['nginx-cache', 'nginx-config', 'nginx-static-1', 'nginx-static-2']);
  });
});

describe('containers and volumes the host already has or gets later', () => {
  test('the hardening patch stays on nginx when the plus workload gets another container afterwards', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = appDeployment(chart);
    new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host: SidecarHost.fromWorkload(deployment) });
    // WHEN
    deployment.addContainer({ name: 'late', image: 'late:1', ports: [{ number: 9000 }] });
    // THEN
    const m = find(Testing.synth(chart), 'Deployment');
    expect(podTemplate(m).spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx', 'late']);
    expect(container(m, 'nginx').securityContext.capabilities).toStrictEqual({ drop: ['ALL'] });
    expect(container(m, 'late').securityContext.capabilities).toBeUndefined();
    expect(container(m, 'late').securityContext.seccompProfile).toBeUndefined();
  });

  test('a raw host keeps its own volumes and its pod-template annotations, and adds the sidecar\'s after them', () => {
    // GIVEN
    const chart = Testing.chart();
    const raw = new ApiObject(chart, 'raw', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'raw' },
      spec: {
        selector: { matchLabels: { app: 'raw' } },
        template: {
          metadata: { labels: { app: 'raw' }, annotations: { 'example.com/keep': 'yes' } },
          spec: {
            containers: [{ name: 'app', image: 'app:1.0.0', ports: [{ containerPort: 5000 }] }],
            volumes: [{ name: 'data', emptyDir: {} }],
          },
        },
      },
    });
    // WHEN
    new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host: SidecarHost.fromApiObject(raw) });
    // THEN
    const template = podTemplate(find(Testing.synth(chart), 'Deployment'));
    expect(template.spec.volumes.map((v: Manifest) => v.name)).toStrictEqual(['data', 'nginx-cache', 'nginx-config']);
    expect(Object.keys(template.metadata.annotations)).toStrictEqual(['example.com/keep', CHECKSUM_ANNOTATION]);
    expect(template.metadata.labels).toStrictEqual({ app: 'raw' });
  });

  test('a static route adds a ConfigMap volume with items, mounted read-only under /usr/share/nginx/html', () => {
    // GIVEN
    const dir = new TempDir();
    try {
      dir.write('site/index.html', '<h1>hi</h1>\n');
      dir.write('site/css/app.css', 'body{}\n');
      const chart = Testing.chart();
      // WHEN
      const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      nativeSidecar: false,
        host: SidecarHost.fromApiObject(rawDeployment(chart)),
        routes: [Route.staticFiles('/www/', { directory: dir.path('site') })],
      });
      // THEN
      const manifests = Testing.synth(chart);
      const m = find(manifests, 'Deployment');
      expect(volume(m, 'nginx-static-1')).toStrictEqual({
        name: 'nginx-static-1',
        configMap: {
          name: String(sidecar.staticConfigMap!.name),
          items: [{ key: '1-www_-css_-app.css', path: 'www/css/app.css' }, { key: '1-www_-index.html', path: 'www/index.html' }],
        },
      });
      expect(container(m, 'nginx').volumeMounts[2]).toStrictEqual({ name: 'nginx-static-1', mountPath: '/usr/share/nginx/html/1', readOnly: true });
      expect(find(manifests, 'ConfigMap', String(sidecar.staticConfigMap!.name)).data).toStrictEqual({
        '1-www_-css_-app.css': 'body{}\n',
        '1-www_-index.html': '<h1>hi</h1>\n',
      });
    } finally {
      dir.cleanup();
    }
  });
});

describe('namespace of the ConfigMaps', () => {
  test('an Include\'d object\'s metadata.namespace is used for both ConfigMaps', () => {
    // GIVEN
    const dir = new TempDir();
    try {
      const chart = Testing.chart();
      const statefulSet = included(include(chart, dir, STATEFUL_SET_YAML), 'StatefulSet', 'am');
      const file = dir.write('robots.txt', 'User-agent: *\n');
      // WHEN
      const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      nativeSidecar: false,
        host: SidecarHost.fromApiObject(statefulSet), routes: [Route.file('/robots.txt', { path: file })],
      });
      // THEN
      const manifests = Testing.synth(chart);
      expect(find(manifests, 'ConfigMap', String(sidecar.configMap.name)).metadata.namespace).toBe('monitoring');
      expect(find(manifests, 'ConfigMap', String(sidecar.staticConfigMap!.name)).metadata.namespace).toBe('monitoring');
    } finally {
      dir.cleanup();
    }
  });

  test('a plus workload\'s own namespace is used', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'apps' }, containers: [APP] });
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host: SidecarHost.fromWorkload(deployment) });
    // THEN
    expect(find(Testing.synth(chart), 'ConfigMap', String(sidecar.configMap.name)).metadata.namespace).toBe('apps');
  });

  test('the static ConfigMap created by a route added after construction is in the workload\'s namespace too', () => {
    // GIVEN
    const dir = new TempDir();
    try {
      const chart = Testing.chart();
      const deployment = new kplus.Deployment(chart, 'web', { metadata: { namespace: 'apps' }, containers: [APP] });
      const sidecar = new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host: SidecarHost.fromWorkload(deployment) });
      // WHEN
      sidecar.addRoute(Route.file('/robots.txt', { path: dir.write('robots.txt', 'User-agent: *\n') }));
      // THEN
      expect(find(Testing.synth(chart), 'ConfigMap', String(sidecar.staticConfigMap!.name)).metadata.namespace).toBe('apps');
    } finally {
      dir.cleanup();
    }
  });
});

describe('the static ConfigMap is created with the first static or file route', () => {
  let dir: TempDir;
  beforeEach(() => { dir = new TempDir(); });
  afterEach(() => dir.cleanup());

  /** The names of the ConfigMaps a chart synthesizes. */
  function configMapNames(chart: Chart): string[] {
    return Testing.synth(chart).filter((m) => m.kind === 'ConfigMap').map((m) => m.metadata.name);
  }

  test.each<[string, () => ISidecarHost]>([
    ['a plus Deployment', () => SidecarHost.fromWorkload(new kplus.Deployment(Testing.chart(), 'web', { containers: [APP] }))],
    ['a raw Deployment', () => SidecarHost.fromApiObject(rawDeployment(Testing.chart()))],
  ])('a sidecar with only proxy routes on %s has none, and no static volume', (_name, create) => {
    // GIVEN
    const host = create();
    const chart = Chart.of(host.apiObject);
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host, appPort: 5000, routes: [Route.proxy('/'), Route.proxy('/api/')] });
    // THEN
    expect(sidecar.staticConfigMap).toBeUndefined();
    expect(configMapNames(chart)).toStrictEqual([String(sidecar.configMap.name)]);
    const m = find(Testing.synth(chart), 'Deployment');
    expect(podTemplate(m).spec.volumes.map((v: Manifest) => v.name)).toStrictEqual(['nginx-cache', 'nginx-config']);
    expect(sidecar.node.tryFindChild('static')).toBeUndefined();
  });

  test('a sidecar without any route has none', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host: SidecarHost.fromWorkload(appDeployment(chart)) });
    // THEN
    expect(sidecar.staticConfigMap).toBeUndefined();
    expect(configMapNames(chart)).toStrictEqual([String(sidecar.configMap.name)]);
  });

  test('the first static route added later creates it, and its volume refers to it', () => {
    // GIVEN a sidecar with a proxy route only
    dir.write('site/index.html', 'hi');
    const chart = Testing.chart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      nativeSidecar: false,
      host: SidecarHost.fromWorkload(appDeployment(chart)), routes: [Route.proxy('/api/')],
    });
    expect(sidecar.staticConfigMap).toBeUndefined();
    // WHEN
    sidecar.addRoute(Route.staticFiles('/', { directory: dir.path('site') }));
    // THEN
    const staticConfigMap = sidecar.staticConfigMap!;
    expect(staticConfigMap).toBeInstanceOf(ApiObject);
    expect(staticConfigMap.kind).toBe('ConfigMap');
    const manifests = Testing.synth(chart);
    expect(configMapNames(chart)).toStrictEqual([String(sidecar.configMap.name), String(staticConfigMap.name)]);
    expect(find(manifests, 'ConfigMap', String(staticConfigMap.name)).data).toStrictEqual({ '1-index.html': 'hi' });
    expect(volume(find(manifests, 'Deployment'), 'nginx-static-1').configMap.name).toBe(String(staticConfigMap.name));
  });

  test('later static and file routes share it: one static ConfigMap, each route its own volume', () => {
    // GIVEN
    dir.write('site/index.html', 'hi');
    const robots = dir.write('robots.txt', 'User-agent: *\n');
    const chart = Testing.chart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      nativeSidecar: false,
      host: SidecarHost.fromWorkload(appDeployment(chart)), routes: [Route.file('/robots.txt', { path: robots })],
    });
    const first = sidecar.staticConfigMap;
    // WHEN
    sidecar.addRoute(Route.staticFiles('/site/', { directory: dir.path('site') }));
    // THEN
    expect(sidecar.staticConfigMap).toBe(first);
    const manifests = Testing.synth(chart);
    expect(configMapNames(chart)).toHaveLength(2);
    expect(find(manifests, 'ConfigMap', first!.name).data).toStrictEqual({ '1-robots.txt': 'User-agent: *\n', '2-site_-index.html': 'hi' });
    const m = find(manifests, 'Deployment');
    expect(volume(m, 'nginx-static-1').configMap).toStrictEqual({ name: String(first!.name), items: [{ key: '1-robots.txt', path: 'robots.txt' }] });
    expect(volume(m, 'nginx-static-2').configMap).toStrictEqual({ name: String(first!.name), items: [{ key: '2-site_-index.html', path: 'site/index.html' }] });
  });

  test('a static route refused for its files creates none', () => {
    // GIVEN
    const chart = Testing.chart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { nativeSidecar: false, host: SidecarHost.fromWorkload(appDeployment(chart)) });
    // WHEN
    const missing = dir.path('missing');
    expect(() => sidecar.addRoute(Route.staticFiles('/', { directory: missing })))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(missing)} does not exist (resolved to ${missing})`));
    // THEN
    expect(sidecar.staticConfigMap).toBeUndefined();
    expect(configMapNames(chart)).toStrictEqual([String(sidecar.configMap.name)]);
  });
});
});
