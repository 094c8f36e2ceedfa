import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Directive, DirectiveContext, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { DEFAULT_ERROR_PAGE } from '../../lib/sidecar/error-page';
import { Manifest, STATEFUL_SET_ONLY_YAML, TempDir, checksumOf, find, include, included } from './helpers';

let dir: TempDir;
beforeEach(() => { dir = new TempDir(); });
afterEach(() => dir.cleanup());

interface Built {
  readonly chart: Chart;
  readonly sidecar: ReverseProxySidecar;
  readonly deployment: kplus.Deployment;
}

/** A fresh app with a plus Deployment (app image `image`, port 5000) and a sidecar with `props`. */
function build(props: Omit<ReverseProxySidecarProps, 'host'> = {}, image = 'app:1.0.0'): Built {
  const chart = Testing.chart();
  const deployment = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image, ports: [{ number: 5000 }] }] });
  const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), ...props });
  return { chart, sidecar, deployment };
}

function checksum(chart: Chart, kind = 'Deployment'): string {
  return checksumOf(find(Testing.synth(chart), kind));
}

/** `conf` without the one block whose head is exactly `head {`: the blank line before it, its lines and its closing brace. */
function withoutBlock(conf: string, head: string): string {
  const lines = conf.split('\n');
  const starts = lines.map((l, i) => (l.trim() === `${head} {` ? i : -1)).filter((i) => i >= 0);
  expect(starts).toHaveLength(1);
  const indent = lines[starts[0]].length - lines[starts[0]].trimStart().length;
  const end = lines.findIndex((l, i) => i > starts[0] && l === `${' '.repeat(indent)}}`);
  expect(end).toBeGreaterThan(starts[0]);
  // With the blank line before it, when it has one.
  const from = lines[starts[0] - 1] === '' ? starts[0] - 1 : starts[0];
  return [...lines.slice(0, from), ...lines.slice(end + 1)].join('\n');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** One synthesis of a built app: the pod template's checksum, nginx.conf and the data of both ConfigMaps. */
function synthesized({ chart, sidecar }: Built, kind = 'Deployment') {
  const manifests = Testing.synth(chart);
  const config = find(manifests, 'ConfigMap', sidecar.configMap.name);
  const content = sidecar.staticConfigMap ? find(manifests, 'ConfigMap', sidecar.staticConfigMap.name) : undefined;
  return {
    checksum: checksumOf(find(manifests, kind)) as string,
    conf: config.data['nginx.conf'] as string,
    config: config.data as Record<string, string>,
    content: content ? { data: content.data, binaryData: content.binaryData } : undefined,
  };
}

/** Both are SHA-256 hex digests, and they differ. */
function expectChanged(before: string, after: string): void {
  expect(before).toMatch(SHA256_HEX);
  expect(after).toMatch(SHA256_HEX);
  expect(after).not.toBe(before);
}

describe('the checksum changes', () => {
  test('when a route is added after construction', () => {
    // GIVEN
    const built = build({ routes: [Route.proxy('/')] });
    const before = synthesized(built);
    expect(synthesized(built).checksum).toBe(before.checksum);
    // WHEN
    built.sidecar.addRoute(Route.proxy('/api/', { stripPrefix: true }));
    // THEN the checksum follows nginx.conf, whose one change is the new location
    const after = synthesized(built);
    expectChanged(before.checksum, after.checksum);
    expect(before.conf).not.toContain('location /api/ {');
    expect(after.conf).toContain('    location /api/ {\n');
    // (with its internal upgrade location and the map that strips its prefix from the raw URI)
    expect(withoutBlock(withoutBlock(withoutBlock(after.conf, 'location /api/'), 'location = /_sidecar/upgrade/1'),
      'map $request_uri $sidecar_strip_1')).toBe(before.conf);
    expect(after.config['50x.html']).toBe(before.config['50x.html']);
  });

  test.each<[string, () => Omit<ReverseProxySidecarProps, 'host'>, () => Omit<ReverseProxySidecarProps, 'host'>, string, string]>([
    ['gzip.level', () => ({ gzip: { level: 6 } }), () => ({ gzip: { level: 5 } }), '  gzip_comp_level 6;\n', '  gzip_comp_level 5;\n'],
    ['workerConnections', () => ({ workerConnections: 2048 }), () => ({}), '  worker_connections 2048;\n', '  worker_connections 4096;\n'],
    ['trustForwardedProto', () => ({ trustForwardedProto: true, routes: [Route.proxy('/')] }), () => ({ routes: [Route.proxy('/')] }),
      '      proxy_set_header X-Forwarded-Proto $sidecar_forwarded_proto;\n', '      proxy_set_header X-Forwarded-Proto $scheme;\n'],
  ])('when an option that reaches nginx.conf changes: %s', (_name, changed, unchanged, changedLine, unchangedLine) => {
    // GIVEN / WHEN
    const [a, again, b] = [build(changed()), build(changed()), build(unchanged())].map((built) => synthesized(built));
    // THEN the same props give the same checksum, the other props another
    expect(again.checksum).toBe(a.checksum);
    expectChanged(b.checksum, a.checksum);
    // AND nginx.conf differs at the option's line
    expect(a.conf).toContain(changedLine);
    expect(b.conf).toContain(unchangedLine);
    expect(a.conf).not.toContain(unchangedLine);
    expect(b.conf).not.toContain(changedLine);
  });

  test('when trustForwardedProto changes, nginx.conf gets the map, and the scheme the app is told is the map\'s everywhere', () => {
    const proxy = () => [Route.proxy('/')];
    const trusted = synthesized(build({ trustForwardedProto: true, routes: proxy() })).conf;
    const plain = synthesized(build({ routes: proxy() })).conf;
    expect(withoutBlock(trusted, 'map $http_x_forwarded_proto $sidecar_forwarded_proto')
      .split('$sidecar_forwarded_proto').join('$scheme')).toBe(plain);
  });

  test('when a directive is added after construction', () => {
    // GIVEN
    const built = build();
    const before = synthesized(built);
    expect(synthesized(built).checksum).toBe(before.checksum);
    // WHEN
    built.sidecar.addDirective(DirectiveContext.SERVER, Directive.of('proxy_buffer_size', '16k'));
    // THEN
    const after = synthesized(built);
    expectChanged(before.checksum, after.checksum);
    expect(before.conf).not.toContain('proxy_buffer_size');
    expect(after.conf.replace('    proxy_buffer_size 16k;\n', '')).toBe(before.conf);
  });

  test('when a static file\'s content changes', () => {
    // GIVEN
    dir.write('site/index.html', '<h1>one</h1>\n');
    const props = () => ({ routes: [Route.staticFiles('/', { directory: dir.path('site') })] });
    const before = synthesized(build(props()));
    expect(synthesized(build(props())).checksum).toBe(before.checksum);
    // WHEN
    dir.write('site/index.html', '<h1>two</h1>\n');
    // THEN the static ConfigMap changed, nginx.conf did not
    const after = synthesized(build(props()));
    expectChanged(before.checksum, after.checksum);
    expect(before.content).toStrictEqual({ data: { '1-index.html': '<h1>one</h1>\n' }, binaryData: undefined });
    expect(after.content).toStrictEqual({ data: { '1-index.html': '<h1>two</h1>\n' }, binaryData: undefined });
    expect(after.config).toStrictEqual(before.config);
  });

  test('when a binary static file\'s content changes', () => {
    // GIVEN
    const file = dir.write('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]));
    const props = () => ({ routes: [Route.file('/logo.png', { path: file })] });
    const before = synthesized(build(props()));
    expect(synthesized(build(props())).checksum).toBe(before.checksum);
    // WHEN
    dir.write('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xfe, 0x00]));
    // THEN the binaryData changed by that one byte, nginx.conf did not
    const after = synthesized(build(props()));
    expectChanged(before.checksum, after.checksum);
    expect(before.content).toStrictEqual({ data: undefined, binaryData: { '1-logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]).toString('base64') } });
    expect(after.content).toStrictEqual({ data: undefined, binaryData: { '1-logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xfe, 0x00]).toString('base64') } });
    expect(after.config).toStrictEqual(before.config);
  });

  test('when a static file is renamed (same content)', () => {
    // GIVEN
    dir.write('a/x.html', 'same');
    dir.write('b/y.html', 'same');
    const props = (d: string) => ({ routes: [Route.staticFiles('/', { directory: dir.path(d) })] });
    // WHEN
    const [a, again, b] = [build(props('a')), build(props('a')), build(props('b'))].map((built) => synthesized(built));
    // THEN only the key differs
    expect(again.checksum).toBe(a.checksum);
    expectChanged(a.checksum, b.checksum);
    expect(a.content).toStrictEqual({ data: { '1-x.html': 'same' }, binaryData: undefined });
    expect(b.content).toStrictEqual({ data: { '1-y.html': 'same' }, binaryData: undefined });
    expect(b.config).toStrictEqual(a.config);
  });

  test('when the error page changes', () => {
    // GIVEN
    const page = dir.write('50x.html', '<p>down</p>\n');
    const before = synthesized(build({ errorPage: page }));
    expect(synthesized(build({ errorPage: page })).checksum).toBe(before.checksum);
    // WHEN
    dir.write('50x.html', '<p>down, retry</p>\n');
    // THEN
    const after = synthesized(build({ errorPage: page }));
    const builtIn = synthesized(build());
    expectChanged(before.checksum, after.checksum);
    expectChanged(before.checksum, builtIn.checksum);
    expectChanged(after.checksum, builtIn.checksum);
    expect(before.config['50x.html']).toBe('<p>down</p>\n');
    expect(after.config).toStrictEqual({ 'nginx.conf': before.conf, '50x.html': '<p>down, retry</p>\n' });
    expect(builtIn.config).toStrictEqual({ 'nginx.conf': before.conf, '50x.html': DEFAULT_ERROR_PAGE });
  });
});

describe('the checksum stays the same', () => {
  test('when the same input is synthesized by two fresh apps', () => {
    // GIVEN
    dir.write('site/index.html', '<h1>hi</h1>\n');
    const props = () => ({ routes: [Route.staticFiles('/', { directory: dir.path('site') }), Route.proxy('/api/')] });
    // WHEN
    const first = checksum(build(props()).chart);
    const second = checksum(build(props()).chart);
    // THEN
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });

  test('when the same chart is synthesized twice', () => {
    const { chart, sidecar } = build({ routes: [Route.proxy('/')] });
    const first = checksum(chart);
    expect(first).toMatch(SHA256_HEX);
    expect(first).toBe(sidecar.checksum);
    expect(checksum(chart)).toBe(first);
  });

  test('when the app container\'s image changes', () => {
    // GIVEN
    const one = build({ routes: [Route.proxy('/')] }, 'app:1.0.0');
    const two = build({ routes: [Route.proxy('/')] }, 'app:2.0.0');
    // WHEN
    const [m1, m2] = [one, two].map((b) => find(Testing.synth(b.chart), 'Deployment'));
    // THEN: the image did change, the checksum did not
    expect([m1, m2].map((m) => m.spec.template.spec.containers[0].image)).toStrictEqual(['app:1.0.0', 'app:2.0.0']);
    expect(checksumOf(m1)).toMatch(SHA256_HEX);
    expect(checksumOf(m1)).toBe(one.sidecar.checksum);
    expect(checksumOf(m2)).toBe(checksumOf(m1));
  });

  test('when the workload gets a container after the sidecar', () => {
    // GIVEN
    const { chart, deployment } = build({ routes: [Route.proxy('/')] });
    const before = checksum(chart);
    expect(before).toMatch(SHA256_HEX);
    // WHEN
    deployment.addContainer({ name: 'exporter', image: 'exporter:1', ports: [{ number: 9100 }] });
    // THEN the container is there, the checksum is the same
    const m = find(Testing.synth(chart), 'Deployment');
    expect(m.spec.template.spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx', 'exporter']);
    expect(checksumOf(m)).toBe(before);
  });
});

describe('what the checksum covers', () => {
  test('the annotation equals sidecar.checksum, and the ConfigMap holds the rendered nginx.conf', () => {
    // GIVEN
    const { chart, sidecar } = build({ routes: [Route.proxy('/')] });
    // WHEN
    const manifests = Testing.synth(chart);
    // THEN
    expect(checksumOf(find(manifests, 'Deployment'))).toBe(sidecar.checksum);
    const data = find(manifests, 'ConfigMap', sidecar.configMap.name).data;
    expect(Object.keys(data).sort()).toStrictEqual(['50x.html', 'nginx.conf']);
    expect(data['nginx.conf']).toBe(sidecar.renderNginxConf());
  });

  test('a custom nginxConf is written as it is', () => {
    // GIVEN
    const conf = 'pid /var/cache/nginx/nginx.pid;\nevents {}\nhttp { server { listen 8080; location = /_sidecar/healthz { return 200; } } }\n';
    const { chart, sidecar } = build({ nginxConf: conf });
    // WHEN
    const data = find(Testing.synth(chart), 'ConfigMap', sidecar.configMap.name).data;
    // THEN
    expect(data['nginx.conf']).toBe(conf);
    expect(sidecar.renderNginxConf()).toBe(conf);
  });
});

describe('routes added after construction reach nginx.conf and the checksum (lazy rendering)', () => {
  function configAndChecksum(manifests: Manifest[], sidecar: ReverseProxySidecar, kind: string) {
    return {
      conf: find(manifests, 'ConfigMap', sidecar.configMap.name).data['nginx.conf'] as string,
      checksum: checksumOf(find(manifests, kind)),
    };
  }

  test('on a plus host', () => {
    // GIVEN
    dir.write('site/index.html', 'hi');
    const { chart, sidecar } = build({ routes: [Route.proxy('/')] });
    // WHEN
    sidecar.addRoute(Route.proxy('/late/'));
    sidecar.addRoute(Route.staticFiles('/static/', { directory: dir.path('site') }));
    // THEN
    const manifests = Testing.synth(chart);
    const { conf, checksum: sum } = configAndChecksum(manifests, sidecar, 'Deployment');
    expect(conf).toBe(sidecar.renderNginxConf());
    expect(conf).toContain('location /late/ {');
    expect(conf).toContain('location /static/ {');
    expect(sum).toBe(sidecar.checksum);
    expect(find(manifests, 'ConfigMap', sidecar.staticConfigMap!.name).data).toStrictEqual({ '1-static_-index.html': 'hi' });
  });

  test('on a raw host loaded with Include', () => {
    // GIVEN
    dir.write('site/index.html', 'hi');
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, STATEFUL_SET_ONLY_YAML), 'StatefulSet', 'am');
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet) });
    const before = checksumOf(find(Testing.synth(chart), 'StatefulSet'));
    // WHEN
    sidecar.addRoute(Route.proxy('/late/'));
    sidecar.addRoute(Route.staticFiles('/static/', { directory: dir.path('site') }));
    // THEN
    const manifests = Testing.synth(chart);
    const { conf, checksum: sum } = configAndChecksum(manifests, sidecar, 'StatefulSet');
    expect(conf).toBe(sidecar.renderNginxConf());
    expect(conf).toContain('location /late/ {');
    expect(conf).toContain('server 127.0.0.1:9093;');
    expect(conf).toContain('location /static/ {');
    expect(sum).toBe(sidecar.checksum);
    expectChanged(before, sum);
  });
});
