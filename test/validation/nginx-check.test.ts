import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { LoadedManifest, checkNginxConfs, findNginx, loadManifests } from '../../lib/validation';
import { TempDir } from '../sidecar/helpers';
import { CarriedDir } from '../support/carry';
import { loadYaml, workloadsWithContainer } from '../support/manifests';
import { matrix } from './matrix';

const ROOT = path.join(__dirname, '..', '..');
const ALERTMANAGER = path.join(ROOT, 'dist', 'alertmanager.k8s.yaml');
const FLASK_HELLO = path.join(ROOT, 'dist', 'flask-hello.k8s.yaml');
/** The examples' config ConfigMaps: named by their content, so read from dist/. */
const configMapName = (file: string) => loadManifests([file])
  .find((o) => o.object.kind === 'ConfigMap' && /-proxy-config-[0-9a-f]{10}$/.test(o.object.metadata.name))!.object.metadata.name;
const AM_CONFIG = configMapName(ALERTMANAGER);
const FLASK_CONFIG = configMapName(FLASK_HELLO);
const FINDING = `[nginx] ConfigMap monitoring/${AM_CONFIG} data["nginx.conf"]: `
  + 'nginx -t failed for container "nginx" of StatefulSet monitoring/monitor-alertmanager: ';

/** The alertmanager example with its nginx.conf changed by `edit`. */
function alertmanagerWith(edit: (conf: string) => string): LoadedManifest[] {
  const objects = loadManifests([ALERTMANAGER]);
  const config = objects.find((o) => o.object.kind === 'ConfigMap' && o.object.metadata.name === AM_CONFIG)!;
  config.object.data['nginx.conf'] = edit(config.object.data['nginx.conf']);
  return objects;
}

const messages = (objects: LoadedManifest[]) => checkNginxConfs(objects).map((f) => f.message);

const ref = (o: any) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/**
 * The objects with `server_tokens off;` broken in the sidecar's nginx.conf, and the one finding
 * nginx -t then gives: so a check that finds nothing in a good config is seen to look at it.
 */
function brokenSidecarConf(objects: any[]): { objects: any[]; expected: string[] } {
  const copy = JSON.parse(JSON.stringify(objects));
  const [workload] = workloadsWithContainer(copy, 'nginx');
  const configs = copy.filter((o: any) => o.kind === 'ConfigMap' && typeof o.data?.['nginx.conf'] === 'string');
  expect([workload !== undefined, configs.length]).toStrictEqual([true, 1]);
  const conf: string = configs[0].data['nginx.conf'];
  const line = conf.split('\n').indexOf('  server_tokens off;') + 1;
  expect(line).toBeGreaterThan(1);
  configs[0].data['nginx.conf'] = conf.replace('server_tokens off;', 'server_tokens of;');
  return {
    objects: copy,
    expected: [`[nginx] ${ref(configs[0])} data["nginx.conf"]: nginx -t failed for container "nginx" of ${ref(workload)}: `
      + `[emerg] invalid value "of" in /etc/nginx/sidecar/nginx.conf:${line} (value: "server_tokens of;")`],
  };
}

/** The line number of `text` in the alertmanager example's nginx.conf after `edit` (rendering may move it). */
function lineOf(edit: (conf: string) => string, text: string): number {
  const conf: string = alertmanagerWith(edit).find((o) => o.object.metadata.name === AM_CONFIG)!.object.data['nginx.conf'];
  return conf.split('\n').findIndex((l) => l.includes(text)) + 1;
}

/** Like the project's real-software tests: skipped with the install line without nginx, failed under CI. */
const nginx = findNginx();
const withNginx = nginx ? describe : process.env.CI ? describe : describe.skip;
if (!nginx && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn('skipping the nginx -t checks: no nginx (apt-get install -y nginx-light)');
}

withNginx('nginx -t on the nginx.conf the sidecar runs', () => {
  test('there is an nginx', () => {
    expect(nginx).toBeDefined();
  });

  test.each([FLASK_HELLO, ALERTMANAGER])('accepts the example %s, and reports it with a bad argument', (file) => {
    expect(messages(loadManifests([file]))).toStrictEqual([]);
    const broken = brokenSidecarConf(loadYaml(file));
    expect(messages(loadManifests(broken.objects))).toStrictEqual(broken.expected);
  });

  describe('accepts every config of the test matrix', () => {
    const dir = new TempDir();
    afterAll(() => dir.cleanup());
    const cases = matrix(dir);
    test('of 55 charts: 11 host kinds with 5 variants each', () => {
      expect(new Set(cases.map((c) => c.name)).size).toBe(55);
    });
    test.each(cases.map((c) => [c.name, c] as const))('%s, and reports it with a bad argument', (_name, c) => {
      const objects = c.synth(true);
      expect(messages(loadManifests(objects))).toStrictEqual([]);
      const broken = brokenSidecarConf(objects);
      expect(messages(loadManifests(broken.objects))).toStrictEqual(broken.expected);
    });
  });

  test('accepts an auth service named by a cluster Service (which only the cluster resolves), and still reports a bad config beside it', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'app:1', ports: [{ number: 5000 }] }] });
    new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')],
      access: { externalAuth: { url: 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth' } },
    });
    const objects = Testing.synth(chart);
    expect(messages(loadManifests(objects))).toStrictEqual([]);
    const broken = brokenSidecarConf(objects);
    expect(messages(loadManifests(broken.objects))).toStrictEqual(broken.expected);
  });

  test('reports a bad argument with the pod\'s path, the line number and the line', () => {
    const edit = (conf: string) => conf.replace('server_tokens off;', 'server_tokens of;');
    expect(messages(alertmanagerWith(edit))).toStrictEqual([
      `${FINDING}[emerg] invalid value "of" in /etc/nginx/sidecar/nginx.conf:${lineOf(edit, 'server_tokens')} (value: "server_tokens of;")`,
    ]);
  });

  test('reports an unknown directive', () => {
    const edit = (conf: string) => conf.replace('sendfile on;', 'sendfile on;\n  proxy_cache_valid_for 1h;');
    expect(messages(alertmanagerWith(edit))).toStrictEqual([
      `${FINDING}[emerg] unknown directive "proxy_cache_valid_for" in /etc/nginx/sidecar/nginx.conf:${lineOf(edit, 'proxy_cache_valid_for')} `
        + '(value: "proxy_cache_valid_for 1h;")',
    ]);
  });

  test('reports an include that the ConfigMap does not hold, by the path the pod would see', () => {
    const edit = (conf: string) => conf.replace('sendfile on;', 'include /etc/nginx/sidecar/extra.conf;');
    expect(messages(alertmanagerWith(edit))).toStrictEqual([
      `${FINDING}[emerg] open() "/etc/nginx/sidecar/extra.conf" failed (2: No such file or directory) in /etc/nginx/sidecar/nginx.conf:${lineOf(edit, 'extra.conf')} `
        + '(value: "include /etc/nginx/sidecar/extra.conf;")',
    ]);
  });

  test('lays out the ConfigMap\'s other files too, with the pod\'s paths rewritten in them', () => {
    const objects = alertmanagerWith((conf) => conf.replace('sendfile on;', 'include /etc/nginx/sidecar/extra.conf;'));
    const config = objects.find((o) => o.object.metadata.name === AM_CONFIG)!;
    config.object.data['extra.conf'] = 'sendfile on;\nproxy_cache_path /var/cache/nginx/extra levels=1:2 keys_zone=extra:1m;\n';
    expect(messages(objects)).toStrictEqual([]);
    // The included file is read where the pod reads it: a bad line in it is reported there. (The
    // finding's value is looked up in nginx.conf only, hence undefined for a line of extra.conf.)
    config.object.data['extra.conf'] = 'sendfile of;\n';
    expect(messages(objects)).toStrictEqual([
      `${FINDING}[emerg] invalid value "of" in "sendfile" directive, it must be "on" or "off" in /etc/nginx/sidecar/extra.conf:1 (value: undefined)`,
    ]);
  });

  test('checks only pods whose nginx reads its config from a ConfigMap', () => {
    const baked = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'baked' },
      spec: { containers: [{ name: 'nginx', image: 'my-nginx:1', command: ['nginx', '-c', '/etc/nginx/nginx.conf'] }] },
    };
    expect(messages(loadManifests([baked]))).toStrictEqual([]);
    // The same pod with the config mounted from a ConfigMap is checked (here: the ConfigMap is missing).
    const mounted = JSON.parse(JSON.stringify(baked));
    mounted.spec.volumes = [{ name: 'conf', configMap: { name: 'baked-conf' } }];
    mounted.spec.containers[0].volumeMounts = [{ name: 'conf', mountPath: '/etc/nginx' }];
    expect(messages(loadManifests([mounted]))).toStrictEqual([
      '[nginx] Pod baked spec.containers[0]: container "nginx" of Pod baked reads /etc/nginx/nginx.conf from ConfigMap "baked-conf", '
        + 'which is not among the manifests (value: "baked-conf")',
    ]);
  });

  const root = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  (root ? test : test.skip)('runs without root: the same findings as uid 65534 (nobody)', () => {
    // The checkout may be out of nobody's reach (a clone under a directory only root can enter):
    // nobody gets the validation module, its packages and the examples in a directory of its own.
    const carried = new CarriedDir();
    try {
      carried.assertReachableBy(65534);
      const entry = carried.bundle('lib/validation/index.ts');
      const files = ['flask-hello', 'alertmanager'].map((e) => carried.copy(`dist/${e}.k8s.yaml`));
      const tmp = carried.ownedBy(65534, 65534, 'tmp');
      const script = `
        const { checkNginxConfs, loadManifests } = require(${JSON.stringify(entry)});
        const objects = loadManifests(${JSON.stringify(files)});
        const config = objects.find((o) => o.object.metadata.name === ${JSON.stringify(AM_CONFIG)});
        const ok = checkNginxConfs(objects).length;
        config.object.data['nginx.conf'] = config.object.data['nginx.conf'].replace('server_tokens off;', 'server_tokens of;');
        console.log(JSON.stringify({ uid: process.getuid(), ok, broken: checkNginxConfs(objects).map((f) => f.message) }));`;
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script],
        { cwd: carried.root, encoding: 'utf8', env: { ...process.env, HOME: tmp, TMPDIR: tmp } });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toStrictEqual({
        uid: 65534,
        ok: 0,
        broken: [`${FINDING}[emerg] invalid value "of" in /etc/nginx/sidecar/nginx.conf:${lineOf((c) => c, 'server_tokens')} (value: "server_tokens of;")`],
      });
      // Its nginx -t directories are gone too.
      expect(fs.readdirSync(tmp)).toStrictEqual([]);
    } finally {
      carried.cleanup();
    }
  });
});

describe('without what nginx -t needs', () => {
  test('a missing nginx binary is a finding that says how to install one', () => {
    expect(checkNginxConfs(loadManifests([FLASK_HELLO]), { nginxBinary: '/nonexistent/nginx' }).map((f) => f.message)).toStrictEqual([
      '[nginx] Deployment flask-hello-web spec.template.spec.containers[1]: nginx -t cannot run for container "nginx" of Deployment flask-hello-web: '
        + 'no nginx binary found (install nginx (Debian/Ubuntu: apt-get install nginx-light; macOS: brew install nginx) or pass nginxBinary) '
        + '(value: "/nonexistent/nginx")',
    ]);
  });

  (nginx ? test : test.skip)('a Secret volume without openssl for its throwaway certificate is a finding that says how to install it', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')], tls: { secretName: 'web-tls' } });
    const objects = loadManifests(Testing.synth(chart));
    const name = objects.find((o) => o.object.kind === 'Deployment')!.object.metadata.name;
    expect(checkNginxConfs(objects, { opensslBinary: '/nonexistent/openssl' }).map((f) => f.message)).toStrictEqual([
      `[nginx] Deployment ${name} spec.template.spec.containers[1]: nginx -t cannot run for container "nginx" of `
        + `Deployment ${name}: it mounts a Secret (TLS), and a throwaway certificate for it needs `
        + 'openssl (Debian: apt-get install openssl) or opensslBinary (value: "/nonexistent/openssl")',
    ]);
  });

  test('a ConfigMap missing from the manifests is a finding', () => {
    const objects = loadManifests([FLASK_HELLO]).filter((o) => o.object.metadata.name !== FLASK_CONFIG);
    expect(messages(objects)).toStrictEqual([
      '[nginx] Deployment flask-hello-web spec.template.spec.containers[1]: container "nginx" of Deployment flask-hello-web reads '
        + `/etc/nginx/sidecar/nginx.conf from ConfigMap "${FLASK_CONFIG}", which is not among the manifests (value: "${FLASK_CONFIG}")`,
    ]);
  });
});
