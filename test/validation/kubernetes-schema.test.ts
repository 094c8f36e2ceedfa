import * as path from 'path';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { KUBERNETES_SCHEMA_VERSION, checkSchemas, loadManifests } from '../../lib/validation';
import { strict } from '../../lib/validation/schema-registry';
import { TempDir } from '../sidecar/helpers';
import { matrix } from './matrix';

const DIST = path.join(__dirname, '..', '..', 'dist');
const EXAMPLES = ['flask-hello', 'alertmanager'].map((e) => path.join(DIST, `${e}.k8s.yaml`));

/** The schema findings' messages for these objects. */
const messages = (objects: unknown[]) => checkSchemas(loadManifests(objects)).map((f) => f.message);

/** A StatefulSet as `Include` loads one from a chart, for breaking on purpose. */
function statefulSet(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'am', namespace: 'monitoring' },
    spec: {
      serviceName: 'am',
      replicas: 1,
      selector: { matchLabels: { app: 'am' } },
      template: {
        metadata: { labels: { app: 'am' } },
        spec: {
          containers: [{
            name: 'app',
            image: 'quay.io/prometheus/alertmanager:v0.28.1',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: 9093 }],
            resources: { limits: { cpu: '500m', memory: '128Mi' } },
            securityContext: { runAsNonRoot: true },
          }],
        },
      },
    },
  };
}

const AT = '[schema] StatefulSet monitoring/am spec.template.spec.containers[0]';

/** A copy of the objects, each with an unknown field in its metadata, and the finding each then gives. */
function eachWithUnknownField(objects: any[]): { objects: any[]; expected: string[] } {
  const copy = JSON.parse(JSON.stringify(objects));
  copy.forEach((o: any) => { o.metadata.labelz = 1; });
  return {
    objects: copy,
    expected: copy.map((o: any) => `[schema] ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} `
      + 'metadata.labelz: unknown field (value: 1)'),
  };
}

describe('the schemas', () => {
  test(`are Kubernetes ${KUBERNETES_SCHEMA_VERSION}'s`, () => {
    expect(KUBERNETES_SCHEMA_VERSION).toBe('1.27.1');
  });

  test('are made strict: the package\'s own validator lets an unknown field through, ours does not', () => {
    // GIVEN
    const sts = statefulSet();
    sts.spec.template.spec.containers[0].securityContxt = { runAsUser: 0 };
    // WHEN / THEN
    expect(() => new StatefulSet(sts).validate()).not.toThrow();
    expect(messages([sts])).toStrictEqual([`${AT}.securityContxt: unknown field (value: {"runAsUser":0})`]);
  });

  test('strictness refuses other properties only where a schema lists properties and says nothing else', () => {
    const labels = { type: 'object', additionalProperties: { type: 'string' } };
    const schema = {
      properties: { labels, kind: { type: 'string', enum: ['A'] }, items: { type: 'array', items: { properties: { x: {} } } } },
      oneOf: [{ properties: { y: {} } }, { type: 'null' }],
    };
    expect(strict(schema)).toStrictEqual({
      properties: {
        labels,
        kind: { type: 'string', enum: ['A'] },
        items: { type: 'array', items: { properties: { x: {} }, additionalProperties: false } },
      },
      oneOf: [{ properties: { y: {} }, additionalProperties: false }, { type: 'null' }],
      additionalProperties: false,
    });
    // The published schema objects are copied, not changed.
    expect(schema.oneOf[0]).toStrictEqual({ properties: { y: {} } });
  });
});

describe('every object the examples synthesize', () => {
  const KINDS: Record<string, string[]> = {
    'flask-hello': ['Deployment', 'ConfigMap', 'ConfigMap', 'Service'],
    'alertmanager': ['ServiceAccount', 'ConfigMap', 'Service', 'Service', 'StatefulSet', 'ConfigMap', 'ConfigMap'],
  };

  test.each(EXAMPLES)('%s matches the strict schemas, and each object is checked', (file) => {
    const objects = loadManifests([file]);
    expect(objects.map((o) => o.object.kind)).toStrictEqual(KINDS[path.basename(file, '.k8s.yaml')]);
    expect(checkSchemas(objects)).toStrictEqual([]);
    const broken = eachWithUnknownField(objects.map((o) => o.object));
    expect(messages(broken.objects)).toStrictEqual(broken.expected);
  });
});

describe('every object of the test matrix (host kinds × routes, cache, retargeted Service)', () => {
  const dir = new TempDir();
  afterAll(() => dir.cleanup());

  const cases = matrix(dir);
  test('has 55 charts: 11 host kinds with 5 variants each', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(55);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s matches the strict schemas, and each object is checked', (_name, c) => {
    const objects = c.synth(true);
    expect(objects.map((o) => o.kind)).toContain('ConfigMap');
    expect(messages(objects)).toStrictEqual([]);
    const broken = eachWithUnknownField(objects);
    expect(broken.expected.length).toBeGreaterThanOrEqual(2);
    expect(messages(broken.objects)).toStrictEqual(broken.expected);
  });
});

describe('a deliberately broken object', () => {
  test('a valid one has no findings, the same one with a typo has one', () => {
    const sts = statefulSet();
    expect(messages([sts])).toStrictEqual([]);
    sts.spec.serviceNam = 'am';
    expect(messages([sts])).toStrictEqual(['[schema] StatefulSet monitoring/am spec.serviceNam: unknown field (value: "am")']);
  });

  const cases: Array<[string, (o: any) => void, string[]]> = [
    ['an unknown field in a container', (o) => { o.spec.template.spec.containers[0].securityContxt = { runAsUser: 0 }; },
      [`${AT}.securityContxt: unknown field (value: {"runAsUser":0})`]],
    ['an unknown field at the top of the spec', (o) => { o.spec.replica = 2; },
      ['[schema] StatefulSet monitoring/am spec.replica: unknown field (value: 2)']],
    ['a string where an integer belongs', (o) => { o.spec.replicas = '2'; },
      ['[schema] StatefulSet monitoring/am spec.replicas: must be integer (value: "2")']],
    ['a port number as a string', (o) => { o.spec.template.spec.containers[0].ports[0].containerPort = '9093'; },
      [`${AT}.ports[0].containerPort: must be integer (value: "9093")`]],
    ['a value outside an enum', (o) => { o.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes'; },
      [`${AT}.imagePullPolicy: must be one of "Always", "IfNotPresent", "Never" (value: "Sometimes")`]],
    ['a quantity that is not one', (o) => { o.spec.template.spec.containers[0].resources.limits.cpu = '1 core'; },
      [`${AT}.resources.limits.cpu: must be number, or must match format "quantity" (value: "1 core")`]],
    ['a boolean where an object belongs', (o) => { o.spec.template.spec.containers[0].securityContext = true; },
      [`${AT}.securityContext: must be object (value: true)`]],
    ['a missing required field', (o) => { delete o.spec.template.spec.containers[0].name; },
      [`${AT}.name: required field is missing (value: undefined)`]],
    ['an out-of-range int32', (o) => { o.spec.template.spec.containers[0].ports[0].containerPort = 2 ** 31; },
      [`${AT}.ports[0].containerPort: must match format "int32" (value: 2147483648)`]],
  ];

  test.each(cases)('%s is reported with its path and value', (_name, breakIt, expected) => {
    const sts = statefulSet();
    breakIt(sts);
    expect(messages([sts])).toStrictEqual(expected);
  });

  describe('native sidecars: the one field newer than 1.27 that is accepted', () => {
    const sidecar = { name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.30.1-alpine', restartPolicy: 'Always' };

    test('an init container with restartPolicy Always passes', () => {
      const sts = statefulSet();
      sts.spec.template.spec.initContainers = [sidecar];
      expect(messages([sts])).toStrictEqual([]);
    });

    test('any other value on an init container, and the field on a regular container, are reported', () => {
      const sts = statefulSet();
      sts.spec.template.spec.initContainers = [{ ...sidecar, restartPolicy: 'OnFailure' }];
      sts.spec.template.spec.containers[0].restartPolicy = 'Always';
      expect(messages([sts])).toStrictEqual([
        `${AT}.restartPolicy: unknown field (value: "Always")`,
        '[schema] StatefulSet monitoring/am spec.template.spec.initContainers[0].restartPolicy: must be one of "Always" (value: "OnFailure")',
      ]);
    });
  });

  test('an IntOrString of the wrong type names both forms', () => {
    const service = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'am' },
      spec: { ports: [{ port: 80, targetPort: true }] },
    };
    expect(messages([service])).toStrictEqual(['[schema] Service am spec.ports[0].targetPort: must be string or integer (value: true)']);
  });

  test('a kind Kubernetes 1.27 does not have is reported, unless allowed', () => {
    const objects = loadManifests([
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'typo' } },
    ]);
    expect(checkSchemas(objects).map((f) => f.message)).toStrictEqual([
      '[schema] Widget w: Kubernetes 1.27.1 has no kind "Widget" in apiVersion "example.com/v1" (value: {"apiVersion":"example.com/v1","kind":"Widget"})',
      '[schema] Deploymnet typo: Kubernetes 1.27.1 has no kind "Deploymnet" in apiVersion "apps/v1" (value: {"apiVersion":"apps/v1","kind":"Deploymnet"})',
    ]);
    expect(checkSchemas(objects, { allowUnknownKinds: true })).toStrictEqual([]);
  });

  test('an API version 1.27 no longer serves is reported, although kubernetes-models still has its schema', () => {
    const objects = loadManifests([
      { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'old' }, spec: { schedule: '@daily', jobTemplate: {} } },
      { apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'older' } },
    ]);
    expect(checkSchemas(objects, { allowUnknownKinds: true }).map((f) => f.message)).toStrictEqual([
      '[schema] CronJob old apiVersion: Kubernetes 1.27.1 no longer serves this apiVersion (removed in 1.25) (value: "batch/v1beta1")',
      '[schema] Deployment older apiVersion: Kubernetes 1.27.1 no longer serves this apiVersion (removed in 1.22) (value: "extensions/v1beta1")',
    ]);
  });

  test('a finding carries the object, the rule, the path and the value apart', () => {
    const sts = statefulSet();
    sts.spec.replicas = '2';
    expect(checkSchemas(loadManifests([sts]))).toStrictEqual([{
      check: 'schema',
      rule: 'type',
      object: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'am', namespace: 'monitoring' },
      path: 'spec.replicas',
      value: '"2"',
      reason: 'must be integer',
      message: '[schema] StatefulSet monitoring/am spec.replicas: must be integer (value: "2")',
    }]);
  });
});
