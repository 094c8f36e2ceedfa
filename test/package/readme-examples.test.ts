import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';

// Every fenced block of the README is a file CI runs (scripts/readme-blocks.js): the marked blocks
// are files in examples/consumer/, which scripts/consumer-test.js installs and runs from the packed
// tarball on cdk8s-plus-27 and 34 (in CI). Here, quickly: each block is its file, and nothing else.
const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples', 'consumer');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readmeBlocks } = require('../../scripts/readme-blocks') as {
  readmeBlocks(readme: string): { marked: Map<string, string>; bindings: Map<string, string>; ci: string[]; problems: string[] };
};
const { marked, bindings, ci, problems } = readmeBlocks(README);

describe('the README\'s code blocks', () => {
  test('every block is marked as a file CI runs (a mermaid diagram aside)', () => {
    expect(problems).toStrictEqual([]);
  });

  test('the block finder refuses an unmarked block and reads a marked one', () => {
    const probe = readmeBlocks('text\n```ts\nconst a = 1;\n```\n<!-- examples/consumer/x.ts -->\n```ts\nconst b = 2;\n```\n');
    expect(probe.problems).toStrictEqual(['the ts block at line 2 is not marked as a file CI runs']);
    expect([...probe.marked]).toStrictEqual([['x.ts', 'const b = 2;\n']]);
  });

  test.each([...marked.keys()])('examples/consumer/%s is the block marked with its name, exactly', (name) => {
    expect(marked.get(name)).toBe(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));
  });

  test('the Python chart is examples/bindings/main.py, exactly (jsii-rosetta\'s translation of main.ts beside it: npm run test:jsii)', () => {
    expect([...bindings.keys()]).toStrictEqual(['main.py']);
    expect(bindings.get('main.py')).toBe(fs.readFileSync(path.join(ROOT, 'examples', 'bindings', 'main.py'), 'utf8'));
  });

  test('every chart in examples/consumer is in the README, and each imports the major Install recommends', () => {
    const charts = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(charts.filter((f) => !marked.has(f))).toStrictEqual([]);
    expect(marked.get('install.sh')).toMatch(/^npm install cdk8s-reverse-proxy-sidecar cdk8s constructs cdk8s-plus-34\n/);
    for (const chart of charts) {
      const imports = [...marked.get(chart)!.matchAll(/from '(cdk8s-plus-\d+)'/g)].map((m) => m[1]);
      expect({ chart, imports: [...new Set(imports)] }).toStrictEqual({ chart, imports: imports.length > 0 ? ['cdk8s-plus-34'] : [] });
    }
    expect(marked.get('cdk8s.validations.yaml')).toContain('package: ./node_modules/cdk8s-reverse-proxy-sidecar/validation-plugin\n');
  });

  test('the install line pins kubernetes-models exactly (-E): ^4.3.1 would later resolve 4.5, which the checks refuse', () => {
    expect(marked.get('install.sh')).toContain('\nnpm install -D -E kubernetes-models@4.3.1\n');
  });

  test('the repository commands are ones .ci/run runs', () => {
    const run = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    const commands = ci.join('\n').split('\n').flatMap((l) => l.replace(/#.*/, '').split('&&')).map((c) => c.trim()).filter(Boolean);
    expect(commands).toStrictEqual(['npm ci', 'npm run synth', 'npm test']);
    for (const c of commands) {
      expect({ c, inCi: new RegExp(`${c.replace(/ /g, ' +')}(?![:\\w-])`).test(run) }).toStrictEqual({ c, inCi: true });
    }
  });

  test('the access log example has exactly the fields of the rendered log_format, in order', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'app:1', ports: [{ number: 5000 }] }] });
    const conf = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] }).renderNginxConf();
    const format = /log_format sidecar escape=json ([^;]*);/.exec(conf)![1];
    const rendered = [...format.matchAll(/"(\w+)":/g)].map((m) => m[1]);
    expect(Object.keys(JSON.parse(marked.get('access-log.json')!))).toStrictEqual(rendered);
  });

  test('the plugin path the README gives is a file the package ships, outside build/', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('validation-plugin.js');
    expect(pkg.exports['./validation-plugin'].default).toBe('./validation-plugin.js');
  });
});
