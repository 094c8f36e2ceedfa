import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Cron, JsonPatch, Size, Testing } from 'cdk8s';
import * as plus27 from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import { IPlusWorkload, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { EVERY_PLUS_MAJOR } from '../support/plus-majors';
import { Manifest, TempDir, container, exactly, find, podTemplate } from './helpers';

const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000, name: 'http' }] };

describe.each(EVERY_PLUS_MAJOR)('a cdk8s-plus-$major workload', ({ major, kplus }) => {
  test('is a host: nginx is added with the same JSON as on a raw object, and exposeViaService sees its port', () => {
    // GIVEN
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const raw = new kplus.Deployment(chart, 'raw', { containers: [APP] });
    // WHEN
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), nativeSidecar: false, routes: [Route.proxy('/')] });
    new ReverseProxySidecar(chart, 'proxy-raw', { host: SidecarHost.fromApiObject(ApiObject.of(raw)), nativeSidecar: false, routes: [Route.proxy('/')] });
    web.exposeViaService({ ports: [{ port: 80, targetPort: proxy.port, name: proxy.portName }] });
    // THEN
    const [plusJson, rawJson] = Testing.synth(chart).filter((m) => m.kind === 'Deployment');
    expect(container(plusJson, 'nginx')).toStrictEqual(container(rawJson, 'nginx'));
    expect(container(plusJson, 'app').lifecycle).toStrictEqual({ preStop: { exec: { command: ['sleep', '6'] } } });
    expect(find(Testing.synth(chart), 'Service').spec.ports).toStrictEqual([{ name: 'nginx-http', port: 80, targetPort: 8080 }]);
  });

  test(`is a native sidecar by default ${major >= 29 ? '(Kubernetes 1.29+)' : 'only on request, or never'}`, () => {
    // GIVEN
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    // WHEN
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web) });
    // THEN
    expect(proxy.nativeSidecar).toBe(major >= 29);
    const spec = podTemplate(find(Testing.synth(chart), 'Deployment')).spec;
    expect([spec.containers.map((c: Manifest) => c.name), (spec.initContainers ?? []).map((c: Manifest) => c.name)])
      .toStrictEqual(major >= 29 ? [['app'], ['nginx']] : [['app', 'nginx'], []]);
  });

  if (major >= 28) {
    test('as a native sidecar, nginx is added with the same JSON as on a raw object, startup probe and all', () => {
      const chart = Testing.chart();
      const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
      const raw = new kplus.Deployment(chart, 'raw', { containers: [APP] });
      new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), nativeSidecar: true, routes: [Route.proxy('/')] });
      new ReverseProxySidecar(chart, 'proxy-raw', { host: SidecarHost.fromApiObject(ApiObject.of(raw)), nativeSidecar: true, routes: [Route.proxy('/')] });
      const [plusJson, rawJson] = Testing.synth(chart).filter((m) => m.kind === 'Deployment').map((m) => podTemplate(m).spec.initContainers[0]);
      expect(plusJson.startupProbe).toBeDefined();
      expect(plusJson).toStrictEqual(rawJson);
    });
  }

  if (major === 27) {
    test('refuses nativeSidecar: true, saying why', () => {
      const chart = Testing.chart();
      const host = SidecarHost.fromWorkload(new kplus.Deployment(chart, 'web', { containers: [APP] }));
      expect(() => new ReverseProxySidecar(chart, 'proxy', { host, nativeSidecar: true })).toThrow(exactly('nativeSidecar true needs '
        + 'cdk8s-plus-28 or later: Deployment "test/web" is a cdk8s-plus-27 workload, whose Kubernetes 1.27 types drop an init '
        + 'container\'s restartPolicy; use cdk8s-plus-29 or later (clusters 1.29+), or leave nativeSidecar unset'));
    });
  } else {
    test('on request, the init container has restartPolicy Always, the probes and the hardening', () => {
      const chart = Testing.chart();
      const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
      new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), nativeSidecar: true });
      const nginx = podTemplate(find(Testing.synth(chart), 'Deployment')).spec.initContainers[0];
      expect(nginx).toMatchObject({
        name: 'nginx', restartPolicy: 'Always',
        // The kubelet starts the app once this passes: nginx is up before the app, as the README says.
        startupProbe: { httpGet: { path: '/_sidecar/healthz', port: 8080 }, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 60 },
        readinessProbe: { httpGet: { path: '/_sidecar/healthz', port: 8080 } },
        livenessProbe: { httpGet: { path: '/_sidecar/healthz', port: 8080 } },
        securityContext: { capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 101 },
      });
    });
  }

  test('a StatefulSet without volumeClaimTemplates keeps every pod volume, native sidecar and all (cdk8s-plus#6735 worked around on 31+)', () => {
    // GIVEN a StatefulSet with a volume of the user's own
    const chart = Testing.chart();
    const sts = new kplus.StatefulSet(chart, 'db', { containers: [APP] });
    sts.containers[0].mount('/data', kplus.Volume.fromEmptyDir(chart, 'data', 'data') as never);
    // WHEN
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(sts), routes: [Route.proxy('/')] });
    // THEN the pod has the user's volume and the sidecar's, and nginx runs as the major does by default
    const spec = podTemplate(find(Testing.synth(chart), 'StatefulSet')).spec;
    expect(spec.volumes.map((v: Manifest) => v.name)).toStrictEqual(['data', 'nginx-cache', 'nginx-config']);
    expect(proxy.nativeSidecar).toBe(major >= 29);
    expect((proxy.nativeSidecar ? spec.initContainers : spec.containers).map((c: Manifest) => c.name)).toContain('nginx');
  });

  test('a StatefulSet with a volumeClaimTemplate keeps the other volumes and leaves the claimed one to the template', () => {
    const chart = Testing.chart();
    const sts = new kplus.StatefulSet(chart, 'db', { containers: [APP] });
    const claim = kplus.PersistentVolumeClaim.fromClaimName(chart, 'claim', 'data');
    const data = kplus.Volume.fromPersistentVolumeClaim(chart, 'data', claim as never, { name: 'data' });
    sts.containers[0].mount('/data', data as never);
    if (major >= 31) {
      (sts as unknown as { addVolumeClaimTemplate(t: object): void }).addVolumeClaimTemplate({ name: 'data', storage: Size.gibibytes(1) });
    }
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(sts), routes: [Route.proxy('/')] });
    const spec = podTemplate(find(Testing.synth(chart), 'StatefulSet')).spec;
    expect(spec.volumes.map((v: Manifest) => v.name)).toStrictEqual(major >= 31 ? ['nginx-cache', 'nginx-config'] : ['data', 'nginx-cache', 'nginx-config']);
  });

  test('a JSON patch of the user\'s to the StatefulSet\'s volumes, made before the sidecar, still applies', () => {
    const chart = Testing.chart();
    const sts = new kplus.StatefulSet(chart, 'db', { containers: [APP] });
    ApiObject.of(sts).addJsonPatch(JsonPatch.add('/spec/template/spec/volumes/-', { name: 'patched', emptyDir: {} }));
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(sts), routes: [Route.proxy('/')] });
    const spec = podTemplate(find(Testing.synth(chart), 'StatefulSet')).spec;
    expect(spec.volumes.map((v: Manifest) => v.name)).toStrictEqual(['nginx-cache', 'nginx-config', 'patched']);
  });

  if (major >= 31) {
    test('upstream still drops the volumes (cdk8s-plus#6735): when this fails, the bug is fixed and restoreStatefulSetVolumes can go', () => {
      const chart = Testing.chart();
      const sts = new kplus.StatefulSet(chart, 'db', { containers: [APP] });
      sts.containers[0].mount('/data', kplus.Volume.fromEmptyDir(chart, 'data', 'data') as never);
      expect(podTemplate(find(Testing.synth(chart), 'StatefulSet')).spec.volumes).toBeUndefined();
    });
  }
});

describe('two copies of one major in one app (a monorepo, npm link)', () => {
  test('a workload from the other copy gets values of its own copy: attached, synthesized, as from ours', () => {
    // GIVEN a second copy of cdk8s-plus-34 (its lib, bundled minimatch and package.json) beside links to our cdk8s
    // and constructs, and a Deployment made with it
    const dir = new TempDir();
    try {
      const ours = path.dirname(require.resolve('cdk8s-plus-34/package.json'));
      const copy = dir.path('node_modules/cdk8s-plus-34');
      for (const part of ['package.json', 'lib', 'node_modules']) {
        fs.cpSync(path.join(ours, part), path.join(copy, part), { recursive: true });
      }
      for (const dep of ['cdk8s', 'constructs']) {
        fs.symlinkSync(path.dirname(require.resolve(`${dep}/package.json`)), dir.path(`node_modules/${dep}`));
      }
      const other = require(copy) as typeof plus34;
      expect(other.Deployment).not.toBe(plus34.Deployment);
      const chart = Testing.chart();
      const web = new other.Deployment(chart, 'web', { containers: [APP] });
      // WHEN
      new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), nativeSidecar: false, routes: [Route.proxy('/')] });
      // THEN the same nginx container as on a Deployment of our copy
      const chart2 = Testing.chart();
      const ref = new plus34.Deployment(chart2, 'web', { containers: [APP] });
      new ReverseProxySidecar(chart2, 'proxy', { host: SidecarHost.fromWorkload(ref), nativeSidecar: false, routes: [Route.proxy('/')] });
      expect(container(find(Testing.synth(chart), 'Deployment'), 'nginx')).toStrictEqual(container(find(Testing.synth(chart2), 'Deployment'), 'nginx'));
    } finally {
      dir.cleanup();
    }
  });
});

describe('types: a consumer compiles with any major and no casts', () => {
  test('plus-27 and plus-34 workloads are IPlusWorkload; a Service is not', () => {
    const chart = Testing.chart();
    const a: IPlusWorkload = new plus27.StatefulSet(chart, 'a', { containers: [APP] });
    const b: IPlusWorkload = new plus34.CronJob(chart, 'b', { schedule: Cron.daily(), containers: [APP] });
    // @ts-expect-error a Service has no pod
    const c: IPlusWorkload = new plus34.Service(chart, 'c', { ports: [{ port: 80 }] });
    expect([a, b, c].map((w) => w.node.id)).toStrictEqual(['a', 'b', 'c']);
  });
});
