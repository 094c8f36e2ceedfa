import * as fs from 'fs';
import * as path from 'path';
import type { ValidationContext as CliValidationContext } from 'cdk8s-cli/lib/plugins/validation';
import { ManifestValidationPlugin, PluginContext, findNginx } from '../../lib/validation';
import { TempDir } from '../sidecar/helpers';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = ['flask-hello', 'alertmanager'].map((e) => path.join(ROOT, 'dist', `${e}.k8s.yaml`));
const nginx = findNginx() !== undefined;

/** cdk8s-cli's own ValidationContext (by file: the package exports only `./plugins`, which `moduleResolution: node` cannot see). */
const { ValidationContext } = require(path.join(ROOT, 'node_modules', 'cdk8s-cli', 'lib', 'plugins', 'validation.js')) as {
  ValidationContext: typeof CliValidationContext;
};

/** A context as cdk8s-cli builds it for a plugin, checked at compile time to fit what the plugin asks for. */
function cliContext(manifests: string[]): CliValidationContext {
  const context = new ValidationContext(manifests, 'cdk8s-reverse-proxy-sidecar', '0.1.0', {}, false);
  // The compile-time check: cdk8s-cli's context is assignable to the one the plugin declares.
  const asPluginContext: PluginContext = context;
  expect(asPluginContext.manifests).toBe(manifests);
  return context;
}

/** The alertmanager example with an unknown field in the StatefulSet and a broken nginx.conf, as a YAML file in `dir`. */
function brokenExample(dir: TempDir): string {
  const yaml = fs.readFileSync(EXAMPLES[1], 'utf8')
    .replace(/^  serviceName: /m, '  replica: 1\n  serviceName: ')
    .replace('server_tokens off;', 'server_tokens of;');
  return dir.write('broken.k8s.yaml', yaml);
}

describe('ManifestValidationPlugin with cdk8s-cli\'s ValidationContext', () => {
  test('submits success with what it checked for the examples', async () => {
    const context = cliContext(EXAMPLES);
    await new ManifestValidationPlugin({ podSecurityScope: 'nginx-sidecars', nginx }).validate(context);
    expect(context.report.toJson()).toStrictEqual({
      title: 'Validation Report (cdk8s-reverse-proxy-sidecar@0.1.0)',
      violations: [],
      summary: {
        status: 'success', plugin: 'cdk8s-reverse-proxy-sidecar', version: '0.1.0',
        metadata: { 'schema': 'Kubernetes 1.27.1, strict', 'pod security': 'restricted, nginx-sidecars containers', 'nginx -t': nginx ? 'on' : 'off', 'findings': '0' },
      },
    });
  });

  test('submits failure with one violation per rule, naming the object, the path and the value', async () => {
    const dir = new TempDir();
    try {
      const file = brokenExample(dir);
      const context = cliContext([file]);
      await new ManifestValidationPlugin({ podSecurityScope: 'nginx-sidecars', nginx: true, nginxBinary: nginx ? undefined : '/nonexistent/nginx' })
        .validate(context);
      const report = context.report.toJson();
      expect(report.summary.status).toBe('failure');
      const schema = report.violations[0];
      expect(schema).toStrictEqual({
        ruleName: 'schema/unknown-field',
        recommendation: 'Objects must match the Kubernetes 1.27.1 API schema exactly: the API server drops or refuses what does not.',
        fix: 'Correct the field named in each location (spelling, type, allowed values), in the construct or the patch that writes it.',
        violatingConstructs: [{
          resourceName: 'monitor-alertmanager',
          manifestPath: file,
          constructPath: undefined,
          locations: ['[schema] StatefulSet monitoring/monitor-alertmanager spec.replica: unknown field (value: 1)'],
        }],
      });
      expect(report.violations.map((v) => v.ruleName)).toStrictEqual(['schema/unknown-field', nginx ? 'nginx/nginx-t' : 'nginx/nginx-not-installed']);
      if (nginx) {
        expect(report.violations[1].violatingConstructs[0].locations[0]).toMatch(
          /^\[nginx\] ConfigMap monitoring\/alertmanager-proxy-config-[0-9a-f]{10} data\["nginx.conf"\]: nginx -t failed for container "nginx" of StatefulSet monitoring\/monitor-alertmanager: \[emerg\] invalid value "of" in \/etc\/nginx\/sidecar\/nginx.conf:\d+ \(value: "server_tokens of;"\)$/);
      }
    } finally {
      dir.cleanup();
    }
  });

  test('refuses properties it does not know or cannot use, by name', () => {
    expect(() => new ManifestValidationPlugin({ ngnix: true })).toThrow(
      /^ManifestValidationPlugin: unknown properties ngnix \(known: schema, allowUnknownKinds, podSecurity, podSecurityLevel, podSecurityScope, nginx, nginxBinary, opensslBinary\)$/);
    expect(() => new ManifestValidationPlugin({ podSecurityLevel: 'strict' })).toThrow(
      /^ManifestValidationPlugin: podSecurityLevel must be one of baseline, restricted, not "strict"$/);
    expect(() => new ManifestValidationPlugin({ nginx: 'yes' })).toThrow(/^ManifestValidationPlugin: nginx must be true or false, not "yes"$/);
  });
});
