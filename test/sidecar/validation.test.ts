import * as fs from 'fs';
import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  ConfigError, Directive, DirectiveContext, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost,
} from '../../lib';
import {
  Manifest, STATEFUL_SET_YAML, TempDir, appDeployment, exactly, find, include, included, podTemplate, rawDeployment,
} from './helpers';

/** A chart with a plus Deployment "test/web" whose `app` container listens on 5000 (named `http`). */
function deploymentChart(): { chart: Chart; deployment: kplus.Deployment } {
  const chart = Testing.chart();
  return { chart, deployment: appDeployment(chart) };
}

/** Attaches a sidecar with `props` to a fresh plus Deployment on 5000. */
function attach(props: Omit<ReverseProxySidecarProps, 'host'>): ReverseProxySidecar {
  const { chart, deployment } = deploymentChart();
  return new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), ...props });
}

let dir: TempDir;
beforeEach(() => { dir = new TempDir(); });
afterEach(() => dir.cleanup());

describe('ports', () => {
  test.each([0, 70000])('port %d is out of range', (port) => {
    expect(() => attach({ port })).toThrow(exactly(`port ${port} must be an integer from 1 to 65535`));
  });

  test('errors are ConfigErrors', () => {
    expect(() => attach({ port: 0 })).toThrow(ConfigError);
  });

  test('port used by the app container', () => {
    // GIVEN an app on 8080
    const chart = Testing.chart();
    const deployment = appDeployment(chart, 'web', 8080);
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) }))
      .toThrow(exactly('port 8080 is already used by container "app" of Deployment "test/web"'));
  });

  test('port used by a container of a raw host', () => {
    // GIVEN
    const chart = Testing.chart();
    const raw = new ApiObject(chart, 'raw', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'a', ports: [{ containerPort: 9000 }] }] } } },
    });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(raw), port: 9000 }))
      .toThrow(exactly('port 9000 is already used by container "app" of Deployment "raw"'));
  });

  test('port name used by the app container', () => {
    // GIVEN an app whose port is named like the sidecar's
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000, name: 'nginx-http' }] }],
    });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) }))
      .toThrow(exactly('portName "nginx-http" is already used by container "app" of Deployment "test/web"'));
  });

  test.each(['HTTP', 'nginx_http', 'a-very-long-port-name', '8080', 'web--http', '-web'])('bad port name %j', (portName) => {
    expect(() => attach({ portName })).toThrow(exactly(`portName ${JSON.stringify(portName)} must be an IANA service name: `
      + 'at most 15 lower-case letters, digits and "-", with a letter'));
  });

  test('appPort equal to the sidecar\'s port', () => {
    expect(() => attach({ appPort: 8080 }))
      .toThrow(exactly('appPort 8080 is the sidecar\'s own port; nginx and the app cannot both listen on it'));
    expect(() => attach({ port: 9000, appPort: 9000 }))
      .toThrow(exactly('appPort 9000 is the sidecar\'s own port; nginx and the app cannot both listen on it'));
  });

  test('appPort out of range', () => {
    expect(() => attach({ appPort: 65536 })).toThrow(exactly('appPort 65536 must be an integer from 1 to 65535'));
  });
});

describe('the app\'s port is needed by proxy routes', () => {
  test('a host with no container ports', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1' }] });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] }))
      .toThrow(exactly('appPort undefined must be set for routes[0] Route.proxy("/"): Deployment "test/web" declares '
        + 'no container ports, so the app\'s port is not known'));
  });

  test('a host with two ports', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }, { number: 5001 }] }],
    });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] }))
      .toThrow(exactly('appPort undefined must be set for routes[0] Route.proxy("/"): Deployment "test/web" declares '
        + 'ports 5000, 5001, so the app\'s port is not known'));
  });

  test('a raw host with two containers, one port each, when the proxy route is added later', () => {
    // GIVEN
    const chart = Testing.chart();
    const raw = new ApiObject(chart, 'raw', {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'raw' },
      spec: { template: { spec: { containers: [
        { name: 'app', image: 'a', ports: [{ containerPort: 9093 }] },
        { name: 'exporter', image: 'b', ports: [{ containerPort: 9100 }] },
      ] } } },
    });
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(raw) });
    // WHEN / THEN
    expect(() => sidecar.addRoute(Route.proxy('/api/')))
      .toThrow(exactly('appPort undefined must be set for routes[0] Route.proxy("/api/"): StatefulSet "raw" declares '
        + 'ports 9093, 9100, so the app\'s port is not known'));
  });

  test('no port is needed without proxy routes', () => {
    // GIVEN
    dir.write('site/index.html', 'hi');
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1' }] });
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(deployment),
      routes: [Route.staticFiles('/', { directory: dir.path('site') })],
    });
    // THEN
    expect(sidecar.renderNginxConf()).not.toMatch(/^\s*(upstream|proxy_pass) /m);
  });
});

describe('route paths', () => {
  test('the same path twice', () => {
    expect(() => attach({ routes: [Route.proxy('/api/'), Route.proxy('/api/')] }))
      .toThrow(exactly('routes[1] Route.proxy("/api/") path "/api/" is already served by Route.proxy("/api/")'));
  });

  test('the same prefix from a static and a proxy route', () => {
    dir.write('site/index.html', 'hi');
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: dir.path('site') }), Route.proxy('/')] }))
      .toThrow(exactly('routes[1] Route.proxy("/") path "/" is already served by Route.staticFiles("/")'));
  });

  test('the same path twice through addRoute', () => {
    // GIVEN
    const sidecar = attach({ routes: [Route.proxy('/')] });
    // WHEN / THEN
    expect(() => sidecar.addRoute(Route.proxy('/')))
      .toThrow(exactly('routes[1] Route.proxy("/") path "/" is already served by Route.proxy("/")'));
  });

  test('an exact file route and a prefix route on the same path do not clash', () => {
    const file = dir.write('x.js', 'x');
    const sidecar = attach({ routes: [Route.proxy('/x.js'), Route.file('/x.js', { path: file })] });
    expect(sidecar.routeList.map(String)).toStrictEqual(['Route.proxy("/x.js")', 'Route.file("/x.js")']);
  });

  test.each(['api/', '=/api', '~/api', '^~/api', '@named'])('path %j must start with "/"', (path) => {
    expect(() => Route.proxy(path)).toThrow(exactly(`Route.proxy(${JSON.stringify(path)}) path ${JSON.stringify(path)} must start with "/"`));
  });

  test.each(['/a;b', '/a{b', '/a}b', '/a b', '/$host', '/a#b', '/a"b', '/a\nb'])('path %j has a character nginx would interpret', (path) => {
    const p = JSON.stringify(path);
    expect(() => Route.proxy(path)).toThrow(exactly(`Route.proxy(${p}) path ${p} may contain only letters, digits and "/._~-"`));
  });

  test.each(['/a/../b', '/..', '/a/./b'])('path %j has a dot segment', (path) => {
    const p = JSON.stringify(path);
    expect(() => Route.proxy(path)).toThrow(exactly(`Route.proxy(${p}) path ${p} must not contain "." or ".." segments`));
  });

  test('empty path', () => {
    expect(() => Route.proxy('')).toThrow(exactly('Route.proxy("") path "" must be a non-empty path starting with "/"'));
  });

  test.each(['/_sidecar/', '/_sidecar/healthz', '/_sidecar'])('reserved path %j', (path) => {
    const p = JSON.stringify(path);
    expect(() => Route.proxy(path)).toThrow(exactly(`Route.proxy(${p}) path ${p} is reserved for the sidecar (/_sidecar/)`));
  });

  test('the same checks for static and file routes', () => {
    expect(() => Route.staticFiles('/_sidecar/', { directory: 'x' }))
      .toThrow(exactly('Route.staticFiles("/_sidecar/") path "/_sidecar/" is reserved for the sidecar (/_sidecar/)'));
    expect(() => Route.file('/a;b', { path: 'x' }))
      .toThrow(exactly('Route.file("/a;b") path "/a;b" may contain only letters, digits and "/._~-"'));
  });

  test('a static route\'s path must end with "/"', () => {
    expect(() => Route.staticFiles('/www', { directory: 'x' }))
      .toThrow(exactly('Route.staticFiles("/www") path "/www" must end with "/" (it names a directory)'));
  });

  test('a file route\'s path must not end with "/"', () => {
    expect(() => Route.file('/x/', { path: 'x' })).toThrow(exactly('Route.file("/x/") path "/x/" must name a file, not end with "/"'));
  });

  test('stripPrefix needs a path ending with "/"', () => {
    expect(() => Route.proxy('/api', { stripPrefix: true }))
      .toThrow(exactly('Route.proxy("/api") path "/api" must end with "/" when stripPrefix is set (else "/apix" would reach the app as "/x")'));
  });
});

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

  test('more than 1 MiB of static content in one file', () => {
    // GIVEN a 1.1 MiB file
    const bytes = Math.ceil(1.1 * 1024 * 1024);
    const big = dir.write('site/big.txt', 'a'.repeat(bytes));
    // WHEN / THEN: counted as key ("1-big.txt") plus value
    expect(() => attach({ routes: [Route.staticFiles('/', { directory: dir.path('site') })] }))
      .toThrow(exactly(`routes[0] Route.staticFiles("/") ${JSON.stringify(big)} brings the static ConfigMap to ${bytes + 9} bytes, `
        + 'over the Kubernetes limit of 1048576 bytes (1 MiB); serve large assets from the app or an image'));
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
    expect(() => sidecar.addRoute(Route.file('/big.bin', { path: big }))).toThrow(/brings the static ConfigMap to \d+ bytes/);
    // THEN none of it is in the ConfigMap, nginx.conf or the pod, and the next route still works
    sidecar.addRoute(Route.file('/next.txt', { path: small }));
    const staticMap = Testing.synth(chart).find((o: any) => o.kind === 'ConfigMap' && o.metadata.name.includes('static'));
    expect(Object.keys(staticMap.data)).toEqual(['1-small.txt', '2-next.txt']);
    expect(staticMap.binaryData).toBeUndefined();
    expect(sidecar.renderNginxConf()).not.toContain('/big.bin');
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
    expect(() => sidecar.addRoute(Route.staticFiles('/', { directory: dir.path('site') }))).toThrow(/holds the hidden "\.env"/);
    // THEN
    expect(sidecar.routeList).toStrictEqual([]);
    expect(sidecar.staticConfigMap).toBeUndefined();
    expect(podTemplate(find(Testing.synth(chart), 'Deployment')).spec.volumes.map((v: Manifest) => v.name))
      .toStrictEqual(['nginx-cache', 'nginx-config']);
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

describe('sizes', () => {
  test('volumeSizeLimit equal to the cache\'s maxSize', () => {
    expect(() => attach({ volumeSizeLimit: Size.mebibytes(64) }))
      .toThrow(exactly('volumeSizeLimit "64Mi" must exceed cache.maxSize (64Mi): the cache and temp files share the emptyDir'));
  });

  test('volumeSizeLimit below a larger cache', () => {
    expect(() => attach({ cache: { maxSize: Size.gibibytes(1) }, volumeSizeLimit: Size.mebibytes(512) }))
      .toThrow(exactly('volumeSizeLimit "512Mi" must exceed cache.maxSize (1024Mi): the cache and temp files share the emptyDir'));
  });

  test('volumeSizeLimit just above the cache is accepted', () => {
    expect(() => attach({ volumeSizeLimit: Size.mebibytes(65) })).not.toThrow();
  });

  test('nginxConf that is blank', () => {
    expect(() => attach({ nginxConf: ' \n' })).toThrow(exactly('nginxConf " \\n" is empty'));
  });
});

describe('headers and cookies', () => {
  test('a response header name with a space', () => {
    expect(() => attach({ responseHeaders: { 'X Bad': 'v' } }))
      .toThrow(exactly('responseHeaders header name "X Bad" is not a valid header name (RFC 7230 token characters only)'));
  });

  test('a route header name with a colon', () => {
    expect(() => Route.proxy('/', { headers: { 'X-A:': 'v' } }))
      .toThrow(exactly('Route.proxy("/") header name "X-A:" is not a valid header name (RFC 7230 token characters only)'));
  });

  test.each(['a\r\nSet-Cookie: x=1', 'a\nb', 'a\rb'])('a header value with CR/LF %j', (value) => {
    expect(() => attach({ responseHeaders: { 'X-A': value } }))
      .toThrow(exactly(`responseHeaders header "X-A" ${JSON.stringify(value)} must not contain control characters (CR, LF, tab, ...)`));
  });

  test('a header value with "$"', () => {
    expect(() => Route.proxy('/', { headers: { 'X-A': 'v$host' } }))
      .toThrow(exactly('Route.proxy("/") header "X-A" "v$host" must not contain "$" (nginx would read it as a variable)'));
  });

  test('a header value with a backslash', () => {
    expect(() => attach({ responseHeaders: { 'X-A': 'a\\nb' } }))
      .toThrow(exactly('responseHeaders header "X-A" "a\\\\nb" must not contain a backslash'));
  });

  test('a static route header with a newline', () => {
    expect(() => Route.staticFiles('/', { directory: 'x', headers: { 'Cache-Control': 'no-cache\n' } }))
      .toThrow(exactly('Route.staticFiles("/") header "Cache-Control" "no-cache\\n" must not contain control characters (CR, LF, tab, ...)'));
  });

  test.each(['session;x', 'a b', 'a|b', '(a)', 'a=b'])('a private cookie name %j', (name) => {
    expect(() => attach({ cache: { privateCookies: [name] } }))
      .toThrow(exactly(`cache.privateCookies ${JSON.stringify(name)} may contain only letters, digits and "._-"`));
  });

  test('private cookie names with "-" and "." are accepted and matched in the Cookie header', () => {
    // GIVEN / WHEN
    const sidecar = attach({
      cache: { privateCookies: ['session-id', 'connect.sid'] },
      routes: [Route.proxy('/', { cache: {} })],
    });
    // THEN
    const conf = sidecar.renderNginxConf();
    expect(conf).toContain('"~(^|;\\s*)session-id=" 1;');
    expect(conf).toContain('"~(^|;\\s*)connect\\.sid=" 1;');
    expect(conf).toContain('map "$http_authorization$sidecar_private_cookie" $sidecar_private {');
    expect(conf).not.toContain('$cookie_');
  });

  test.each([
    'Connection', 'Content-Encoding', 'Content-Length', 'Keep-Alive', 'Proxy-Connection', 'TE', 'Trailer',
    'Transfer-Encoding', 'Upgrade',
  ])('a response header nginx sets itself: %s', (name) => {
    expect(() => attach({ responseHeaders: { [name]: 'x' } })).toThrow(exactly(`responseHeaders header name ${JSON.stringify(name)} `
      + 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses'));
  });

  test('a route header nginx sets itself, in any case', () => {
    expect(() => Route.file('/x.js', { path: 'x', headers: { 'content-length': '0' } }))
      .toThrow(exactly('Route.file("/x.js") header name "content-length" '
        + 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses'));
    expect(() => Route.proxy('/', { headers: { 'TRANSFER-ENCODING': 'chunked' } }))
      .toThrow(exactly('Route.proxy("/") header name "TRANSFER-ENCODING" '
        + 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses'));
  });

  test('a header value outside printable ASCII', () => {
    expect(() => attach({ responseHeaders: { 'X-Team': 'Café' } }))
      .toThrow(exactly('responseHeaders header "X-Team" "Café" must be printable ASCII'));
    expect(() => Route.staticFiles('/', { directory: 'x', headers: { 'X-A': 'a\u00a0' } }))
      .toThrow(exactly('Route.staticFiles("/") header "X-A" "a\u00a0" must be printable ASCII'));
  });
});

describe('gzip', () => {
  test('an already-compressed image type', () => {
    expect(() => attach({ gzip: { types: ['text/css', 'image/png'] } }))
      .toThrow(exactly('gzip.types "image/png" is an already-compressed image type; gzip only costs CPU for it'));
  });

  test.each([0, 10])('level %d', (level) => {
    expect(() => attach({ gzip: { level } })).toThrow(exactly(`gzip.level ${level} must be an integer from 1 to 9`));
  });

  test.each(['Text/css', 'text/CSS', 'text/css; charset=utf-8', 'text/*', 'javascript', 'image/PNG'])('a type %j that is not a MIME type', (type) => {
    expect(() => attach({ gzip: { types: ['text/css', type] } }))
      .toThrow(exactly(`gzip.types ${JSON.stringify(type)} is not a MIME type (lower-case type/subtype)`));
  });

  test('MIME types with "+", "." and "-" are accepted', () => {
    const sidecar = attach({ gzip: { types: ['application/vnd.api+json', 'application/x-ndjson', 'image/svg+xml'] } });
    expect(sidecar.renderNginxConf()).toContain('gzip_types application/vnd.api+json application/x-ndjson image/svg+xml;');
  });

  test('a disabled gzip is not checked', () => {
    expect(() => attach({ gzip: { enabled: false, level: 0 } })).not.toThrow();
  });
});

describe('hosts', () => {
  test.each([
    ['Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } }],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'svc' }, data: { a: 'b' } }],
    ['Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'svc' }, spec: { template: { spec: {} } } }],
  ])('a raw %s without a pod template with containers', (kind, props) => {
    const chart = Testing.chart();
    const obj = new ApiObject(chart, 'obj', props);
    expect(() => SidecarHost.fromApiObject(obj))
      .toThrow(exactly(`SidecarHost.fromApiObject "${kind}/svc" has no pod template with containers `
        + '(expected a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod)'));
  });

  test('a second sidecar on the same plus workload', () => {
    // GIVEN
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) });
    // WHEN / THEN: even with names that would not clash
    expect(() => new ReverseProxySidecar(chart, 'proxy2', {
      host: SidecarHost.fromWorkload(deployment), containerName: 'nginx2', port: 8081, portName: 'nginx2-http',
    })).toThrow(exactly('host Deployment "test/web" already has a ReverseProxySidecar (test/proxy); attach one per workload'));
  });

  test('a second sidecar on the same Include\'d object, through another host wrapper', () => {
    // GIVEN
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, STATEFUL_SET_YAML), 'StatefulSet', 'am');
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet) });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy2', { host: SidecarHost.fromApiObject(statefulSet), containerName: 'nginx2' }))
      .toThrow(exactly('host StatefulSet "am" already has a ReverseProxySidecar (test/proxy); attach one per workload'));
  });

  test('a sidecar whose construction failed leaves the host free for a corrected one', () => {
    // GIVEN a first attempt that fails on its port
    const { chart, deployment } = deploymentChart();
    expect(() => new ReverseProxySidecar(chart, 'bad', { host: SidecarHost.fromWorkload(deployment), port: 5000 }))
      .toThrow(/^port 5000 is already used by container/);
    // WHEN / THEN a corrected one attaches
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) });
    expect(sidecar.port).toBe(8080);
  });

  test('a containerName that is already a container of the host', () => {
    expect(() => attach({ containerName: 'app' })).toThrow(exactly('containerName "app" is already a container of Deployment "test/web"'));
    const chart = Testing.chart();
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(rawDeployment(chart)), containerName: 'app' }))
      .toThrow(exactly('containerName "app" is already a container of Deployment "raw"'));
  });

  test('a containerName that is not a DNS label', () => {
    expect(() => attach({ containerName: 'Nginx' }))
      .toThrow(exactly('containerName "Nginx" must be a DNS label of at most 40 characters (lower-case letters, digits, "-")'));
  });

  test('a host volume that starts with the sidecar\'s volume prefix', () => {
    // GIVEN
    const { chart, deployment } = deploymentChart();
    deployment.addVolume(kplus.Volume.fromEmptyDir(chart, 'v', 'nginx-cache'));
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) }))
      .toThrow(exactly('containerName "nginx" prefixes the sidecar\'s volume names, and Deployment "test/web" already has a volume "nginx-cache"'));
  });
});

describe('directives', () => {
  test.each(['location', 'server', 'if', 'upstream'])('block directive %s', (name) => {
    expect(() => Directive.of(name, '/x')).toThrow(exactly(`Directive name "${name}" opens a block; only simple directives can be added`));
  });

  test.each(['Proxy_buffer_size', 'proxy-buffer-size', 'a;b', '', 'add_header;'])('bad directive name %j', (name) => {
    expect(() => Directive.of(name)).toThrow(exactly(`Directive name ${JSON.stringify(name)} is not a directive name (lower-case letters, digits and "_")`));
  });

  test('a CR in an argument', () => {
    expect(() => Directive.of('add_header', 'X-A', 'a\rb'))
      .toThrow(exactly('Directive "add_header" argument 2 "a\\rb" must not contain control characters (CR, LF, tab, ...)'));
  });

  test('a backslash in an argument', () => {
    expect(() => Directive.of('add_header', 'X-A\\n'))
      .toThrow(exactly('Directive "add_header" argument 1 "X-A\\\\n" must not contain a backslash'));
  });

  test.each([DirectiveContext.HTTP, DirectiveContext.SERVER])('add_header at %s level', (context) => {
    const sidecar = attach({ routes: [Route.proxy('/')] });
    expect(() => sidecar.addDirective(context, Directive.of('add_header', 'X-A', 'b', 'always')))
      .toThrow(exactly(`addDirective(${context}) "add_header" would be ignored in every location; use responseHeaders or a route's headers`));
  });

  test.each([DirectiveContext.HTTP, DirectiveContext.SERVER])('proxy_set_header at %s level', (context) => {
    const sidecar = attach({ routes: [Route.proxy('/')] });
    expect(() => sidecar.addDirective(context, Directive.of('proxy_set_header', 'X-A', 'b')))
      .toThrow(exactly(`addDirective(${context}) "proxy_set_header" would be ignored in every location; use a route's directives`));
  });

  test('a refused directive leaves nginx.conf as it was', () => {
    // GIVEN
    const sidecar = attach({ routes: [Route.proxy('/')] });
    const before = sidecar.renderNginxConf();
    // WHEN
    expect(() => sidecar.addDirective(DirectiveContext.SERVER, Directive.of('add_header', 'X-A', 'b'))).toThrow(ConfigError);
    expect(() => sidecar.addDirective(DirectiveContext.HTTP, Directive.of('proxy_set_header', 'X-A', 'b'))).toThrow(ConfigError);
    // THEN
    expect(sidecar.renderNginxConf()).toBe(before);
    expect(before).not.toContain('X-A');
  });

  test('add_header and proxy_set_header are still accepted as a route\'s directives', () => {
    // GIVEN / WHEN
    const sidecar = attach({
      routes: [Route.proxy('/', { directives: [Directive.of('add_header', 'X-A', 'b'), Directive.of('proxy_set_header', 'X-B', 'c')] })],
    });
    // THEN
    const lines = sidecar.renderNginxConf().split('\n').map((l) => l.trim());
    expect(lines).toContain('add_header X-A b;');
    expect(lines).toContain('proxy_set_header X-B c;');
  });

  test('other directives are still accepted at http and server level', () => {
    // GIVEN
    const sidecar = attach({ routes: [Route.proxy('/')] });
    // WHEN
    sidecar.addDirective(DirectiveContext.HTTP, Directive.of('map_hash_bucket_size', '128'));
    sidecar.addDirective(DirectiveContext.SERVER, Directive.of('keepalive_requests', '500'));
    // THEN
    const lines = sidecar.renderNginxConf().split('\n').map((l) => l.trim());
    expect(lines).toContain('map_hash_bucket_size 128;');
    expect(lines).toContain('keepalive_requests 500;');
  });
});

describe('drainDelay and the host\'s terminationGracePeriodSeconds', () => {
  /** The preStop script's leading sleep, for the one nginx container of the synthesized `kind`. */
  function drainOf(chart: Chart, kind: string): string {
    const nginx = podTemplate(find(Testing.synth(chart), kind)).spec.containers.find((c: Manifest) => c.name === 'nginx');
    return nginx.lifecycle.preStop.exec.command[2].split(';')[0];
  }

  /** STATEFUL_SET_YAML with `terminationGracePeriodSeconds` set on its pod template. */
  function statefulSetWithGrace(seconds: number): string {
    const yaml = STATEFUL_SET_YAML.replace('    spec:\n      containers:', `    spec:\n      terminationGracePeriodSeconds: ${seconds}\n      containers:`);
    expect(yaml).not.toBe(STATEFUL_SET_YAML);
    return yaml;
  }

  test('more than the default grace period of 30 s less 5 s, on a plus Deployment', () => {
    expect(() => attach({ drainDelay: Duration.seconds(26) })).toThrow(exactly('drainDelay "26s" leaves less than 5s of '
      + 'Deployment "test/web"\'s terminationGracePeriodSeconds (30) for the requests in flight; shorten it or raise the grace period'));
  });

  test('exactly 5 s left of the default grace period is accepted', () => {
    const sidecar = attach({ drainDelay: Duration.seconds(25) });
    expect(drainOf(Chart.of(sidecar), 'Deployment')).toBe('sleep 25');
  });

  test('a plus Deployment with a longer terminationGracePeriod allows a longer drain', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }], terminationGracePeriod: Duration.seconds(60),
    });
    // WHEN
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), drainDelay: Duration.seconds(30) });
    // THEN
    expect(drainOf(chart, 'Deployment')).toBe('sleep 30');
  });

  test('a plus Deployment with a longer terminationGracePeriod still needs 5 s of it', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }], terminationGracePeriod: Duration.seconds(60),
    });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), drainDelay: Duration.seconds(56) }))
      .toThrow(exactly('drainDelay "56s" leaves less than 5s of Deployment "test/web"\'s terminationGracePeriodSeconds (60) '
        + 'for the requests in flight; shorten it or raise the grace period'));
  });

  test('an Include\'d object whose pod template sets terminationGracePeriodSeconds', () => {
    // GIVEN a StatefulSet with 10 s
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, statefulSetWithGrace(10)), 'StatefulSet', 'am');
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet), drainDelay: Duration.seconds(6) }))
      .toThrow(exactly('drainDelay "6s" leaves less than 5s of StatefulSet "am"\'s terminationGracePeriodSeconds (10) '
        + 'for the requests in flight; shorten it or raise the grace period'));
    // AND the default drain of 5 s fits, on the host the failed attempt left free
    new ReverseProxySidecar(chart, 'proxy2', { host: SidecarHost.fromApiObject(statefulSet) });
    expect(drainOf(chart, 'StatefulSet')).toBe('sleep 5');
  });

  test('the default drain of 5 s on an Include\'d object with a grace period under 10 s', () => {
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, statefulSetWithGrace(8)), 'StatefulSet', 'am');
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet) }))
      .toThrow(exactly('drainDelay "5s" leaves less than 5s of StatefulSet "am"\'s terminationGracePeriodSeconds (8) '
        + 'for the requests in flight; shorten it or raise the grace period'));
  });

  test('an Include\'d object with a longer grace period allows a longer drain', () => {
    // GIVEN
    const chart = Testing.chart();
    const statefulSet = included(include(chart, dir, statefulSetWithGrace(120)), 'StatefulSet', 'am');
    // WHEN
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(statefulSet), drainDelay: Duration.seconds(60) });
    // THEN
    expect(drainOf(chart, 'StatefulSet')).toBe('sleep 60');
  });

  test('a raw object without terminationGracePeriodSeconds gets the default of 30 s', () => {
    const chart = Testing.chart();
    expect(() => new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromApiObject(rawDeployment(chart)), drainDelay: Duration.seconds(26),
    })).toThrow(exactly('drainDelay "26s" leaves less than 5s of Deployment "raw"\'s terminationGracePeriodSeconds (30) '
      + 'for the requests in flight; shorten it or raise the grace period'));
  });
});

describe('retargetService', () => {
  test('on an object that is not a Service', () => {
    // GIVEN
    const sidecar = attach({ routes: [Route.proxy('/')] });
    const chart = Chart.of(sidecar);
    const configMap = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
    // WHEN / THEN
    expect(() => sidecar.retargetService(configMap)).toThrow(exactly('retargetService(ConfigMap "cm") "ConfigMap" is not a Service'));
  });

  test('from a port the Service does not have', () => {
    // GIVEN
    const chart = Testing.chart();
    const inc = include(chart, dir, STATEFUL_SET_YAML);
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromApiObject(included(inc, 'StatefulSet', 'am')), routes: [Route.proxy('/')],
    });
    // WHEN / THEN
    expect(() => sidecar.retargetService(included(inc, 'Service', 'am'), { fromPort: 9094 }))
      .toThrow(exactly('retargetService(Service "am") fromPort 9094 is not a port of the Service (it has: 9093 (http))'));
  });
});

describe('rules checked at synthesis', () => {
  test('a container added to the plus workload afterwards that uses the sidecar\'s port', () => {
    // GIVEN
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] });
    // WHEN
    deployment.addContainer({ name: 'late', image: 'late:1', ports: [{ number: 8080 }] });
    // THEN
    expect(() => Testing.synth(chart)).toThrow(exactly('Validation failed with the following errors:\n'
      + '  [test/proxy] port 8080 is already used by container "late" of Deployment "test/web"'));
  });

  test('a container added afterwards whose port has the sidecar\'s port name', () => {
    // GIVEN
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) });
    // WHEN
    deployment.addContainer({ name: 'late', image: 'late:1', ports: [{ number: 9000, name: 'nginx-http' }] });
    // THEN
    expect(() => Testing.synth(chart)).toThrow(exactly('Validation failed with the following errors:\n'
      + '  [test/proxy] portName "nginx-http" is already used by container "late" of Deployment "test/web"'));
  });

  test('without later changes, synthesis succeeds', () => {
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] });
    // only nginx.conf's ConfigMap: nothing is static
    expect(Testing.synth(chart).map((m) => m.kind)).toStrictEqual(['Deployment', 'ConfigMap']);
  });
});
