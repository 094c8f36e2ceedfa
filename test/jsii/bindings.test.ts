// The bindings jsii-pacmak writes from the jsii build (sources only: no Python, JDK, Go or .NET
// toolchain here), and the README's Python chart as jsii-rosetta translates it.
// Run by `npm run test:jsii` (after `npm run build`), not by `npm test`.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pacmak } = require('../../scripts/jsii-pacmak') as { pacmak(extra: string[], stdio: unknown): void };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jsiiEnv } = require('../../scripts/jsii-build') as { jsiiEnv(): NodeJS.ProcessEnv };

const ROOT = path.resolve(__dirname, '..', '..');
const STAGE = path.join(ROOT, 'build', 'jsii');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let out: string;
const read = (...p: string[]) => fs.readFileSync(path.join(out, ...p), 'utf8');

beforeAll(() => {
  if (!fs.existsSync(path.join(STAGE, '.jsii'))) {
    throw new Error('no jsii build: run `npm run build` first (npm run test:jsii does)');
  }
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-pacmak-'));
  pacmak(['--code-only', '--outdir', out], ['ignore', 'ignore', 'pipe']);
}, 120000);

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

test('Python: the entry point, the embedded package, and no dependency but cdk8s, constructs and the jsii runtime', () => {
  const init = read('python', 'src', 'cdk8s_reverse_proxy_sidecar', '__init__.py');
  expect(init).toContain('@jsii.member(jsii_name="fromConstruct")\n    @builtins.classmethod\n    def from_construct(');
  // TypeScript-only API (@jsii ignore): ConfigError, fromWorkload and the structural cdk8s-plus types.
  for (const name of ['class ConfigError', 'def from_workload(', 'class IPlusWorkload', 'class PlusContainerProps']) {
    expect({ name, found: init.includes(name) }).toStrictEqual({ name, found: false });
  }
  expect(fs.existsSync(path.join(out, 'python', 'src', 'cdk8s_reverse_proxy_sidecar', '_jsii', `cdk8s-reverse-proxy-sidecar@${VERSION}.jsii.tgz`))).toBe(true);
  const requires = /"install_requires": \[([^\]]*)\]/.exec(read('python', 'setup.py'))![1];
  expect([...requires.matchAll(/"([\w-]+)[^"]*"/g)].map((m) => m[1])).toStrictEqual(['cdk8s', 'constructs', 'jsii', 'publication']);
  expect(read('python', 'setup.py')).toContain('"name": "cdk8s-reverse-proxy-sidecar"');
});

test('Java: io.github.cdk8s_reverse_proxy_sidecar, and the pom needs no cdk8s-plus', () => {
  const host = read('java', 'src', 'main', 'java', 'io', 'github', 'cdk8s_reverse_proxy_sidecar', 'SidecarHost.java');
  expect(host).toContain('public static @org.jetbrains.annotations.NotNull io.github.cdk8s_reverse_proxy_sidecar.ISidecarHost fromConstruct('
    + 'final @org.jetbrains.annotations.NotNull software.constructs.IConstruct construct)');
  const pom = read('java', 'pom.xml');
  const artifacts = [...pom.matchAll(/<dependency>\s*(?:<!--[\s\S]*?-->\s*)?<groupId>([^<]+)<\/groupId>\s*<artifactId>([^<]+)</g)].map((m) => `${m[1]}:${m[2]}`);
  expect(artifacts).toStrictEqual(['org.cdk8s:cdk8s', 'software.constructs:constructs', 'software.amazon.jsii:jsii-runtime',
    'org.jetbrains:annotations', 'javax.annotation:javax.annotation-api']);
});

test('Go: SidecarHost_FromConstruct, and go.mod requires no cdk8s-plus', () => {
  const dir = path.join('go', 'cdk8sreverseproxysidecar');
  expect(read(dir, 'SidecarHost.go')).toContain('func SidecarHost_FromConstruct(construct constructs.IConstruct) ISidecarHost {');
  expect(read(dir, 'go.mod')).toMatch(/^module github\.com\/cdk8s-reverse-proxy-sidecar\/cdk8s-reverse-proxy-sidecar-go\/cdk8sreverseproxysidecar\n/);
  const requires = /require \(([^)]*)\)/.exec(read(dir, 'go.mod'))![1].trim().split('\n').map((l) => l.trim().split(' ')[0]);
  expect(requires).toStrictEqual(['github.com/aws/jsii-runtime-go', 'github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2', 'github.com/aws/constructs-go/constructs/v10']);
});

test('.NET: Cdk8sReverseProxySidecar.SidecarHost.FromConstruct, and no cdk8s-plus package reference', () => {
  const dir = path.join('dotnet', 'Cdk8sReverseProxySidecar');
  expect(read(dir, 'Cdk8sReverseProxySidecar', 'SidecarHost.cs'))
    .toContain('public static Cdk8sReverseProxySidecar.ISidecarHost FromConstruct(Constructs.IConstruct construct)');
  const refs = [...read(dir, 'Cdk8sReverseProxySidecar.csproj').matchAll(/<PackageReference Include="([^"]+)"/g)].map((m) => m[1]);
  expect(refs).toStrictEqual(['Amazon.JSII.Runtime', 'Org.Cdk8s', 'Constructs']);
});

test("the Python, Go and .NET packages' README: the TypeScript examples translated, with fromConstruct, and none of the TypeScript-only ones", () => {
  const python = read('python', 'README.md');
  const go = read('go', 'cdk8sreverseproxysidecar', 'README.md');
  const dotnet = read('dotnet', 'Cdk8sReverseProxySidecar', 'Cdk8sReverseProxySidecar', 'NamespaceDoc.cs');
  // The exposing chart, translated by rosetta as pacmak wrote each package (not the hand-written main.py).
  expect(python).toContain('        node_port = proxy.expose_via_service(name="web-nodeport", service_type=kplus.ServiceType.NODE_PORT, node_port=32001)\n');
  expect(go).toContain('\tnodePort := proxy.ExposeViaService(&ExposeViaServiceOptions{\n');
  expect(dotnet).toContain('var nodePort = proxy.ExposeViaService(new ExposeViaServiceOptions {');
  expect(python).toContain('host=SidecarHost.from_construct(web)');
  expect(go).toContain('cdk8sreverseproxysidecar.SidecarHost_FromConstruct(web),');
  for (const [language, text] of Object.entries({ python, go, dotnet })) {
    expect({ language, fromWorkload: /from_workload|FromWorkload/.test(text) }).toStrictEqual({ language, fromWorkload: false });
    expect({ language, validation: /validation import|\/validation"|Validation;|assert_valid_manifests|AssertValidManifests/.test(text) })
      .toStrictEqual({ language, validation: false });
  }
  expect(python.match(/This example is for TypeScript and JavaScript only/g)).toHaveLength(2);
  // No block left as TypeScript in a ```python fence.
  expect([...python.matchAll(/```python\n([\s\S]*?)```/g)].filter((m) => /^import \{|^export |=> \{/m.test(m[1])).map((m) => m[1].slice(0, 80)))
    .toStrictEqual([]);
});

test("the README's Python chart is jsii-rosetta's translation of examples/bindings/main.ts, exactly", () => {
  // A project where the snippet's imports resolve: the three packages and the jsii build under its name.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-rosetta-'));
  try {
    fs.mkdirSync(path.join(project, 'node_modules'));
    for (const dep of ['cdk8s', 'constructs', 'cdk8s-plus-34']) {
      fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(project, 'node_modules', dep), 'dir');
    }
    fs.symlinkSync(STAGE, path.join(project, 'node_modules', 'cdk8s-reverse-proxy-sidecar'), 'dir');
    fs.copyFileSync(path.join(ROOT, 'examples', 'bindings', 'main.ts'), path.join(project, 'main.ts'));
    const python = execFileSync(path.join(BIN, 'jsii-rosetta'), ['snippet', '--language', 'python', 'main.ts'], { cwd: project, env: jsiiEnv(), encoding: 'utf8' });
    expect(python).toBe(fs.readFileSync(path.join(ROOT, 'examples', 'bindings', 'main.py'), 'utf8'));
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});
