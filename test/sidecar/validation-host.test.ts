import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { Manifest, STATEFUL_SET_YAML, TempDir, exactly, find, include, included, podTemplate, rawDeployment } from './helpers';
import { attach, deploymentChart } from './validation-helpers';

let dir: TempDir;
beforeEach(() => { dir = new TempDir(); });
afterEach(() => dir.cleanup());

describe('hosts', () => {
  test.each([
    ['Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } }],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'svc' }, data: { a: 'b' } }],
    ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'svc' }, spec: { template: { spec: {} } } }],
  ])('a raw %s without a pod template with containers', (kind, props) => {
    const chart = Testing.chart();
    const obj = new ApiObject(chart, 'obj', props);
    expect(() => SidecarHost.fromApiObject(obj))
      .toThrow(exactly(`SidecarHost.fromApiObject "${kind}/svc" has no pod template with containers `
        + '(expected one of Pod, PodTemplate, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob)'));
  });

  test('a raw ReplicationController is a host: the table of pod-template paths is the one validation uses', () => {
    const chart = Testing.chart();
    const rc = new ApiObject(chart, 'rc', {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'a', ports: [{ containerPort: 5000 }] }] } } },
    });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(rc), routes: [Route.proxy('/')] });
    const m = find(Testing.synth(chart), 'ReplicationController');
    expect(podTemplate(m).spec.containers.map((c: { name: string }) => c.name)).toStrictEqual(['app', 'nginx']);
    expect(podTemplate(m).spec.volumes.map((v: { name: string }) => v.name)).toStrictEqual(['nginx-cache', 'nginx-config']);
  });

  test('a second sidecar on the same plus workload', () => {
    // GIVEN
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) });
    // WHEN / THEN: even with names that would not clash
    expect(() => new ReverseProxySidecar(chart, 'proxy2', {
      host: SidecarHost.fromWorkload(deployment), containerName: 'nginx2', port: 8081, portName: 'nginx2-http',
    })).toThrow(exactly('host Deployment "test/web" already has a ReverseProxySidecar (test/proxy); attach one per workload'));
  });

  test('a second sidecar on the same Include\'d object, through another host wrapper', () => {
    // GIVEN
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, STATEFUL_SET_YAML), 'StatefulSet', 'am');
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet) });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy2', { host: SidecarHost.fromApiObject(statefulSet), containerName: 'nginx2' }))
      .toThrow(exactly('host StatefulSet "am" already has a ReverseProxySidecar (test/proxy); attach one per workload'));
  });

  test('a sidecar whose construction failed leaves the host free for a corrected one', () => {
    // GIVEN a first attempt that fails on its port
    const { chart, deployment } = deploymentChart();
    expect(() => new ReverseProxySidecar(chart, 'bad', { host: SidecarHost.fromWorkload(deployment), port: 5000 }))
      .toThrow(exactly('port 5000 is already used by container "app" of Deployment "test/web"'));
    // WHEN / THEN a corrected one attaches
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) });
    expect(sidecar.port).toBe(8080);
  });

  test('a containerName that is already a container of the host', () => {
    expect(() => attach({ containerName: 'app' })).toThrow(exactly('containerName "app" is already a container of Deployment "test/web"'));
    const chart = Testing.chart();
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(rawDeployment(chart)), containerName: 'app' }))
      .toThrow(exactly('containerName "app" is already a container of Deployment "raw"'));
  });

  test('a containerName that is not a DNS label', () => {
    expect(() => attach({ containerName: 'Nginx' }))
      .toThrow(exactly('containerName "Nginx" must be a DNS label of at most 40 characters (lower-case letters, digits, "-")'));
  });

  test('a host volume that starts with the sidecar\'s volume prefix', () => {
    // GIVEN
    const { chart, deployment } = deploymentChart();
    deployment.addVolume(kplus.Volume.fromEmptyDir(chart, 'v', 'nginx-cache'));
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) }))
      .toThrow(exactly('containerName "nginx" prefixes the sidecar\'s volume names, and Deployment "test/web" already has a volume "nginx-cache"'));
  });
});

describe('drainDelay and the host\'s terminationGracePeriodSeconds', () => {
  /** The preStop script's leading sleep, for the one nginx container of the synthesized `kind`. */
  function drainOf(chart: Chart, kind: string): string {
    const nginx = podTemplate(find(Testing.synth(chart), kind)).spec.containers.find((c: Manifest) => c.name === 'nginx');
    return nginx.lifecycle.preStop.exec.command[2].split(';')[0];
  }

  /** STATEFUL_SET_YAML with `terminationGracePeriodSeconds` set on its pod template. */
  function statefulSetWithGrace(seconds: number): string {
    const yaml = STATEFUL_SET_YAML.replace('    spec:\n      containers:', `    spec:\n      terminationGracePeriodSeconds: ${seconds}\n      containers:`);
    expect(yaml).toContain(`\n    spec:\n      terminationGracePeriodSeconds: ${seconds}\n      containers:\n`);
    return yaml;
  }

  test('more than the default grace period of 30 s less 5 s, on a plus Deployment', () => {
    expect(() => attach({ drainDelay: Duration.seconds(26) })).toThrow(exactly('drainDelay "26s" leaves less than 5s of '
      + 'Deployment "test/web"\'s terminationGracePeriodSeconds (30) for the requests in flight; shorten it or raise the grace period'));
  });

  test('exactly 5 s left of the default grace period is accepted', () => {
    const sidecar = attach({ drainDelay: Duration.seconds(25) });
    expect(drainOf(Chart.of(sidecar), 'Deployment')).toBe('sleep 25');
  });

  test('a plus Deployment with a longer terminationGracePeriod allows a longer drain', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }], terminationGracePeriod: Duration.seconds(60),
    });
    // WHEN
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), drainDelay: Duration.seconds(30) });
    // THEN
    expect(drainOf(chart, 'Deployment')).toBe('sleep 30');
  });

  test('a plus Deployment with a longer terminationGracePeriod still needs 5 s of it', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }], terminationGracePeriod: Duration.seconds(60),
    });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), drainDelay: Duration.seconds(56) }))
      .toThrow(exactly('drainDelay "56s" leaves less than 5s of Deployment "test/web"\'s terminationGracePeriodSeconds (60) '
        + 'for the requests in flight; shorten it or raise the grace period'));
  });

  test('an Include\'d object whose pod template sets terminationGracePeriodSeconds', () => {
    // GIVEN a StatefulSet with 10 s
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, statefulSetWithGrace(10)), 'StatefulSet', 'am');
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet), drainDelay: Duration.seconds(6) }))
      .toThrow(exactly('drainDelay "6s" leaves less than 5s of StatefulSet "am"\'s terminationGracePeriodSeconds (10) '
        + 'for the requests in flight; shorten it or raise the grace period'));
    // AND the default drain of 5 s fits, on the host the failed attempt left free
    new ReverseProxySidecar(chart, 'proxy2', { host: SidecarHost.fromApiObject(statefulSet) });
    expect(drainOf(chart, 'StatefulSet')).toBe('sleep 5');
  });

  test('the default drain of 5 s on an Include\'d object with a grace period under 10 s', () => {
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, statefulSetWithGrace(8)), 'StatefulSet', 'am');
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet) }))
      .toThrow(exactly('drainDelay "5s" leaves less than 5s of StatefulSet "am"\'s terminationGracePeriodSeconds (8) '
        + 'for the requests in flight; shorten it or raise the grace period'));
  });

  test('an Include\'d object with a longer grace period allows a longer drain', () => {
    // GIVEN
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, statefulSetWithGrace(120)), 'StatefulSet', 'am');
    // WHEN
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet), drainDelay: Duration.seconds(60) });
    // THEN
    expect(drainOf(chart, 'StatefulSet')).toBe('sleep 60');
  });

  test('a raw object without terminationGracePeriodSeconds gets the default of 30 s', () => {
    const chart = Testing.chart();
    expect(() => new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromApiObject(rawDeployment(chart)), drainDelay: Duration.seconds(26),
    })).toThrow(exactly('drainDelay "26s" leaves less than 5s of Deployment "raw"\'s terminationGracePeriodSeconds (30) '
      + 'for the requests in flight; shorten it or raise the grace period'));
  });
});

describe('retargetService', () => {
  test('on an object that is not a Service', () => {
    // GIVEN
    const sidecar = attach({ routes: [Route.proxy('/')] });
    const chart = Chart.of(sidecar);
    const configMap = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    // WHEN / THEN
    expect(() => sidecar.retargetService(configMap)).toThrow(exactly('retargetService(ConfigMap "cm") "ConfigMap" is not a Service'));
  });

  test('from a port the Service does not have', () => {
    // GIVEN
    const chart = Testing.chart();
    const inc = include(chart, dir, STATEFUL_SET_YAML);
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromApiObject(included(inc, 'StatefulSet', 'am')), routes: [Route.proxy('/')],
    });
    // WHEN / THEN
    expect(() => sidecar.retargetService(included(inc, 'Service', 'am'), { fromPort: 9094 }))
      .toThrow(exactly('retargetService(Service "am") fromPort 9094 is not a port of the Service (it has: 9093 (http))'));
  });
});
