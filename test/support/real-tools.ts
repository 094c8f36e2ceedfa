import { spawnSync } from 'child_process';

/** The Debian packages that provide each tool the real-software tests run. */
export const PACKAGE_OF: Record<string, string> = {
  nginx: 'nginx-light',
  unshare: 'util-linux',
  setpriv: 'util-linux',
  nsenter: 'util-linux',
  ip: 'iproute2',
  gunicorn: 'gunicorn',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  'prometheus-nginx-exporter': 'prometheus-nginx-exporter',
  chromium: 'chromium',
  curl: 'curl',
  wrk: 'wrk',
  openssl: 'openssl',
};

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`], { stdio: 'ignore' }).status === 0;
}

/** What is missing to run real software in namespaces: tools, and root (for mount namespaces) unless `root` is false. */
export function missingFor(tools: string[], root = true): string[] {
  const missing = tools.filter((t) => !has(t)).map((t) => `${t} (apt-get install -y ${PACKAGE_OF[t] ?? t})`);
  if (root && process.getuid?.() !== 0) {
    missing.push('root (mount namespaces and uid switching need it)');
  }
  return missing;
}

/**
 * `describe` for tests that run real software. When something is missing they fail under CI
 * (CI=true) and are skipped, with the install line, elsewhere.
 */
export function describeWithTools(tools: string[], name: string, body: () => void, opts: { root?: boolean } = {}): void {
  const missing = missingFor(tools, opts.root ?? true);
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('has the real software it needs', () => {
        throw new Error(`missing: ${missing.join(', ')}`);
      });
    });
  } else {
    // eslint-disable-next-line no-console
    console.warn(`skipping "${name}": missing ${missing.join(', ')}`);
    describe.skip(name, body);
  }
}
