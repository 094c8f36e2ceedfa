/**
 * The bad-input catalogue, part 1: ports, paths, route combinations, files and directories, sizes,
 * durations, and the traffic options (request headers, body size, buffering, WebSockets, the log).
 * Part 2 (bad-input-catalogue-hosts.test.ts): headers, directives, the container, hosts and
 * Service retargeting. How a row runs: see catalogue-harness.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AccessLogFormat, Directive, Route, SidecarHost } from '../../lib';
import { STATEFUL_SET_YAML, appDeployment } from '../sidecar/helpers';
import { Catalogue, attach, atSynth, later, mkdir, proxy, sidecar, statefulSet, runCatalogue, synthError } from './catalogue-harness';

const q = JSON.stringify;
const PATH_CHARS = 'may contain only letters, digits and "/._~-"';
const TOO_BIG = 'over the Kubernetes limit of 1048576 bytes (1 MiB); serve large assets from the app or an image';
const GRACE = 'for the requests in flight; shorten it or raise the grace period';

const CATALOGUE: Catalogue = {
  'ports': [
    { name: 'port 0', build: attach(() => ({ port: 0 })), message: 'port 0 must be an integer from 1 to 65535' },
    { name: 'port 65536', build: attach(() => ({ port: 65536 })), message: 'port 65536 must be an integer from 1 to 65535' },
    { name: 'a non-integer port', build: attach(() => ({ port: 8080.5 })), message: 'port 8080.5 must be an integer from 1 to 65535' },
    { name: 'appPort 0', build: attach(() => ({ appPort: 0 })), message: 'appPort 0 must be an integer from 1 to 65535' },
    {
      name: 'appPort equal to the sidecar\'s port', build: attach(() => ({ port: 9000, appPort: 9000 })),
      message: 'appPort 9000 is the sidecar\'s own port; nginx and the app cannot both listen on it',
    },
    {
      name: 'the sidecar\'s port already a container port of the app',
      build: attach(() => ({}), (c) => SidecarHost.fromWorkload(appDeployment(c.chart, 'web', 8080))),
      message: 'port 8080 is already used by container "app" of Deployment "test/web"',
    },
    {
      name: 'the sidecar\'s port already a container port of an Include\'d StatefulSet',
      build: attach(() => ({ port: 9093 }), (c) => SidecarHost.fromApiObject(statefulSet(c))),
      message: 'port 9093 is already used by container "app" of StatefulSet "am"',
    },
    {
      name: 'a portName the app\'s port already has', build: attach(() => ({ portName: 'http' })),
      message: 'portName "http" is already used by container "app" of Deployment "test/web"',
    },
    {
      name: 'a portName that is not an IANA service name', build: attach(() => ({ portName: 'nginx_http' })),
      message: 'portName "nginx_http" must be an IANA service name: at most 15 lower-case letters, digits and "-", with a letter',
    },
    {
      name: 'a proxy route on a host with two ports and no appPort',
      build: (c) => {
        const web = new kplus.Deployment(c.chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }, { number: 5001 }] }] });
        const s = sidecar(c, {}, SidecarHost.fromWorkload(web));
        return () => s.addRoute(Route.proxy('/api/'));
      },
      message: 'appPort undefined must be set for routes[0] Route.proxy("/api/"): Deployment "test/web" declares ports 5000, 5001, '
        + 'so the app\'s port is not known',
    },
    {
      name: 'a container added later on the sidecar\'s port (at synthesis)',
      build: (c) => {
        const web = appDeployment(c.chart);
        sidecar(c, proxy('/')(), SidecarHost.fromWorkload(web));
        web.addContainer({ name: 'metrics', image: 'metrics:1', ports: [{ number: 8080 }] });
      },
      message: synthError('port 8080 is already used by container "metrics" of Deployment "test/web"'),
    },
  ],
  'paths': [
    { name: 'no leading "/"', build: attach(proxy('api/')), message: 'Route.proxy("api/") path "api/" must start with "/"' },
    { name: 'a location modifier', build: attach(proxy('~/api')), message: 'Route.proxy("~/api") path "~/api" must start with "/"' },
    { name: 'an empty path', build: attach(proxy('')), message: 'Route.proxy("") path "" must be a non-empty path starting with "/"' },
    { name: 'a ".." segment', build: attach(proxy('/a/../b')), message: 'Route.proxy("/a/../b") path "/a/../b" must not contain "." or ".." segments' },
    { name: '"//"', build: attach(proxy('/a//b')), message: 'Route.proxy("/a//b") path "/a//b" must not contain "//"' },
    { name: 'a space', build: attach(proxy('/a b')), message: `Route.proxy("/a b") path "/a b" ${PATH_CHARS}` },
    { name: 'a ";"', build: attach(proxy('/a;b')), message: `Route.proxy("/a;b") path "/a;b" ${PATH_CHARS}` },
    { name: 'a "{"', build: attach(proxy('/a{')), message: `Route.proxy("/a{") path "/a{" ${PATH_CHARS}` },
    { name: 'a "$"', build: attach(proxy('/$host')), message: `Route.proxy("/$host") path "/$host" ${PATH_CHARS}` },
    {
      name: 'CR/LF', build: attach(() => ({ routes: [Route.file('/a\r\nb', { path: 'x' })] })),
      message: `Route.file("/a\\r\\nb") path "/a\\r\\nb" ${PATH_CHARS}`,
    },
    {
      name: 'the reserved /_sidecar/', build: attach(() => ({ routes: [Route.staticFiles('/_sidecar/', { directory: 'x' })] })),
      message: 'Route.staticFiles("/_sidecar/") path "/_sidecar/" is reserved for the sidecar (/_sidecar/)',
    },
  ],
  'route combinations': [
    {
      name: 'the same path twice', build: attach(() => ({ routes: [Route.proxy('/api/'), Route.proxy('/api/')] })),
      message: 'routes[1] Route.proxy("/api/") path "/api/" is already served by Route.proxy("/api/")',
    },
    {
      name: 'a proxy route added on a static route\'s path',
      build: later((c) => ({ routes: [Route.staticFiles('/', { directory: path.dirname(c.dir.write('site/index.html', 'hi')) })] }),
        (s) => s.addRoute(Route.proxy('/'))),
      message: 'routes[1] Route.proxy("/") path "/" is already served by Route.staticFiles("/")',
    },
    {
      name: 'stripPrefix on a path without a trailing "/"', build: attach(proxy('/api', { stripPrefix: true })),
      message: 'Route.proxy("/api") path "/api" must end with "/" when stripPrefix is set (else "/apix" would reach the app as "/x")',
    },
    {
      name: 'a static route whose first segment starts with ".."', build: attach(() => ({ routes: [Route.staticFiles('/..a/', { directory: 'x' })] })),
      message: 'Route.staticFiles("/..a/") path "/..a/" must not start with "/.." (its files\' volume paths would start with "..", which Kubernetes refuses)',
    },
    {
      name: 'a path over 1024 bytes', build: attach(() => ({ routes: [Route.proxy(`/${'a'.repeat(1024)}`)] })),
      message: `Route.proxy("/${'a'.repeat(1024)}") path "/${'a'.repeat(1024)}" is 1025 bytes long; 1024 bytes is the most one nginx.conf token may safely hold`,
    },
    {
      name: 'a static route on a path without a trailing "/"', build: attach(() => ({ routes: [Route.staticFiles('/www', { directory: 'x' })] })),
      message: 'Route.staticFiles("/www") path "/www" must end with "/" (it names a directory)',
    },
    {
      name: 'a file route on a path with a trailing "/"', build: attach(() => ({ routes: [Route.file('/x/', { path: 'x' })] })),
      message: 'Route.file("/x/") path "/x/" must name a file, not end with "/"',
    },
    {
      name: 'an index that is not a file name', build: attach(() => ({ routes: [Route.staticFiles('/', { directory: 'x', index: '../index.html' })] })),
      message: 'Route.staticFiles("/") index "../index.html" must be a file name of at most 255 letters, digits and "._-"',
    },
    {
      name: 'spaFallback on a directory without its index',
      build: attach((c) => ({ routes: [Route.staticFiles('/', { directory: path.dirname(c.dir.write('site/app.html', 'hi')), spaFallback: true })] })),
      message: (c) => `routes[0] Route.staticFiles("/") index "index.html" is not a file at the top of directory ${q(c.dir.path('site'))}; `
        + 'spaFallback would answer unknown paths with a redirect loop (500)',
    },
    {
      name: 'a static route without a directory', build: attach(() => ({ routes: [Route.staticFiles('/', { directory: '' })] })),
      message: 'Route.staticFiles("/") directory "" must name a local directory',
    },
    {
      name: 'a file route without a local path', build: attach(() => ({ routes: [Route.file('/x.js', { path: '' })] })),
      message: 'Route.file("/x.js") options.path "" must name a local file',
    },
  ],
  'files and directories': [
    {
      name: 'a file route given a directory', build: attach((c) => ({ routes: [Route.file('/x', { path: c.dir.root })] })),
      message: (c) => `routes[0] Route.file("/x") path ${q(c.dir.root)} is not a regular file`,
    },
    {
      name: 'a static route on a missing directory', build: attach((c) => ({ routes: [Route.staticFiles('/', { directory: c.dir.path('nope') })] })),
      message: (c) => `routes[0] Route.staticFiles("/") directory ${q(c.dir.path('nope'))} does not exist (resolved to ${c.dir.path('nope')})`,
    },
    {
      name: 'a static route on a file', build: attach((c) => ({ routes: [Route.staticFiles('/', { directory: c.dir.write('f.txt', 'x') })] })),
      message: (c) => `routes[0] Route.staticFiles("/") directory ${q(c.dir.path('f.txt'))} is not a directory`,
    },
    {
      name: 'a static route on an empty directory',
      build: attach((c) => ({ routes: [Route.staticFiles('/', { directory: mkdir(c, 'empty') })] })),
      message: (c) => `routes[0] Route.staticFiles("/") directory ${q(c.dir.path('empty'))} holds no files`,
    },
    {
      name: 'a hidden file', build: attach((c) => ({ routes: [Route.staticFiles('/', { directory: path.dirname(c.dir.write('site/.env', 'K=1')) })] })),
      message: (c) => `routes[0] Route.staticFiles("/") directory ${q(c.dir.path('site'))} holds the hidden ".env"; `
        + 'remove it (only a top-level .well-known is served)',
    },
    {
      name: 'a file name with a space', build: attach((c) => ({ routes: [Route.staticFiles('/', { directory: path.dirname(c.dir.write('site/a b.html', 'x')) })] })),
      message: (c) => `routes[0] Route.staticFiles("/") directory ${q(c.dir.path('site'))} holds "a b.html", whose name may contain only letters, digits and "._-"`,
    },
    {
      name: 'a link that leaves the directory',
      build: attach((c) => {
        fs.symlinkSync(c.dir.write('secret.txt', 'x'), path.join(mkdir(c, 'site'), 'link.txt'));
        return { routes: [Route.staticFiles('/', { directory: c.dir.path('site') })] };
      }),
      message: (c) => `routes[0] Route.staticFiles("/") directory ${q(c.dir.path('site'))} holds "link.txt", a link that leaves the directory`,
    },
    {
      name: 'a file over 1 MiB', build: attach((c) => ({ routes: [Route.file('/big.txt', { path: c.dir.write('big.txt', 'a'.repeat(1024 * 1024)) })] })),
      message: (c) => `routes[0] Route.file("/big.txt") ${q(c.dir.path('big.txt'))} brings the static ConfigMap to ${1024 * 1024 + '1-big.txt'.length} bytes, ${TOO_BIG}`,
    },
    {
      name: 'static files over 1 MiB across routes, through addRoute',
      build: later((c) => ({ routes: [Route.file('/a.bin', { path: c.dir.write('a.bin', Buffer.alloc(600 * 1024, 0xff)) })] }),
        (s, c) => s.addRoute(Route.file('/b.bin', { path: c.dir.write('b.bin', Buffer.alloc(600 * 1024, 0xff)) }))),
      message: (c) => `routes[1] Route.file("/b.bin") ${q(c.dir.path('b.bin'))} brings the static ConfigMap to ${2 * (600 * 1024 + 7)} bytes, ${TOO_BIG}`,
    },
    {
      name: 'a missing error page', build: attach((c) => ({ errorPage: c.dir.path('50x.html') })),
      message: (c) => `errorPage ${q(c.dir.path('50x.html'))} does not exist (resolved to ${c.dir.path('50x.html')})`,
    },
    {
      name: 'an error page that is a directory', build: attach((c) => ({ errorPage: c.dir.root })),
      message: (c) => `errorPage ${q(c.dir.root)} is not a regular file`,
    },
    {
      name: 'an error page that takes the config ConfigMap over 1 MiB (at synthesis)',
      build: atSynth((c) => ({ errorPage: c.dir.write('50x.html', 'x'.repeat(1024 * 1024)) })),
      message: (c) => synthError(`nginx.conf and the error page take ${'nginx.conf'.length + Buffer.byteLength(c.sidecar!.renderNginxConf())
        + '50x.html'.length + 1024 * 1024} bytes, over the ConfigMap limit of 1048576 bytes`),
    },
  ],
  'sizes': [
    { name: 'a zero cache', build: attach(() => ({ cache: { maxSize: Size.mebibytes(0) } })), message: 'cache.maxSize "0Mi" must be a whole number of KiB, at least 1Ki' },
    {
      name: 'a cache keys zone over half the memory limit', build: attach(() => ({ cache: { keys: 600_000 } })),
      message: 'cache.keys 600000 needs a 75Mi keys zone, over half of resources.memoryLimit (128Mi); raise the limit or keep fewer keys',
    },
    {
      name: 'a cache larger than its volume', build: attach(() => ({ cache: { maxSize: Size.gibibytes(1) }, volumeSizeLimit: Size.mebibytes(512) })),
      message: 'volumeSizeLimit "512Mi" must exceed cache.maxSize (1024Mi): the cache and temp files share the emptyDir',
    },
    {
      name: 'a volume not in whole MiB', build: attach(() => ({ volumeSizeLimit: Size.kibibytes(100000) })),
      message: 'volumeSizeLimit "100000Ki" must be a whole number of MiB',
    },
    { name: 'a zero body size', build: attach(() => ({ clientMaxBodySize: Size.mebibytes(0) })), message: 'clientMaxBodySize "0Mi" must be a whole number of KiB, at least 1Ki' },
    { name: 'half a KiB', build: attach(() => ({ gzip: { minLength: Size.kibibytes(0.5) } })), message: 'gzip.minLength "0.5Ki" must be a whole number of KiB, at least 1Ki' },
    { name: 'zero cache keys', build: attach(() => ({ cache: { keys: 0 } })), message: 'cache.keys 0 must be an integer from 1 to 80000000' },
    { name: 'too few worker connections', build: attach(() => ({ workerConnections: 8 })), message: 'workerConnections 8 must be an integer from 16 to 65535' },
    { name: 'no upstream keepalive', build: attach(() => ({ upstreamKeepalive: 0 })), message: 'upstreamKeepalive 0 must be an integer from 1 to 1024' },
    { name: 'gzip level 10', build: attach(() => ({ gzip: { level: 10 } })), message: 'gzip.level 10 must be an integer from 1 to 9' },
  ],
  'durations': [
    {
      name: 'a zero connect timeout', build: attach(proxy('/', { connectTimeout: Duration.seconds(0) })),
      message: 'Route.proxy("/") connectTimeout "0 seconds" must be a whole number of milliseconds, at least 1ms',
    },
    {
      name: 'half a millisecond read timeout', build: attach(proxy('/', { readTimeout: Duration.millis(0.5) })),
      message: 'Route.proxy("/") readTimeout "0.5 millis" must be a whole number of milliseconds, at least 1ms',
    },
    {
      name: 'a zero cache validity', build: attach(proxy('/', { cache: { validFor: Duration.seconds(0) } })),
      message: 'Route.proxy("/") cache.validFor "0 seconds" must be a whole number of milliseconds, at least 1ms',
    },
    {
      name: 'cache entries inactive for under a second', build: attach(() => ({ cache: { inactive: Duration.millis(500) } })),
      message: 'cache.inactive "500 millis" must be a whole number of seconds: nginx reads proxy_cache_path inactive= in seconds',
    },
    { name: 'a drainDelay in part seconds', build: attach(() => ({ drainDelay: Duration.millis(2500) })), message: 'drainDelay "2 seconds 500 millis" must be whole seconds from 0 to 300' },
    {
      name: 'a drainDelay beyond the default grace period', build: attach(() => ({ drainDelay: Duration.seconds(26) })),
      message: `drainDelay "26s" leaves less than 5s of Deployment "test/web"'s terminationGracePeriodSeconds (30) ${GRACE}`,
    },
    {
      name: 'the default drainDelay on an Include\'d StatefulSet with an 8 s grace period',
      build: attach(() => ({}), (c) => SidecarHost.fromApiObject(statefulSet(c, STATEFUL_SET_YAML.replace(
        '    spec:\n      containers:', '    spec:\n      terminationGracePeriodSeconds: 8\n      containers:')))),
      message: `drainDelay "5s" leaves less than 5s of StatefulSet "am"'s terminationGracePeriodSeconds (8) ${GRACE}`,
    },
  ],
  'traffic options': [
    {
      name: 'webSocketIdleTimeout 0', build: attach(proxy('/', { webSocketIdleTimeout: Duration.millis(0) })),
      message: 'Route.proxy("/") webSocketIdleTimeout "0 millis" must be a whole number of milliseconds, at least 1ms',
    },
    {
      name: 'a fractional webSocketIdleTimeout', build: attach(proxy('/', { webSocketIdleTimeout: Duration.millis(1.5) })),
      message: 'Route.proxy("/") webSocketIdleTimeout "1.5 millis" must be a whole number of milliseconds, at least 1ms',
    },
    {
      name: 'a route maxBodySize of 0', build: attach(proxy('/', { maxBodySize: Size.kibibytes(0) })),
      message: 'Route.proxy("/") maxBodySize "0Ki" must be a whole number of KiB, at least 1Ki',
    },
    {
      name: 'buffering: false on a cached route', build: attach(proxy('/', { buffering: false, cache: {} })),
      message: 'Route.proxy("/") buffering false turns proxy_buffering off, and nginx caches only buffered responses; drop cache or keep buffering',
    },
    {
      name: 'proxy_set_header in a proxy route\'s directives',
      build: attach(() => ({ routes: [Route.proxy('/api/', { directives: [Directive.of('proxy_set_header', 'Host', 'x')] })] })),
      message: 'Route.proxy("/api/") directive "proxy_set_header" is refused in a proxy route: a header the sidecar sets too '
        + '(Host, X-Forwarded-For, ...) would reach the app twice; use the requestHeaders option, which replaces the sidecar\'s',
    },
    {
      name: 'a request header nginx owns', build: attach(proxy('/', { requestHeaders: { Connection: 'close' } })),
      message: 'Route.proxy("/") requestHeaders header name "Connection" is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses',
    },
    {
      name: 'a request header name with a space', build: attach(proxy('/', { requestHeaders: { 'X A': 'b' } })),
      message: 'Route.proxy("/") requestHeaders header name "X A" is not a valid header name (RFC 7230 token characters only)',
    },
    {
      name: 'a request header twice in different case', build: attach(proxy('/', { requestHeaders: { 'X-A': 'b', 'x-a': 'c' } })),
      message: 'Route.proxy("/") requestHeaders header name "x-a" repeats "X-A" (header names are case-insensitive); nginx would send both',
    },
    {
      name: 'X-Request-ID as a request header', build: attach(proxy('/', { requestHeaders: { 'X-Request-ID': 'b' } })),
      message: 'Route.proxy("/") requestHeaders header name "X-Request-ID" is set by the sidecar: the client\'s ID when it is a safe token, else a new one',
    },
    {
      name: 'a request header value that is a variable not on the list', build: attach(proxy('/', { requestHeaders: { 'X-A': '$http_cookie' } })),
      message: 'Route.proxy("/") requestHeaders header "X-A" "$http_cookie" must be literal, or exactly one of $remote_addr, $scheme, $host, $http_host',
    },
    {
      name: 'a request header value with a variable inside', build: attach(proxy('/', { requestHeaders: { 'X-A': 'ip=$remote_addr' } })),
      message: 'Route.proxy("/") requestHeaders header "X-A" "ip=$remote_addr" must be literal, or exactly one of $remote_addr, $scheme, $host, $http_host',
    },
    {
      name: 'a request header value with CR/LF', build: attach(proxy('/', { requestHeaders: { 'X-A': 'a\r\nX-B: 1' } })),
      message: 'Route.proxy("/") requestHeaders header "X-A" "a\\r\\nX-B: 1" must not contain control characters (CR, LF, tab, ...)',
    },
    {
      name: 'X-Request-ID as a route response header', build: attach(proxy('/', { headers: { 'x-request-id': '1' } })),
      message: 'Route.proxy("/") header name "x-request-id" is set by the sidecar: the client\'s ID when it is a safe token, else a new one',
    },
    {
      name: 'X-Request-ID in responseHeaders', build: attach(() => ({ responseHeaders: { 'X-Request-Id': 'a' } })),
      message: 'responseHeaders header name "X-Request-Id" is set by the sidecar: the client\'s ID when it is a safe token, else a new one',
    },
    {
      name: 'an unknown accessLogFormat', build: attach(() => ({ accessLogFormat: 'xml' as AccessLogFormat })),
      message: 'accessLogFormat "xml" must be one of "json", "text"',
    },
  ],
};

runCatalogue('the bad-input catalogue, part 1', CATALOGUE);
