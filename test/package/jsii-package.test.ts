import * as fs from 'fs';
import * as path from 'path';

// What the jsii build and Construct Hub read from package.json (the build itself and the bindings
// are test/jsii's, run by `npm run test:jsii`): quick checks that a stray edit cannot pass.
const ROOT = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stagedPackageJson, JSII_PEERS } = require('../../scripts/jsii-build') as {
  stagedPackageJson(p: unknown): Record<string, unknown>; JSII_PEERS: string[];
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bindingsReadme } = require('../../scripts/bindings-readme') as { bindingsReadme(readme: string): string };

describe('the jsii package', () => {
  test("the README other languages get: fromConstruct in TypeScript blocks, TypeScript-only blocks replaced, the rest as it is", () => {
    const readme = 'Use `SidecarHost.fromWorkload(w)`.\n\n<!-- examples/consumer/a.ts -->\n```ts\nhost: SidecarHost.fromWorkload(web),\n```\n\n'
      + '<!-- examples/consumer/a.test.ts -->\n```ts\nimport { assertValidManifests } from \'cdk8s-reverse-proxy-sidecar/validation\';\n```\n\n'
      + '```ts\ntest(\'x\', () => {});\n```\n\n```python\nSidecarHost.fromWorkload(x)\n```\n';
    const note = '*This example is for TypeScript and JavaScript only: it uses the library\'s `validation` or `testing` entry, or jest, '
      + 'which the Python, Java, Go and .NET packages do not carry.*\n';
    expect(bindingsReadme(readme)).toBe('Use `SidecarHost.fromWorkload(w)`.\n\n<!-- examples/consumer/a.ts -->\n```ts\nhost: SidecarHost.fromConstruct(web),\n```\n\n'
      + `${note}\n${note}\n\`\`\`python\nSidecarHost.fromWorkload(x)\n\`\`\`\n`);
  });


  test("Construct Hub's requirements: the cdk8s keyword, an accepted license, a README, author and repository, and .jsii shipped", () => {
    expect(pkg.keywords).toEqual(expect.arrayContaining(['cdk8s', 'constructs', 'jsii']));
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.files).toEqual(expect.arrayContaining(['.jsii', 'README.md', 'LICENSE']));
    expect(pkg.author.name).toBe('The cdk8s-reverse-proxy-sidecar authors');
    expect(pkg.repository.url).toBe('git+https://github.com/cdk8s-reverse-proxy-sidecar/cdk8s-reverse-proxy-sidecar.git');
  });

  test('four targets: Python, Java, Go and .NET, under the names the README gives', () => {
    expect(pkg.jsii.targets).toStrictEqual({
      python: { distName: 'cdk8s-reverse-proxy-sidecar', module: 'cdk8s_reverse_proxy_sidecar' },
      java: { package: 'io.github.cdk8s_reverse_proxy_sidecar', maven: { groupId: 'io.github.cdk8s-reverse-proxy-sidecar', artifactId: 'cdk8s-reverse-proxy-sidecar' } },
      dotnet: { namespace: 'Cdk8sReverseProxySidecar', packageId: 'Cdk8sReverseProxySidecar' },
      go: { moduleName: 'github.com/cdk8s-reverse-proxy-sidecar/cdk8s-reverse-proxy-sidecar-go' },
    });
  });

  test('jsii sees cdk8s and constructs as the only peers, with the ranges TypeScript users get, and no scripts', () => {
    const staged = stagedPackageJson(pkg);
    expect(JSII_PEERS).toStrictEqual(['cdk8s', 'constructs']);
    expect(staged.peerDependencies).toStrictEqual({ cdk8s: pkg.peerDependencies.cdk8s, constructs: pkg.peerDependencies.constructs });
    expect(staged.dependencies).toBeUndefined();
    expect(staged.scripts).toBeUndefined();
    expect([staged.name, staged.version, staged.main, staged.types]).toStrictEqual([pkg.name, pkg.version, pkg.main, pkg.types]);
    // The TypeScript peers stay: the eight majors and the validation entry's, all optional.
    for (const name of ['cdk8s-plus-27', 'cdk8s-plus-34', 'ajv', 'ajv-formats', 'kubernetes-models', 'yaml']) {
      expect({ name, optional: pkg.peerDependenciesMeta[name]?.optional }).toStrictEqual({ name, optional: true });
    }
  });

  test('the build runs jsii after tsc, and npm pack builds', () => {
    expect(pkg.scripts.build).toMatch(/&& tsc -p tsconfig\.build\.json && node scripts\/jsii-build\.js$/);
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts['test:jsii']).toBe('npm run build && jest -c jest.jsii.config.js');
  });
});
