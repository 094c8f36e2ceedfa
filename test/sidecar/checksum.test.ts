import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Directive, DirectiveContext, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
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

describe('the checksum changes', () => {
  test('when a route is added after construction', () => {
    // GIVEN
    const { chart, sidecar } = build({ routes: [Route.proxy('/')] });
    const before = checksum(chart);
    // WHEN
    sidecar.addRoute(Route.proxy('/api/', { stripPrefix: true }));
    // THEN
    expect(checksum(chart)).not.toBe(before);
  });

  test('when an option that reaches nginx.conf changes', () => {
    expect(checksum(build({ gzip: { level: 6 } }).chart)).not.toBe(checksum(build({ gzip: { level: 5 } }).chart));
    expect(checksum(build({ workerConnections: 2048 }).chart)).not.toBe(checksum(build().chart));
    const proxy = () => [Route.proxy('/')];
    expect(checksum(build({ trustForwardedProto: true, routes: proxy() }).chart)).not.toBe(checksum(build({ routes: proxy() }).chart));
  });

  test('when a directive is added after construction', () => {
    // GIVEN
    const { chart, sidecar } = build();
    const before = checksum(chart);
    // WHEN
    sidecar.addDirective(DirectiveContext.SERVER, Directive.of('proxy_buffer_size', '16k'));
    // THEN
    expect(checksum(chart)).not.toBe(before);
  });

  test('when a static file\'s content changes', () => {
    // GIVEN
    dir.write('site/index.html', '<h1>one</h1>\n');
    const props = () => ({ routes: [Route.staticFiles('/', { directory: dir.path('site') })] });
    const before = checksum(build(props()).chart);
    // WHEN
    dir.write('site/index.html', '<h1>two</h1>\n');
    // THEN
    expect(checksum(build(props()).chart)).not.toBe(before);
  });

  test('when a binary static file\'s content changes', () => {
    // GIVEN
    const file = dir.write('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]));
    const props = () => ({ routes: [Route.file('/logo.png', { path: file })] });
    const before = checksum(build(props()).chart);
    // WHEN
    dir.write('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xfe, 0x00]));
    // THEN
    expect(checksum(build(props()).chart)).not.toBe(before);
  });

  test('when a static file is renamed (same content)', () => {
    dir.write('a/x.html', 'same');
    dir.write('b/y.html', 'same');
    expect(checksum(build({ routes: [Route.staticFiles('/', { directory: dir.path('a') })] }).chart))
      .not.toBe(checksum(build({ routes: [Route.staticFiles('/', { directory: dir.path('b') })] }).chart));
  });

  test('when the error page changes', () => {
    // GIVEN
    const page = dir.write('50x.html', '<p>down</p>\n');
    const before = checksum(build({ errorPage: page }).chart);
    // WHEN
    dir.write('50x.html', '<p>down, retry</p>\n');
    // THEN
    expect(checksum(build({ errorPage: page }).chart)).not.toBe(before);
    expect(checksum(build().chart)).not.toBe(before);
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
    const { chart } = build({ routes: [Route.proxy('/')] });
    expect(checksum(chart)).toBe(checksum(chart));
  });

  test('when the app container\'s image changes', () => {
    // GIVEN
    const one = build({ routes: [Route.proxy('/')] }, 'app:1.0.0');
    const two = build({ routes: [Route.proxy('/')] }, 'app:2.0.0');
    // WHEN
    const [m1, m2] = [one, two].map((b) => find(Testing.synth(b.chart), 'Deployment'));
    // THEN: the image did change, the checksum did not
    expect(m1.spec.template.spec.containers[0].image).not.toBe(m2.spec.template.spec.containers[0].image);
    expect(checksumOf(m2)).toBe(checksumOf(m1));
  });

  test('when the workload gets a container after the sidecar', () => {
    // GIVEN
    const { chart, deployment } = build({ routes: [Route.proxy('/')] });
    const before = checksum(chart);
    // WHEN
    deployment.addContainer({ name: 'exporter', image: 'exporter:1', ports: [{ number: 9100 }] });
    // THEN
    expect(checksum(chart)).toBe(before);
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
    const conf = 'events {}\nhttp { server { listen 8080; location = /_sidecar/healthz { return 200; } } }\n';
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
    expect(sum).not.toBe(before);
  });
});
