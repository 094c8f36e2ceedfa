/**
 * The bad-input catalogue, part 3 (issue "hostile inputs, round two"): inputs that escape nothing
 * but mean something broken — objects the API server refuses, text YAML readers outside JavaScript
 * read differently, ports uid 101 cannot bind, numbers past nginx's limits, a custom nginx.conf the
 * pod cannot run, files that cannot be read, and callers without TypeScript. How a row runs: see
 * catalogue-harness.ts.
 */
import * as fs from 'fs';
import { ApiObject, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Directive, DirectiveContext, Route, SidecarHost } from '../../lib';
import { STATEFUL_SET_YAML } from '../sidecar/helpers';
import { Catalogue, Props, attach, atSynth, later, mkdir, proxy, runCatalogue, statefulSet, synthError } from './catalogue-harness';

const q = JSON.stringify;
const anyProps = (p: unknown) => () => p as Props;
const LOW_PORT = 'is below 1024, which nginx cannot bind as uid 101 without capabilities; '
  + 'listen on 1024 or above and give the Service the low port (retargetService(service, { port: 80 }))';
const NOT_SIZE = 'must be a cdk8s Size, e.g. Size.mebibytes(1)';
const NOT_DURATION = 'must be a cdk8s Duration, e.g. Duration.seconds(5)';
const TIMERS = 'must be at most 2147483647ms (about 24.8 days), the range of nginx\'s timers';
const NOT_ROUTE = 'is not a Route: make one with Route.proxy, Route.staticFiles or Route.file';
const HEALTHY = 'pid /var/cache/nginx/nginx.pid;\nevents {}\nhttp { server { listen 8080; location = /_sidecar/healthz { return 200; } } }\n';

const CATALOGUE: Catalogue = {
  'objects the API server refuses': [
    {
      name: 'an init container already named nginx (plus)',
      build: attach(() => ({}), (c) => {
        const d = new kplus.Deployment(c.chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
        d.addInitContainer({ name: 'nginx', image: 'busybox:1' });
        return SidecarHost.fromWorkload(d);
      }),
      message: 'containerName "nginx" is already a container of Deployment "test/web"',
    },
    {
      name: 'an init container already named nginx (Include\'d)',
      build: attach(() => ({}), (c) => SidecarHost.fromApiObject(statefulSet(c, STATEFUL_SET_YAML.replace(
        '    spec:\n      containers:', '    spec:\n      initContainers: [{name: nginx, image: "busybox:1"}]\n      containers:')))),
      message: 'containerName "nginx" is already a container of StatefulSet "am"',
    },
    { name: 'an env name ".."', build: attach(() => ({ env: { '..': 'x' } })), message: 'env name ".." is not a valid environment variable name' },
    { name: 'an env name starting with ".."', build: attach(() => ({ env: { '..x': 'x' } })), message: 'env name "..x" is not a valid environment variable name' },
    {
      name: 'NUL in an env value', build: attach(() => ({ env: { A: 'a\u0000b' } })),
      message: 'env "A" "a\\u0000b" holds U+0000, which a process cannot receive or YAML readers outside JavaScript read differently; only printable text, tabs and newlines',
    },
    {
      name: 'U+2028 in an env value', build: attach(() => ({ env: { A: 'a\u2028b' } })),
      message: 'env "A" "a\u2028b" holds U+2028, which a process cannot receive or YAML readers outside JavaScript read differently; only printable text, tabs and newlines',
    },
    {
      name: 'an image digest of the wrong length', build: attach(() => ({ image: `nginx@sha256:${'a'.repeat(32)}` })),
      message: `image "nginx@sha256:${'a'.repeat(32)}" has a sha256 digest of 32 hex digits; it takes 64`,
    },
    {
      name: 'an image digest of an unknown algorithm', build: attach(() => ({ image: `nginx@md5:${'a'.repeat(32)}` })),
      message: `image "nginx@md5:${'a'.repeat(32)}" has a digest of algorithm "md5"; use sha256, sha384 or sha512`,
    },
    {
      name: 'an upper-case image digest', build: attach(() => ({ image: `nginx@sha256:${'A'.repeat(64)}` })),
      message: `image "nginx@sha256:${'A'.repeat(64)}" is not an image reference`,
    },
    {
      name: 'an image name of 256 characters', build: attach(() => ({ image: `registry.example.com/${'a'.repeat(235)}:1` })),
      message: `image "registry.example.com/${'a'.repeat(235)}:1" has a name of 256 characters; image names have at most 255`,
    },
    {
      name: 'a static directory whose 4,600 volume items push the workload past what etcd stores (at synthesis)',
      build: atSynth((c) => {
        const site = mkdir(c, 'site');
        for (let i = 0; i < 4600; i++) {
          fs.writeFileSync(`${site}/${String(i).padStart(4, '0')}-${'a-long-file-name-for-a-generated-asset'.repeat(4)}.js`, 'x');
        }
        return { routes: [Route.staticFiles('/', { directory: site })] };
      }),
      message: (c) => synthError(`Deployment "test/web" takes ${Buffer.byteLength(JSON.stringify(ApiObject.of(c.chart.node.findChild('web')).toJson()))} `
        + 'bytes as JSON, over the 1572864 bytes etcd stores per object by default; each static file adds a volume item to the pod template: '
        + 'serve fewer, bundled files'),
    },
    {
      name: 'a memory limit that would render as 1e+21Mi', build: attach(() => ({ resources: { memoryLimit: Size.mebibytes(1e21) } })),
      message: 'resources.memoryLimit "1e+21Mi" must be at most 1Ti',
    },
    {
      name: 'a CPU limit of 10^21 millicores', build: attach(() => ({ resources: { cpuLimitMillicores: 1e21 } })),
      message: 'resources.cpuLimitMillicores 1e+21 must be an integer from 1 to 1000000',
    },
  ],
  'directives that duplicate or contradict what the construct renders': [
    {
      name: 'proxy_pass in a proxy route', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('proxy_pass', 'http://127.0.0.1:9000')] })] })),
      message: 'Route.proxy("/") directive "proxy_pass" is rendered by the route: it proxies to 127.0.0.1:<appPort> (set appPort; stripPrefix for the path)',
    },
    {
      name: 'a read timeout as a directive', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('proxy_read_timeout', '300s')] })] })),
      message: 'Route.proxy("/") directive "proxy_read_timeout" is rendered by the route; use readTimeout',
    },
    {
      name: 'proxy_cache_valid in a proxy route', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('proxy_cache_valid', '1h')] })] })),
      message: 'Route.proxy("/") directive "proxy_cache_valid" is rendered by the route; use cache.validFor',
    },
    {
      name: 'root in a static route',
      build: (c) => attach(() => ({ routes: [Route.staticFiles('/', { directory: mkdir(c, 'site'), directives: [Directive.of('root', '/srv')] })] }))(c),
      message: 'Route.staticFiles("/") directive "root" is rendered by the route: it serves the directory from the static ConfigMap',
    },
    {
      name: 'try_files in a static route',
      build: (c) => attach(() => ({ routes: [Route.staticFiles('/', { directory: mkdir(c, 'site'), directives: [Directive.of('try_files', '$uri', '/index.html')] })] }))(c),
      message: 'Route.staticFiles("/") directive "try_files" is rendered by the route; use spaFallback',
    },
    {
      name: 'alias in a file route',
      build: (c) => attach(() => ({ routes: [Route.file('/a.txt', { path: c.dir.write('a.txt', 'a'), directives: [Directive.of('alias', '/etc/passwd')] })] }))(c),
      message: 'Route.file("/a.txt") directive "alias" is rendered by the route: it serves the file from the static ConfigMap',
    },
    {
      name: 'worker_connections in a route', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('worker_connections', '4096')] })] })),
      message: 'Route.proxy("/") directive "worker_connections" belongs to the main or events context, which the sidecar renders itself; use workerConnections',
    },
    {
      name: 'proxy_cache_path in a route', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('proxy_cache_path', '/tmp/c', 'keys_zone=z:1m')] })] })),
      message: 'Route.proxy("/") directive "proxy_cache_path" is valid only at the http level; use addDirective(DirectiveContext.HTTP, ...)',
    },
    {
      name: 'listen in a route', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('listen', '9000')] })] })),
      message: 'Route.proxy("/") directive "listen" is valid only in the server block; use port',
    },
    {
      name: 'worker_processes at http level', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('worker_processes', '4'))),
      message: 'addDirective(http) "worker_processes" belongs to the main or events context, which the sidecar renders itself; it follows resources.cpuLimitMillicores',
    },
    {
      name: 'client_max_body_size at http level', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('client_max_body_size', '10m'))),
      message: 'addDirective(http) "client_max_body_size" use clientMaxBodySize',
    },
    {
      name: 'gzip_comp_level at http level', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('gzip_comp_level', '9'))),
      message: 'addDirective(http) "gzip_comp_level" use gzip.level',
    },
    {
      name: 'listen at server level', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('listen', '9000'))),
      message: 'addDirective(server) "listen" use port',
    },
    {
      name: 'error_page at server level', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('error_page', '404', '/404.html'))),
      message: 'addDirective(server) "error_page" the sidecar answers 500 to 504 with its error page; use errorPage',
    },
    {
      name: 'log_format at server level', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('log_format', 'x', '$uri'))),
      message: 'addDirective(server) "log_format" is valid only at the http level; use DirectiveContext.HTTP',
    },
    {
      name: 'proxy_pass at server level', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('proxy_pass', 'http://x'))),
      message: 'addDirective(server) "proxy_pass" is valid only inside a location; give it to a route\'s directives',
    },
  ],
  'headers nginx or the app already set': [
    {
      name: 'Content-Type as a sidecar-wide header', build: attach(() => ({ responseHeaders: { 'Content-Type': 'text/plain' } })),
      message: 'responseHeaders header name "Content-Type" is set by nginx (from mime.types for files, from the app\'s answer otherwise); use a "default_type" route directive for files',
    },
    {
      name: 'Location on a route', build: attach(() => ({ routes: [Route.proxy('/', { headers: { location: '/x' } })] })),
      message: 'Route.proxy("/") header name "location" is set by nginx or the app on redirects; use a "return 301 <url>" route directive to redirect',
    },
    { name: 'Server', build: attach(() => ({ responseHeaders: { Server: 'x' } })), message: 'responseHeaders header name "Server" is set by nginx on every response (server_tokens off)' },
    { name: 'Date', build: attach(() => ({ responseHeaders: { DATE: 'x' } })), message: 'responseHeaders header name "DATE" is set by nginx on every response' },
    {
      name: 'ETag on a file route', build: (c) => attach(() => ({ routes: [Route.file('/a', { path: c.dir.write('a', 'a'), headers: { ETag: '"1"' } })] }))(c),
      message: 'Route.file("/a") header name "ETag" is set by nginx for files and kept from the app otherwise',
    },
    {
      name: 'Vary', build: attach(() => ({ responseHeaders: { Vary: 'Cookie' } })),
      message: 'responseHeaders header name "Vary" is set by nginx (Vary: Accept-Encoding with gzip) and by the app; a second Vary would be sent',
    },
    {
      name: 'Content-Length (nginx frames the response)', build: attach(() => ({ responseHeaders: { 'Content-Length': '1' } })),
      message: 'responseHeaders header name "Content-Length" is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses',
    },
    { name: 'headers as a list', build: attach(anyProps({ responseHeaders: ['X-A: b'] })), message: 'responseHeaders ["X-A: b"] must be an object of header names to values' },
  ],
  'ports below 1024': [
    { name: 'port 80', build: attach(() => ({ port: 80 })), message: `port 80 ${LOW_PORT}` },
    { name: 'port 443', build: attach(() => ({ port: 443 })), message: `port 443 ${LOW_PORT}` },
    { name: 'port 1023', build: attach(() => ({ port: 1023 })), message: `port 1023 ${LOW_PORT}` },
  ],
  'a custom nginxConf the pod cannot run': [
    {
      name: 'no listen on the sidecar\'s port', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080', 'listen 9090') })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" has no "listen 8080;": the probes and the Service reach nginx on port 8080',
    },
    {
      name: 'the listen only in a comment', build: attach(() => ({ nginxConf: `# listen 8080;\n${HEALTHY.replace('listen 8080', 'listen 9090')}` })),
      message: 'nginxConf "# listen 8080;" has no "listen 8080;": the probes and the Service reach nginx on port 8080',
    },
    {
      name: 'no health endpoint', build: attach(() => ({ nginxConf: HEALTHY.replace('/_sidecar/healthz', '/healthz') })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" has no "location = /_sidecar/healthz": the probes ask there, and the pod would never become ready',
    },
    {
      name: 'the pid file on the read-only root', build: attach(() => ({ nginxConf: HEALTHY.replace('/var/cache/nginx/nginx.pid', '/run/nginx.pid') })),
      message: 'nginxConf "pid /run/nginx.pid;" must set "pid /var/cache/nginx/nginx.pid;": the root is read-only, and /var/cache/nginx is the writable emptyDir',
    },
    { name: 'not a string', build: attach(anyProps({ nginxConf: 42 })), message: 'nginxConf 42 is empty' },
  ],
  'files': [
    {
      name: 'a symbolic link that loops, in a static directory',
      build: (c) => {
        const site = mkdir(c, 'site');
        fs.symlinkSync('loop', c.dir.path('site/loop'));
        return attach(() => ({ routes: [Route.staticFiles('/', { directory: site })] }))(c);
      },
      message: (c) => `routes[0] Route.staticFiles("/") directory ${q(c.dir.path('site'))} holds "loop", is a symbolic link that loops (ELOOP)`,
    },
    {
      name: 'a link back to the static directory itself',
      build: (c) => {
        const site = mkdir(c, 'site');
        fs.writeFileSync(c.dir.path('site/index.html'), 'hi');
        fs.symlinkSync('.', c.dir.path('site/again'));
        return attach(() => ({ routes: [Route.staticFiles('/', { directory: site })] }))(c);
      },
      message: (c) => `routes[0] Route.staticFiles("/") directory ${q(c.dir.path('site'))} holds "again", a link back to a directory above it (a loop)`,
    },
    {
      name: 'a file route on a link that loops',
      build: (c) => {
        fs.symlinkSync('self.js', c.dir.path('self.js'));
        return attach(() => ({ routes: [Route.file('/x.js', { path: c.dir.path('self.js') })] }))(c);
      },
      message: (c) => `routes[0] Route.file("/x.js") path ${q(c.dir.path('self.js'))} is a symbolic link that loops (ELOOP)`,
    },
    {
      name: 'a Latin-1 error page', build: attach((c) => ({ errorPage: c.dir.write('50x.html', Buffer.from('<p>D\xe9sol\xe9</p>', 'latin1')) })),
      message: (c) => `errorPage ${q(c.dir.path('50x.html'))} is not UTF-8 text; save it as UTF-8 (and declare <meta charset="utf-8">)`,
    },
  ],
  'numbers past nginx\'s limits': [
    {
      name: 'a read timeout of 10^17 s', build: attach(proxy('/', { readTimeout: Duration.seconds(1e17) })),
      message: `Route.proxy("/") readTimeout "1157407407407 days 9 hours" ${TIMERS}`,
    },
    {
      name: 'a cache validity of 25 days', build: attach(proxy('/', { cache: { validFor: Duration.days(25) } })),
      message: `Route.proxy("/") cache.validFor "25 days" ${TIMERS}`,
    },
    { name: 'a body size of 8 EiB', build: attach(() => ({ clientMaxBodySize: Size.tebibytes(8 * 1024 * 1024) })), message: 'clientMaxBodySize "8388608Ti" must be at most 1Ti' },
    { name: 'a cache of 2 TiB', build: attach(() => ({ cache: { maxSize: Size.tebibytes(2) } })), message: 'cache.maxSize "2Ti" must be at most 1Ti' },
  ],
  'callers without TypeScript': [
    { name: 'false in routes', build: attach(anyProps({ routes: [false] })), message: `routes[0] false ${NOT_ROUTE}` },
    { name: 'a route as a plain object', build: attach(anyProps({ routes: [{ path: '/' }] })), message: `routes[0] {"path":"/"} ${NOT_ROUTE}` },
    { name: 'routes not a list', build: attach(anyProps({ routes: Route.proxy('/') })), message: 'routes Route.proxy("/") must be a list of Routes' },
    { name: 'null proxy options', build: attach(() => ({ routes: [Route.proxy('/', null as never)] })), message: 'Route.proxy("/") options null must be an object (or left out)' },
    { name: 'a size as a string', build: attach(anyProps({ clientMaxBodySize: '10m' })), message: `clientMaxBodySize "10m" ${NOT_SIZE}` },
    { name: 'a memory limit as a number', build: attach(anyProps({ resources: { memoryLimit: 128 } })), message: `resources.memoryLimit 128 ${NOT_SIZE}` },
    { name: 'a timeout in milliseconds', build: attach(() => ({ routes: [Route.proxy('/', { readTimeout: 5000 as never })] })), message: `Route.proxy("/") readTimeout 5000 ${NOT_DURATION}` },
    { name: 'cache.inactive as a string', build: attach(anyProps({ cache: { inactive: '10m' } })), message: `cache.inactive "10m" ${NOT_DURATION}` },
    { name: 'a number as the container name', build: attach(anyProps({ containerName: 7 })), message: 'containerName 7 must be a DNS label of at most 40 characters (lower-case letters, digits, "-")' },
    { name: 'a number as the port name', build: attach(anyProps({ portName: 8080 })), message: 'portName 8080 must be an IANA service name: at most 15 lower-case letters, digits and "-", with a letter' },
    { name: 'accessLog as a string', build: attach(anyProps({ accessLog: 'false' })), message: 'accessLog "false" must be true or false' },
    { name: 'stripPrefix as a string', build: attach(() => ({ routes: [Route.proxy('/api/', { stripPrefix: 'yes' as never })] })), message: 'Route.proxy("/api/") stripPrefix "yes" must be true or false' },
    { name: 'gzip as true', build: attach(anyProps({ gzip: true })), message: 'gzip true must be an object (or left out)' },
    { name: 'env as a list', build: attach(anyProps({ env: ['A=1'] })), message: 'env ["A=1"] must be an object of names to string values' },
    { name: 'a number env value', build: attach(anyProps({ env: { A: 1 } })), message: 'env "A" 1 must be a string' },
    { name: 'privateCookies as a string', build: attach(anyProps({ cache: { privateCookies: 'session' } })), message: 'cache.privateCookies "session" must be a list of cookie names' },
    { name: 'a drainDelay in seconds', build: attach(anyProps({ drainDelay: 5 })), message: 'drainDelay 5 must be a cdk8s Duration, e.g. Duration.seconds(5)' },
    {
      name: 'addDirective with a string', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, 'gzip on' as never)),
      message: 'addDirective(http) directive "gzip on" is not a Directive: make one with Directive.of(name, ...args)',
    },
    {
      name: 'addDirective with a context string', build: later(() => ({}), (s) => s.addDirective('events' as never, Directive.of('worker_connections', '10'))),
      message: 'addDirective context "events" must be DirectiveContext.HTTP or DirectiveContext.SERVER',
    },
    {
      name: 'retargetService without a Service', build: later(() => ({}), (s) => s.retargetService(undefined as never)),
      message: 'retargetService service undefined is not a Service: pass a cdk8s-plus Service or an ApiObject of kind Service',
    },
    {
      name: 'retargetService with a Service name', build: later(() => ({}), (s) => s.retargetService('web' as never)),
      message: 'retargetService service "web" is not a Service: pass a cdk8s-plus Service or an ApiObject of kind Service',
    },
  ],
};

runCatalogue('the bad-input catalogue, part 3', CATALOGUE);
