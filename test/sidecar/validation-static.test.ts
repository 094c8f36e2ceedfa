import * as fs from 'fs';
import { Testing } from 'cdk8s';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { Manifest, TempDir, exactly, find, podTemplate, volume } from './helpers';
import { attach, deploymentChart } from './validation-helpers';

let dir: TempDir;
beforeEach(() => { dir = new TempDir(); });
afterEach(() => dir.cleanup());

describe('static content', () => {
  test('a missing directory', () => {
    const missing = dir.path('nope');
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: missing })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(missing)} does not exist (resolved to ${missing})`));
  });

  test('a file instead of a directory', () => {
    const file = dir.write('file.txt', 'x');
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: file })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(file)} is not a directory`));
  });

  test('an empty directory', () => {
    const empty = dir.path('empty');
    fs.mkdirSync(empty);
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: empty })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(empty)} holds no files`));
  });

  test('a missing file for Route.file', () => {
    const missing = dir.path('nope.js');
    expect(() => attach({ routes: [Route.file('/x.js', { path: missing })] }))
      .toThrow(exactly(`routes[0] Route.file("/x.js") path ${JSON.stringify(missing)} does not exist (resolved to ${missing})`));
  });

  test('a file name with a space', () => {
    dir.write('site/index.html', 'hi');
    dir.write('site/my file.html', 'hi');
    const site = dir.path('site');
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: site })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(site)} holds "my file.html", `
        + 'whose name may contain only letters, digits and "._-"'));
  });

  test('a directory name with a space, below the root', () => {
    dir.write('site/my dir/a.html', 'hi');
    const site = dir.path('site');
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: site })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(site)} holds "my dir", `
        + 'whose name may contain only letters, digits and "._-"'));
  });

  test('more than 1 MiB of static content in one file: refused by its size, before it is read', () => {
    // GIVEN a 1.1 MiB file
    const bytes = Math.ceil(1.1 * 1024 * 1024);
    dir.write('site/big.txt', 'a'.repeat(bytes));
    // WHEN / THEN
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: dir.path('site') })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(dir.path('site'))} holds more than 1048576 bytes `
        + 'of files (at "big.txt"), over the Kubernetes limit of a ConfigMap (1 MiB); serve large assets from the app or an image'));
  });

  test('a 3 GiB sparse file is refused by its size, not read (no ERR_FS_FILE_TOO_LARGE)', () => {
    // GIVEN a sparse file of 3 GiB, in a directory and on its own
    const sparse = dir.write('site/huge.bin', '');
    fs.truncateSync(sparse, 3 * 1024 ** 3);
    const read = jest.spyOn(fs, 'readFileSync');
    // WHEN / THEN
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: dir.path('site') })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(dir.path('site'))} holds more than 1048576 bytes `
        + 'of files (at "huge.bin"), over the Kubernetes limit of a ConfigMap (1 MiB); serve large assets from the app or an image'));
    expect(() => attach({ routes: [Route.file('/huge.bin', { path: sparse })] }))
      .toThrow(exactly(`routes[0] Route.file("/huge.bin") path ${JSON.stringify(sparse)} is ${3 * 1024 ** 3} bytes, `
        + 'over the Kubernetes limit of a ConfigMap (1048576 bytes, 1 MiB)'));
    expect(read).not.toHaveBeenCalledWith(sparse);
    // AND the spy does see the files that are read
    const small = dir.write('small.txt', 'hi');
    attach({ routes: [Route.file('/small.txt', { path: small })] });
    expect(read).toHaveBeenCalledWith(small);
    read.mockRestore();
  });

  test('more than 1 MiB of static content across routes', () => {
    // GIVEN two files of 600 KiB, each under the limit
    const a = dir.write('a.bin', Buffer.alloc(600 * 1024, 0xff));
    const b = dir.write('b.bin', Buffer.alloc(600 * 1024, 0xff));
    // WHEN / THEN
    expect(() => attach({ routes: [Route.file('/a.bin', { path: a }), Route.file('/b.bin', { path: b })] }))
      .toThrow(exactly(`routes[1] Route.file("/b.bin") ${JSON.stringify(b)} brings the static ConfigMap to ${2 * (600 * 1024 + 7)} bytes, `
        + 'over the Kubernetes limit of 1048576 bytes (1 MiB); serve large assets from the app or an image'));
  });

  test('a route refused for its size leaves the sidecar as it was', () => {
    // GIVEN a sidecar with one small file route
    const small = dir.write('small.txt', 'hello\n');
    const big = dir.write('too-big.bin', Buffer.alloc(1100 * 1024, 0xff));
    const { chart, deployment } = deploymentChart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(deployment), routes: [Route.file('/small.txt', { path: small })],
    });
    // WHEN a route over the limit is refused
    expect(() => sidecar.addRoute(Route.file('/big.bin', { path: big })))
      .toThrow(exactly(`routes[1] Route.file("/big.bin") path ${JSON.stringify(big)} is ${1100 * 1024} bytes, `
        + 'over the Kubernetes limit of a ConfigMap (1048576 bytes, 1 MiB)'));
    // THEN none of it is in the ConfigMap, nginx.conf or the pod, and the next route still works
    sidecar.addRoute(Route.file('/next.txt', { path: small }));
    const manifests = Testing.synth(chart);
    const staticMap = find(manifests, 'ConfigMap', sidecar.staticConfigMap!.name);
    expect(staticMap.data).toStrictEqual({ '1-small.txt': 'hello\n', '2-next.txt': 'hello\n' });
    expect(staticMap.binaryData).toBeUndefined();
    const locations = sidecar.renderNginxConf().split('\n').map((l) => l.trim()).filter((l) => l.startsWith('location '));
    expect(locations).toStrictEqual(['location = /_sidecar/healthz {', 'location = /_sidecar/50x.html {',
      'location = /small.txt {', 'location = /next.txt {']);
    expect(podTemplate(find(manifests, 'Deployment')).spec.volumes.map((v: Manifest) => v.name))
      .toStrictEqual(['nginx-cache', 'nginx-config', 'nginx-static-1', 'nginx-static-2']);
  });

  test('a route path with "~" (allowed in paths) still gives valid ConfigMap keys', () => {
    // GIVEN paths that checkPath accepts
    const file = dir.write('site/index.html', 'hi');
    const { chart, deployment } = deploymentChart();
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(deployment),
      routes: [Route.file('/~me.txt', { path: file }), Route.staticFiles('/~docs/', { directory: dir.path('site') })],
    });
    // THEN the API server accepts only keys of [-._a-zA-Z0-9]
    const manifests = Testing.synth(chart);
    const keys = Object.keys(find(manifests, 'ConfigMap', sidecar.staticConfigMap!.name).data);
    expect(keys).toStrictEqual(['1-_.me.txt', '2-_.docs_-index.html']);
    for (const key of keys) {
      expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
    }
    // AND the files are still mounted at their URI paths
    const items = podTemplate(find(manifests, 'Deployment')).spec.volumes
      .flatMap((v: Manifest) => v.configMap?.items ?? []).map((i: Manifest) => i.path);
    expect(items).toStrictEqual(['~me.txt', '~docs/index.html']);
  });

  test('a file in a subdirectory: "/" in the key is escaped as "_-"', () => {
    // GIVEN
    dir.write('site/js/app.js', 'x');
    const { chart, deployment } = deploymentChart();
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(deployment), routes: [Route.staticFiles('/', { directory: dir.path('site') })],
    });
    // THEN
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'ConfigMap', sidecar.staticConfigMap!.name).data).toStrictEqual({ '1-js_-app.js': 'x' });
    expect(podTemplate(find(manifests, 'Deployment')).spec.volumes[2].configMap.items)
      .toStrictEqual([{ key: '1-js_-app.js', path: 'js/app.js' }]);
  });

  test('"a/b.txt" and "a_b.txt" in one directory get distinct keys and are both served', () => {
    // GIVEN two paths that an escape of "/" as "_" alone would give the same key
    dir.write('site/a/b.txt', 'slash');
    dir.write('site/a_b.txt', 'underscore');
    const { chart, deployment } = deploymentChart();
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(deployment), routes: [Route.staticFiles('/', { directory: dir.path('site') })],
    });
    // THEN
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'ConfigMap', sidecar.staticConfigMap!.name).data).toStrictEqual({
      '1-a_-b.txt': 'slash',
      '1-a__b.txt': 'underscore',
    });
    expect(podTemplate(find(manifests, 'Deployment')).spec.volumes[2].configMap.items).toStrictEqual([
      { key: '1-a_-b.txt', path: 'a/b.txt' },
      { key: '1-a__b.txt', path: 'a_b.txt' },
    ]);
  });

  test('a hidden file at the top of the directory', () => {
    dir.write('site/index.html', 'hi');
    dir.write('site/.env', 'SECRET=1\n');
    const site = dir.path('site');
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: site })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(site)} holds the hidden ".env"; `
        + 'remove it (only a top-level .well-known is served)'));
  });

  test('a hidden directory below the root', () => {
    dir.write('site/index.html', 'hi');
    dir.write('site/sub/.git/config', '[core]\n');
    const site = dir.path('site');
    expect(() => attach({ routes: [Route.staticFiles('/docs/', { directory: site })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/docs/") directory ${JSON.stringify(site)} holds the hidden "sub/.git"; `
        + 'remove it (only a top-level .well-known is served)'));
  });

  test.each<[string, string]>([
    ['sub/.well-known/security.txt', 'sub/.well-known'],
    ['.well-known/.htpasswd', '.well-known/.htpasswd'],
  ])('a hidden entry other than the top-level .well-known: %s', (file, hidden) => {
    dir.write('site/index.html', 'hi');
    dir.write(`site/${file}`, 'x');
    const site = dir.path('site');
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: site })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(site)} holds the hidden ${JSON.stringify(hidden)}; `
        + 'remove it (only a top-level .well-known is served)'));
  });

  test('a top-level .well-known directory is served', () => {
    // GIVEN
    dir.write('site/index.html', 'hi');
    dir.write('site/.well-known/security.txt', 'Contact: mailto:security@example.com\n');
    const { chart, deployment } = deploymentChart();
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(deployment), routes: [Route.staticFiles('/', { directory: dir.path('site') })],
    });
    // THEN
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'ConfigMap', sidecar.staticConfigMap!.name).data).toStrictEqual({
      '1-.well-known_-security.txt': 'Contact: mailto:security@example.com\n',
      '1-index.html': 'hi',
    });
    expect(podTemplate(find(manifests, 'Deployment')).spec.volumes[2].configMap.items).toStrictEqual([
      { key: '1-.well-known_-security.txt', path: '.well-known/security.txt' },
      { key: '1-index.html', path: 'index.html' },
    ]);
  });

  test('a route refused for a hidden file leaves the sidecar as it was', () => {
    // GIVEN
    dir.write('site/.env', 'SECRET=1\n');
    dir.write('site/index.html', 'hi');
    const { chart, deployment } = deploymentChart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) });
    // WHEN
    const site = dir.path('site');
    expect(() => sidecar.addRoute(Route.staticFiles('/', { directory: site })))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") directory ${JSON.stringify(site)} holds the hidden ".env"; `
        + 'remove it (only a top-level .well-known is served)'));
    // THEN
    expect(sidecar.routeList).toStrictEqual([]);
    expect(sidecar.staticConfigMap).toBeUndefined();
    expect(podTemplate(find(Testing.synth(chart), 'Deployment')).spec.volumes.map((v: Manifest) => v.name))
      .toStrictEqual(['nginx-cache', 'nginx-config']);
    // AND without the hidden file the same route is taken as routes[0], with its ConfigMap and volume
    fs.rmSync(dir.path('site/.env'));
    const route = Route.staticFiles('/', { directory: site });
    sidecar.addRoute(route);
    expect(sidecar.routeList).toHaveLength(1);
    expect(sidecar.routeList[0]).toBe(route);
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'ConfigMap', sidecar.staticConfigMap!.name).data).toStrictEqual({ '1-index.html': 'hi' });
    expect(volume(find(manifests, 'Deployment'), 'nginx-static-1').configMap.items).toStrictEqual([{ key: '1-index.html', path: 'index.html' }]);
  });

  test('an error page too large for the ConfigMap surfaces at synthesis', () => {
    // GIVEN
    const page = dir.write('50x.html', 'x'.repeat(1024 * 1024));
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), errorPage: page });
    // WHEN / THEN
    expect(() => Testing.synth(chart)).toThrow(
      /\[test\/proxy\] nginx\.conf and the error page take \d+ bytes, over the ConfigMap limit of 1048576 bytes$/);
  });

  test('a missing error page', () => {
    const missing = dir.path('50x.html');
    expect(() => attach({ errorPage: missing }))
      .toThrow(exactly(`errorPage ${JSON.stringify(missing)} does not exist (resolved to ${missing})`));
  });
});
