import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import {
  ManifestValidationError, PodSecurityLevel, PodSecurityScope, assertValidManifests, findNginx, validateManifests,
} from '../../lib/validation';
import { TempDir } from '../sidecar/helpers';
import { loadYaml } from '../support/manifests';

const DIST = path.join(__dirname, '..', '..', 'dist');
const EXAMPLES = [path.join(DIST, 'flask-hello.k8s.yaml'), path.join(DIST, 'alertmanager.k8s.yaml')];
const nginx = findNginx() !== undefined;

/** A user's chart: a Deployment they own with the sidecar in front, synthesized in the test. */
function usersChart(): any[] {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  const web = new kplus.Deployment(chart, 'web', {
    containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }], securityContext: { user: 1000 } }],
  });
  new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
  return Testing.synth(chart);
}

describe('validateManifests', () => {
  test('runs schema, Pod Security and nginx -t on the examples\' YAML files: the sidecars pass', () => {
    const options = { podSecurityScope: PodSecurityScope.NGINX_SIDECARS, nginx };
    expect(validateManifests(EXAMPLES, options)).toStrictEqual([]);
    // The same objects, broken once for each check, give one finding each: all three checks ran.
    const [flask, alertmanager] = EXAMPLES.map(loadYaml);
    flask[0].metadata.labelz = 1;
    flask[0].spec.template.spec.containers[1].securityContext.privileged = true;
    const config = alertmanager.find((o) => o.metadata.name.startsWith('alertmanager-proxy-config-'))!;
    config.data['nginx.conf'] = config.data['nginx.conf'].replace('server_tokens off;', 'server_tokens of;');
    const line = config.data['nginx.conf'].split('\n').indexOf('  server_tokens of;') + 1;
    expect(validateManifests([...flask, ...alertmanager], options).map((f) => f.message)).toStrictEqual([
      '[schema] Deployment flask-hello-web metadata.labelz: unknown field (value: 1)',
      '[pod-security] Deployment flask-hello-web spec.template.spec.containers[1].securityContext.privileged: '
        + 'container "nginx" must not be privileged (baseline "privileged") (value: true)',
      ...(nginx ? [`[nginx] ConfigMap monitoring/${config.metadata.name} data["nginx.conf"]: nginx -t failed for container "nginx" of `
        + `StatefulSet monitoring/monitor-alertmanager: [emerg] invalid value "of" in /etc/nginx/sidecar/nginx.conf:${line} (value: "server_tokens of;")`] : []),
    ]);
  });

  test('with every container in scope, reports what the alertmanager chart\'s own container lacks', () => {
    expect(validateManifests(EXAMPLES).map((f) => `${f.object.kind} ${f.container} ${f.rule}`)).toStrictEqual([
      'StatefulSet alertmanager allowPrivilegeEscalation',
      'StatefulSet alertmanager seccompProfile_restricted',
      'StatefulSet alertmanager capabilities_restricted',
    ]);
  });

  test('takes objects from Testing.synth and runs the checks that are asked for', () => {
    const objects = usersChart();
    objects[0].spec.template.spec.containers[0].securityContext.privileged = true;
    objects[0].spec.template.spec.containers[0].securityContext.runAsUser = '1000';
    expect(validateManifests(objects, { podSecurityLevel: PodSecurityLevel.BASELINE }).map((f) => f.message)).toStrictEqual([
      '[schema] Deployment test-web spec.template.spec.containers[0].securityContext.runAsUser: must be integer (value: "1000")',
      '[pod-security] Deployment test-web spec.template.spec.containers[0].securityContext.privileged: '
        + 'container "app" must not be privileged (baseline "privileged") (value: true)',
    ]);
    expect(validateManifests(objects, { schema: false, podSecurity: false })).toStrictEqual([]);
  });

  test('refuses input that is not an object or a file', () => {
    expect(() => validateManifests([42])).toThrow(/^object 1 is not a Kubernetes object: 42$/);
    expect(() => validateManifests([path.join(DIST, 'missing.yaml')])).toThrow(/^ENOENT: no such file or directory, open '.*\/dist\/missing\.yaml'$/);
    const dir = new TempDir();
    try {
      expect(() => validateManifests([dir.write('bad.yaml', 'kind: [Pod\n')])).toThrow(/^.*\/bad\.yaml: document 1 is not valid YAML: /);
      expect(validateManifests([dir.write('empty.yaml', '---\n---\n')])).toStrictEqual([]);
    } finally {
      dir.cleanup();
    }
  });
});

describe('assertValidManifests', () => {
  test('passes a user\'s chart whose own container is hardened too (and not before it is)', () => {
    const objects = usersChart();
    // As synthesized, the app container lacks two restricted settings.
    let error: unknown;
    try {
      assertValidManifests(objects, { nginx });
    } catch (e) {
      error = e;
    }
    expect((error as ManifestValidationError).message).toBe([
      '2 findings in the manifests:',
      '  [pod-security] Deployment test-web spec.template.spec.containers[0].securityContext.seccompProfile.type: container "app" must use '
        + 'the seccomp profile RuntimeDefault or Localhost (the pod sets none) (restricted "seccompProfile_restricted") (value: undefined)',
      '  [pod-security] Deployment test-web spec.template.spec.containers[0].securityContext.capabilities.drop: container "app" must drop '
        + 'ALL capabilities (restricted "capabilities_restricted") (value: undefined)',
    ].join('\n'));
    const app = objects[0].spec.template.spec.containers[0];
    app.securityContext = { ...app.securityContext, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    expect(() => assertValidManifests(objects, { nginx })).not.toThrow();
  });

  test('throws a ManifestValidationError that lists every finding', () => {
    const objects = usersChart();
    objects[0].spec.template.spec.containers[1].securityContext.runAsUser = 0;
    let error: unknown;
    try {
      assertValidManifests(objects, { podSecurityScope: PodSecurityScope.NGINX_SIDECARS });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestValidationError);
    expect((error as ManifestValidationError).message).toBe([
      '1 finding in the manifests:',
      '  [pod-security] Deployment test-web spec.template.spec.containers[1].securityContext.runAsUser: '
        + 'container "nginx" must not run as uid 0 (restricted "runAsUser") (value: 0)',
    ].join('\n'));
    expect((error as ManifestValidationError).findings.map((f) => f.rule)).toStrictEqual(['runAsUser']);
  });
});
