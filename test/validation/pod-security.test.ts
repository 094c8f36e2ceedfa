import * as path from 'path';
import {
  POD_SECURITY_RULES, PodSecurityLevel, PodSecurityScope, ValidationFinding, checkPodSecurity, loadManifests,
} from '../../lib/validation';
import { podTemplateOf } from '../../lib/validation/pod-templates';
import { TempDir } from '../sidecar/helpers';
import { matrix } from './matrix';

const ROOT = path.join(__dirname, '..', '..');

/** A Pod that meets "restricted": every rule is broken from here on purpose. */
function compliantPod(): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      containers: [{
        name: 'app',
        image: 'app:1',
        ports: [{ containerPort: 8080 }],
        securityContext: {
          allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000,
          seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
        },
      }],
      volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'conf', configMap: { name: 'c' } }],
    },
  };
}

const messages = (objects: unknown[], level?: PodSecurityLevel) => checkPodSecurity(loadManifests(objects), { level }).map((f) => f.message);
const C = '[pod-security] Pod ns/p spec.containers[0]';
const P = '[pod-security] Pod ns/p spec';
const sc = (o: any) => o.spec.containers[0].securityContext;

describe('the rule table', () => {
  test('has the baseline and restricted checks of Pod Security Admission 1.27, once each', () => {
    expect(POD_SECURITY_RULES.map((r) => `${r.level}:${r.id}`)).toStrictEqual([
      'baseline:hostProcess', 'baseline:hostNamespaces', 'baseline:privileged', 'baseline:capabilities_baseline',
      'baseline:hostPathVolumes', 'baseline:hostPorts', 'baseline:appArmorProfile', 'baseline:seLinuxOptions',
      'baseline:procMount', 'baseline:seccompProfile_baseline', 'baseline:sysctls',
      'restricted:restrictedVolumes', 'restricted:allowPrivilegeEscalation', 'restricted:runAsNonRoot',
      'restricted:runAsUser', 'restricted:seccompProfile_restricted', 'restricted:capabilities_restricted',
    ]);
    expect(POD_SECURITY_RULES.every((r) => r.description.length > 20)).toBe(true);
  });

  test('passes a pod that meets restricted, and reports it once one rule is broken', () => {
    const pod = compliantPod();
    expect(messages([pod])).toStrictEqual([]);
    sc(pod).runAsUser = 0;
    expect(messages([pod])).toStrictEqual([
      `${C}.securityContext.runAsUser: container "app" must not run as uid 0 (restricted "runAsUser") (value: 0)`,
    ]);
  });

  const cases: Array<[string, (o: any) => void, string[]]> = [
    ['hostProcess', (o) => { sc(o).windowsOptions = { hostProcess: true }; },
      [`${C}.securityContext.windowsOptions.hostProcess: container "app" must not be a Windows HostProcess (baseline "hostProcess") (value: true)`]],
    ['hostNamespaces', (o) => { o.spec.hostNetwork = true; o.spec.hostPID = false; },
      [`${P}.hostNetwork: the pod must not share the host's namespaces (hostNetwork) (baseline "hostNamespaces") (value: true)`]],
    ['privileged', (o) => { sc(o).privileged = true; },
      [`${C}.securityContext.privileged: container "app" must not be privileged (baseline "privileged") (value: true)`]],
    ['capabilities_baseline (and restricted)', (o) => { sc(o).capabilities.add = ['NET_BIND_SERVICE', 'SYS_ADMIN']; }, [
      `${C}.securityContext.capabilities.add[1]: container "app" must not add capability SYS_ADMIN (baseline "capabilities_baseline") (value: "SYS_ADMIN")`,
      `${C}.securityContext.capabilities.add[1]: container "app" may add only NET_BIND_SERVICE, not SYS_ADMIN (restricted "capabilities_restricted") (value: "SYS_ADMIN")`,
    ]],
    ['hostPathVolumes (and restricted volume types)', (o) => { o.spec.volumes.push({ name: 'root', hostPath: { path: '/' } }); }, [
      `${P}.volumes[2].hostPath: volume "root" must not be a hostPath (baseline "hostPathVolumes") (value: {"path":"/"})`,
      `${P}.volumes[2].hostPath: volume "root" must not be of type hostPath (restricted "restrictedVolumes") (value: {"path":"/"})`,
    ]],
    ['hostPorts', (o) => { o.spec.containers[0].ports[0].hostPort = 80; },
      [`${C}.ports[0].hostPort: container "app" must not use a host port (baseline "hostPorts") (value: 80)`]],
    ['appArmorProfile', (o) => { o.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; },
      ['[pod-security] Pod ns/p metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]: '
        + 'the AppArmor profile of container "app" must be runtime/default or localhost/* (baseline "appArmorProfile") (value: "unconfined")']],
    ['seLinuxOptions', (o) => { o.spec.securityContext = { seLinuxOptions: { type: 'spc_t' } }; sc(o).seLinuxOptions = { user: 'system_u' }; }, [
      `${P}.securityContext.seLinuxOptions.type: the pod must use an SELinux type of container_t, container_init_t, container_kvm_t (baseline "seLinuxOptions") (value: "spc_t")`,
      `${C}.securityContext.seLinuxOptions.user: container "app" must not set an SELinux user (baseline "seLinuxOptions") (value: "system_u")`,
    ]],
    ['procMount', (o) => { sc(o).procMount = 'Unmasked'; },
      [`${C}.securityContext.procMount: container "app" must use the Default /proc mount (baseline "procMount") (value: "Unmasked")`]],
    ['seccompProfile_baseline (and restricted)', (o) => { sc(o).seccompProfile.type = 'Unconfined'; }, [
      `${C}.securityContext.seccompProfile.type: container "app" must not run Unconfined by seccomp (baseline "seccompProfile_baseline") (value: "Unconfined")`,
      `${C}.securityContext.seccompProfile.type: container "app" must use the seccomp profile RuntimeDefault or Localhost (restricted "seccompProfile_restricted") (value: "Unconfined")`,
    ]],
    ['sysctls', (o) => { o.spec.securityContext = { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1' }, { name: 'kernel.msgmax', value: '1' }] }; },
      [`${P}.securityContext.sysctls[1].name: the pod must not set the unsafe sysctl kernel.msgmax (baseline "sysctls") (value: "kernel.msgmax")`]],
    ['restrictedVolumes', (o) => { o.spec.volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/' } }); },
      [`${P}.volumes[2].nfs: volume "share" must not be of type nfs (restricted "restrictedVolumes") (value: {"server":"nfs","path":"/"})`]],
    ['allowPrivilegeEscalation', (o) => { delete sc(o).allowPrivilegeEscalation; },
      [`${C}.securityContext.allowPrivilegeEscalation: container "app" must set allowPrivilegeEscalation to false (restricted "allowPrivilegeEscalation") (value: undefined)`]],
    ['runAsNonRoot', (o) => { sc(o).runAsNonRoot = false; },
      [`${C}.securityContext.runAsNonRoot: container "app" must set runAsNonRoot to true (restricted "runAsNonRoot") (value: false)`]],
    ['runAsUser', (o) => { sc(o).runAsUser = 0; },
      [`${C}.securityContext.runAsUser: container "app" must not run as uid 0 (restricted "runAsUser") (value: 0)`]],
    ['seccompProfile_restricted', (o) => { delete sc(o).seccompProfile; },
      [`${C}.securityContext.seccompProfile.type: container "app" must use the seccomp profile RuntimeDefault or Localhost (the pod sets none) (restricted "seccompProfile_restricted") (value: undefined)`]],
    ['capabilities_restricted', (o) => { sc(o).capabilities = { drop: ['NET_RAW'] }; },
      [`${C}.securityContext.capabilities.drop: container "app" must drop ALL capabilities (restricted "capabilities_restricted") (value: ["NET_RAW"])`]],
  ];

  test.each(cases)('%s: a broken pod is reported with the path and value', (_rule, breakIt, expected) => {
    const pod = compliantPod();
    breakIt(pod);
    expect(messages([pod])).toStrictEqual(expected);
  });

  test('checks init and ephemeral containers too', () => {
    const pod = compliantPod();
    pod.spec.initContainers = [{ ...pod.spec.containers[0], name: 'init', securityContext: { ...sc(pod), privileged: true } }];
    expect(messages([pod])).toStrictEqual([
      `${P}.initContainers[0].securityContext.privileged: container "init" must not be privileged (baseline "privileged") (value: true)`,
    ]);
  });
});

describe('pod-level fallbacks, as Pod Security Admission applies them', () => {
  test('runAsNonRoot and seccompProfile set on the pod cover containers that say nothing', () => {
    const pod = compliantPod();
    delete sc(pod).runAsNonRoot;
    delete sc(pod).seccompProfile;
    // Without the pod's settings, the container saying nothing is reported for both.
    expect(messages([pod])).toStrictEqual([
      `${C}.securityContext.runAsNonRoot: container "app" must set runAsNonRoot to true (the pod does not) (restricted "runAsNonRoot") (value: undefined)`,
      `${C}.securityContext.seccompProfile.type: container "app" must use the seccomp profile RuntimeDefault or Localhost (the pod sets none) `
        + '(restricted "seccompProfile_restricted") (value: undefined)',
    ]);
    pod.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } };
    expect(messages([pod])).toStrictEqual([]);
  });

  test('a container may not undo the pod\'s runAsNonRoot, and a pod-level false is reported on its own', () => {
    const pod = compliantPod();
    pod.spec.securityContext = { runAsNonRoot: false };
    expect(messages([pod])).toStrictEqual([
      `${P}.securityContext.runAsNonRoot: the pod must not set runAsNonRoot to false (restricted "runAsNonRoot") (value: false)`,
    ]);
    pod.spec.securityContext = { runAsNonRoot: true };
    sc(pod).runAsNonRoot = false;
    expect(messages([pod])).toStrictEqual([
      `${C}.securityContext.runAsNonRoot: container "app" must set runAsNonRoot to true (restricted "runAsNonRoot") (value: false)`,
    ]);
  });

  test('a pod-level runAsUser 0 is reported even when the container sets its own', () => {
    const pod = compliantPod();
    pod.spec.securityContext = { runAsUser: 0 };
    expect(messages([pod])).toStrictEqual([
      `${P}.securityContext.runAsUser: the pod must not run as uid 0 (restricted "runAsUser") (value: 0)`,
    ]);
  });

  test('Windows pods are exempt from the Linux-only restricted checks', () => {
    const pod = compliantPod();
    pod.spec.containers[0].securityContext = { runAsNonRoot: true };
    // The same pod on Linux lacks three restricted settings.
    expect(messages([pod])).toStrictEqual([
      `${C}.securityContext.allowPrivilegeEscalation: container "app" must set allowPrivilegeEscalation to false (restricted "allowPrivilegeEscalation") (value: undefined)`,
      `${C}.securityContext.seccompProfile.type: container "app" must use the seccomp profile RuntimeDefault or Localhost (the pod sets none) `
        + '(restricted "seccompProfile_restricted") (value: undefined)',
      `${C}.securityContext.capabilities.drop: container "app" must drop ALL capabilities (restricted "capabilities_restricted") (value: undefined)`,
    ]);
    pod.spec.os = { name: 'windows' };
    expect(messages([pod])).toStrictEqual([]);
  });

  test('the baseline level leaves the restricted rules out', () => {
    const pod = compliantPod();
    pod.spec.containers[0].securityContext = { runAsUser: 0 };
    expect(messages([pod], PodSecurityLevel.BASELINE)).toStrictEqual([]);
    sc(pod).privileged = true;
    expect(messages([pod], PodSecurityLevel.BASELINE)).toStrictEqual([
      `${C}.securityContext.privileged: container "app" must not be privileged (baseline "privileged") (value: true)`,
    ]);
  });

  test('the nginx-sidecars scope counts only containers that run nginx -c', () => {
    const pod = compliantPod();
    pod.spec.containers[0].securityContext = {};
    pod.spec.hostNetwork = true;
    pod.spec.containers.push({ name: 'proxy', image: 'nginx', command: ['nginx', '-c', '/etc/nginx/x.conf'], securityContext: { privileged: true } });
    const found = checkPodSecurity(loadManifests([pod]), { scope: PodSecurityScope.NGINX_SIDECARS });
    expect(found.map((f) => `${f.container} ${f.rule}`)).toStrictEqual([
      'proxy privileged', 'proxy allowPrivilegeEscalation', 'proxy runAsNonRoot', 'proxy seccompProfile_restricted', 'proxy capabilities_restricted',
    ]);
  });
});

/** The path of the pod spec in the workload that runs the sidecar. */
function podSpecPath(objects: any[]): string {
  const kind = objects.find((o) => sidecarsOf(podTemplateOf(o)?.spec).length > 0).kind;
  return kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
}

/** The nginx sidecar of a pod spec, as a regular or a native (init) container, with its list's path. */
function sidecarsOf(spec: any): Array<{ container: any; at: string }> {
  return (['containers', 'initContainers'] as const).flatMap((list) => (spec?.[list] ?? [])
    .map((c: any, i: number) => ({ container: c, at: `${list}[${i}]` })).filter((x: any) => x.container.name === 'nginx'));
}

/** The sidecar's findings (`rule path`) once its container is made privileged, in a copy of the objects. */
function privilegedSidecar(objects: any[]): string[] {
  const copy = JSON.parse(JSON.stringify(objects));
  const sidecars = copy.flatMap((o: any) => sidecarsOf(podTemplateOf(o)?.spec));
  expect(sidecars).toHaveLength(1);
  sidecars[0].container.securityContext.privileged = true;
  return split(checkPodSecurity(loadManifests(copy))).sidecar;
}

/** The host's findings (all but the sidecar's) as `rule path`, and the sidecar's. */
function split(findings: ValidationFinding[]): { host: string[]; sidecar: string[] } {
  const line = (f: ValidationFinding) => `${f.rule} ${f.path}`;
  // The metrics exporter (the matrix's metrics variant) is the sidecar's too.
  const ours = (f: ValidationFinding) => f.container === 'nginx' || f.container === 'nginx-exporter';
  return {
    host: findings.filter((f) => !ours(f)).map(line),
    sidecar: findings.filter(ours).map(line),
  };
}

describe('the sidecar on every host kind of the test matrix', () => {
  const dir = new TempDir();
  afterAll(() => dir.cleanup());

  const cases = matrix(dir);
  test('has 55 charts: 11 host kinds with 5 variants each', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(55);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s: the sidecar meets restricted, the host is no worse', (_name, c) => {
    const before = split(checkPodSecurity(loadManifests(c.synth(false))));
    const objects = c.synth(true);
    const after = split(checkPodSecurity(loadManifests(objects)));
    expect(after.sidecar).toStrictEqual([]);
    expect(after.host).toStrictEqual(before.host);
    // The metrics variant's exporter is among what was checked.
    const names = objects.flatMap((o: any) => [...podTemplateOf(o)?.spec?.containers ?? [], ...podTemplateOf(o)?.spec?.initContainers ?? []])
      .map((x: any) => x.name);
    expect(names.includes('nginx-exporter')).toBe(c.name.includes('metrics'));
    // The host's app container sets no seccomp profile nor drops capabilities: the check sees it.
    expect(before.host.filter((f) => /^(seccompProfile|capabilities)_restricted /.test(f))).toHaveLength(2);
    // And the sidecar is checked: made privileged, it is reported at its own path.
    const at = sidecarsOf(podTemplateOf(objects.find((o: any) => sidecarsOf(podTemplateOf(o)?.spec).length > 0))!.spec)[0].at;
    expect(at).toBe(c.name.includes('native') ? 'initContainers[0]' : 'containers[1]');
    expect(privilegedSidecar(objects)).toStrictEqual([`privileged ${podSpecPath(objects)}.${at}.securityContext.privileged`]);
  });
});

/**
 * An example chart without the sidecar: the chart's own code with `ReverseProxySidecar` replaced by
 * a stand-in that attaches nothing. It answers the chart's port questions with the app's port, so
 * that a Service the chart exposes targets a port the pod has (only the Service differs).
 */
function exampleWithoutSidecar(file: string, chartClass: string): any[] {
  let objects: any[] = [];
  jest.isolateModules(() => {
    jest.doMock('../../lib', () => ({
      ...jest.requireActual('../../lib'),
      ReverseProxySidecar: class {
        public readonly port: number;
        public readonly portName = 'http';
        constructor(_scope: unknown, _id: string, props: { appPort?: number }) {
          this.port = props.appPort ?? 5000;
        }
        public retargetService(): void {}
        public exposeViaService(): void {}
      },
    }));
    // cdk8s from the same isolated module registry as the chart's (its Lazy values must be its own).
    const { Testing: IsolatedTesting } = require('cdk8s');
    const Chart = require(file)[chartClass];
    objects = IsolatedTesting.synth(new Chart(IsolatedTesting.app(), path.basename(path.dirname(file))));
  });
  jest.dontMock('../../lib');
  return objects;
}

describe('the examples: what the hosts\' own containers lack, and that the sidecar adds nothing', () => {
  const examples: Array<[string, string, string[], string[]]> = [
    // Our own example: its app container passes restricted too.
    ['flask-hello', 'FlaskHelloChart', ['app'], []],
    ['alertmanager', 'AlertmanagerChart', ['alertmanager'], [
      'allowPrivilegeEscalation spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
      'seccompProfile_restricted spec.template.spec.containers[0].securityContext.seccompProfile.type',
      'capabilities_restricted spec.template.spec.containers[0].securityContext.capabilities.drop',
    ]],
  ];

  const containers = (objects: any[]) => objects.flatMap((o) => podTemplateOf(o)?.spec.containers.map((c: any) => c.name) ?? []);

  test.each(examples)('%s', (example, chartClass, hostContainers, hostLacks) => {
    const objects = loadManifests([path.join(ROOT, 'dist', `${example}.k8s.yaml`)]).map((o) => o.object);
    const after = split(checkPodSecurity(loadManifests(objects)));
    const withoutSidecar = exampleWithoutSidecar(path.join(ROOT, 'apps', example, 'chart'), chartClass);
    expect(containers(withoutSidecar)).toStrictEqual(hostContainers);
    expect(containers(objects)).toStrictEqual([...hostContainers, 'nginx']);
    const before = split(checkPodSecurity(loadManifests(withoutSidecar)));
    expect(after.sidecar).toStrictEqual([]);
    const at = sidecarsOf(podTemplateOf(objects.find((o: any) => sidecarsOf(podTemplateOf(o)?.spec).length > 0))!.spec)[0].at;
    expect(at).toBe('containers[1]');
    expect(privilegedSidecar(objects)).toStrictEqual([`privileged ${podSpecPath(objects)}.${at}.securityContext.privileged`]);
    expect(after.host).toStrictEqual(hostLacks);
    expect(before.host).toStrictEqual(hostLacks);
  });
});
