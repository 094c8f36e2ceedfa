import * as fs from 'fs';
import * as path from 'path';

// The README's user-facing blocks are files in examples/consumer/, which scripts/consumer-test.js
// installs and runs from the packed tarball (in CI). Here, quickly: each block is its file.
const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const FILES = ['install.sh', 'main.ts', 'main.test.ts', 'cdk8s.validations.yaml'];

function block(name: string): string | undefined {
  const marker = `<!-- examples/consumer/${name} -->\n`;
  const at = README.indexOf(marker);
  if (at < 0) return undefined;
  const m = /^```\w*\n([\s\S]*?)```\n/.exec(README.slice(at + marker.length));
  return m?.[1];
}

describe('the README\'s install, chart, jest and cdk8s.yaml blocks', () => {
  test.each(FILES)('examples/consumer/%s is the block marked with its name, exactly', (name) => {
    expect(block(name)).toBe(fs.readFileSync(path.join(ROOT, 'examples', 'consumer', name), 'utf8'));
  });

  test('each block is marked once, and the chart uses the cdk8s-plus major the consumer test swaps', () => {
    for (const name of FILES) {
      expect(README.split(`<!-- examples/consumer/${name} -->`)).toHaveLength(2);
    }
    expect(block('main.ts')).toContain("import * as kplus from 'cdk8s-plus-34';");
    expect(block('install.sh')).toMatch(/^npm install cdk8s-reverse-proxy-sidecar cdk8s constructs cdk8s-plus-34\n/);
    expect(block('cdk8s.validations.yaml')).toContain('package: ./node_modules/cdk8s-reverse-proxy-sidecar/validation-plugin\n');
  });

  test('the plugin path the README gives is a file the package ships, outside build/', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('validation-plugin.js');
    expect(pkg.exports['./validation-plugin'].default).toBe('./validation-plugin.js');
  });
});
