/**
 * The bad-input catalogue, part 4: the options added with HTTPS, metrics, native sidecars, request
 * headers and Service retargeting, together (issue 17's classes that are refused; the ones made to
 * mean what the user asked are end-to-end tests: e2e/tls.test.ts, e2e/traffic-protocol.test.ts);
 * and the client address from trusted proxies (issue 20).
 * How a row runs: see catalogue-harness.ts.
 */
import { ApiObject, Duration, Size, Testing } from 'cdk8s';
import * as plus34 from 'cdk8s-plus-34';
import { Directive, DirectiveContext, Ipv6Mode, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { Catalogue, Ctx, Props, attach, later, proxy, runCatalogue, sidecar, synthError } from './catalogue-harness';

const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000, name: 'http' }] };

/** A cdk8s-plus-34 Deployment "test/web" (app on 5000) whose own native sidecar "helper" declares `port` (named `name`). */
const withNativeHelper = (port: number, name = 'helper-port') => (c: Ctx) => {
  const web = new plus34.Deployment(c.chart, 'web', { containers: [APP] });
  web.addInitContainer({ name: 'helper', image: 'helper:1', restartPolicy: plus34.ContainerRestartPolicy.ALWAYS, ports: [{ number: port, name }] });
  return SidecarHost.fromWorkload(web);
};

/** A raw Deployment "raw" whose pod has an app on 5000 and a native sidecar "helper" on `port`. */
const rawWithNativeHelper = (port: number) => (c: Ctx) => SidecarHost.fromApiObject(new ApiObject(c.chart, 'raw', {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' },
  spec: {
    selector: { matchLabels: { app: 'raw' } },
    template: {
      metadata: { labels: { app: 'raw' } },
      spec: {
        initContainers: [{ name: 'helper', image: 'helper:1', restartPolicy: 'Always', ports: [{ containerPort: port }] }],
        containers: [{ name: 'app', image: 'app:1.0.0', ports: [{ containerPort: 5000 }] }],
      },
    },
  },
}));

const HEALTHY = 'pid /var/cache/nginx/nginx.pid;\nevents {}\nhttp { server { listen 8080; location = /_sidecar/healthz { return 200; } } }\n';
const RENDER_ONLY = 'only changes the rendered nginx.conf, and nginxConf replaces it: write it into your nginx.conf instead';
const TLS_OWN = 'is set by the HTTPS server (tls) itself: at the http level it would be overridden there, at the server level nginx '
  + 'refuses a duplicate. The HTTPS server offers TLS 1.2 and 1.3 with ECDHE AEAD suites and Mozilla\'s intermediate groups';
const NONE_LISTED = 'must list at least one address or CIDR range (e.g. "10.0.0.0/8"): the proxies whose X-Forwarded-For is believed';
const NOT_A_RANGE = 'is not an IPv4 or IPv6 address or CIDR range (e.g. "10.0.0.0/8", "fd00::/8", "192.0.2.10")';
const EVERYONE = 'trusts every address: any client could claim any address. List the proxies in front of the sidecar';
const REAL_IP_BY_HAND = 'use clientAddress.trustedProxies: the sidecar then renders the real address and sends it on in X-Real-IP and X-Forwarded-For';
const tls = (more: Props = {}) => (): Props => ({ routes: [Route.proxy('/')], tls: { secretName: 'web-tls' }, ...more });
const USED = (what: string, value: string | number) => `${what} ${JSON.stringify(value)} is already used by container "helper" of Deployment "test/web"`;

const CATALOGUE: Catalogue = {
  'the app\'s own native sidecars': [
    { name: 'one on 8080', build: attach(() => ({}), withNativeHelper(8080)), message: USED('port', 8080) },
    { name: 'one with a port named nginx-http', build: attach(() => ({}), withNativeHelper(9000, 'nginx-http')), message: USED('portName', 'nginx-http') },
    { name: 'one on 8443 with tls', build: attach(tls(), withNativeHelper(8443)), message: USED('tls.port', 8443) },
    { name: 'one on 8081 with metrics', build: attach(() => ({ metrics: {} }), withNativeHelper(8081)),
      message: 'metrics.statusPort 8081 is already used by container "helper" of Deployment "test/web"' },
    { name: 'one on 9113 with the exporter', build: attach(() => ({ metrics: { exporter: true } }), withNativeHelper(9113)),
      message: 'metrics.exporterPort 9113 is already used by container "helper" of Deployment "test/web"' },
    { name: 'one on 8080 of a raw object', build: attach(() => ({ appPort: 5000 }), rawWithNativeHelper(8080)),
      message: 'port 8080 is already used by container "helper" of Deployment "raw"' },
    { name: 'one on 8443 of a raw object, with tls', build: attach(tls({ appPort: 5000 }), rawWithNativeHelper(8443)),
      message: 'tls.port 8443 is already used by container "helper" of Deployment "raw"' },
    { name: 'one on 8081 of a raw object, with metrics', build: attach(() => ({ appPort: 5000, metrics: {} }), rawWithNativeHelper(8081)),
      message: 'metrics.statusPort 8081 is already used by container "helper" of Deployment "raw"' },
    { name: 'one added after the sidecar, on 8080 (at synthesis)',
      build: (c) => {
        const web = new plus34.Deployment(c.chart, 'web', { containers: [APP] });
        sidecar(c, {}, SidecarHost.fromWorkload(web));
        web.addInitContainer({ name: 'helper', image: 'helper:1', restartPolicy: plus34.ContainerRestartPolicy.ALWAYS, ports: [{ number: 8080 }] });
      },
      message: synthError(USED('port', 8080)) },
  ],
  'retargeted Services': [
    {
      name: 'a second port that still reaches the app (at synthesis)',
      build: (c) => {
        const s = sidecar(c, { routes: [Route.proxy('/')] });
        s.retargetService(new ApiObject(c.chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' },
          spec: { selector: (c.chart.node.findChild('web') as unknown as { matchLabels: object }).matchLabels,
            ports: [{ name: 'http', port: 80, targetPort: 5000 }, { name: 'direct', port: 81, targetPort: 'http' }] } }), { fromPort: 80 });
      },
      message: synthError('Service "svc" (test/svc) sends port 81 to the app\'s port 5000 on the pods of Deployment "test/web", past '
        + 'nginx: retargetService moved another port of this Service; remove this one, or move it too (retargetService with fromPort 81); '
        + 'if it is meant to reach the app directly, annotate it reverse-proxy-sidecar.cdk8s.io/bypass: "true"'),
    },
  ],
  'retargeted Services, at synthesis': [
    {
      name: 'a second port to the app of a Service without a namespace, beside a workload in one',
      build: (c) => {
        const web = new plus34.Deployment(c.chart, 'web', { containers: [APP], metadata: { namespace: 'prod' } });
        const s = sidecar(c, { routes: [Route.proxy('/')] }, SidecarHost.fromWorkload(web));
        s.retargetService(new ApiObject(c.chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' },
          spec: { selector: web.matchLabels, ports: [{ name: 'a', port: 80, targetPort: 5000 }, { name: 'b', port: 81, targetPort: 5000 }] } }),
        { fromPort: 80 });
      },
      message: synthError('Service "svc" (test/svc) sends port 81 to the app\'s port 5000 on the pods of Deployment "test/web", past '
        + 'nginx: retargetService moved another port of this Service; remove this one, or move it too (retargetService with fromPort 81); '
        + 'if it is meant to reach the app directly, annotate it reverse-proxy-sidecar.cdk8s.io/bypass: "true"'),
    },
    {
      name: 'a port bound to it afterwards that reaches the app',
      build: (c) => {
        const web = new plus34.Deployment(c.chart, 'web', { containers: [APP] });
        const s = sidecar(c, { routes: [Route.proxy('/')] }, SidecarHost.fromWorkload(web));
        const svc = new plus34.Service(c.chart, 'svc', { metadata: { name: 'svc' }, selector: web, ports: [{ port: 80, targetPort: 5000 }] });
        s.retargetService(svc);
        svc.bind(9000, { targetPort: 5000, name: 'direct' });
      },
      message: synthError('Service "svc" (test/svc/Resource) sends port 9000 to the app\'s port 5000 on the pods of Deployment "test/web", past '
        + 'nginx: retargetService moved another port of this Service; remove this one, or move it too (retargetService with fromPort 9000); '
        + 'if it is meant to reach the app directly, annotate it reverse-proxy-sidecar.cdk8s.io/bypass: "true"'),
    },
    {
      name: 'one that also selects a canary without nginx',
      build: (c) => {
        const stable = new plus34.Deployment(c.chart, 'stable', { containers: [APP], podMetadata: { labels: { app: 'web' } } });
        new plus34.Deployment(c.chart, 'canary', { containers: [APP], metadata: { name: 'canary' }, podMetadata: { labels: { app: 'web' } } });
        const s = sidecar(c, { routes: [Route.proxy('/')] }, SidecarHost.fromWorkload(stable));
        s.retargetService(new ApiObject(c.chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' },
          spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 5000 }] } }));
      },
      message: synthError('retargetService(Service "web") selector {"app":"web"} also selects the pods of Deployment "canary" '
        + '(test/canary/Resource), which declare no port "nginx-http": they would drop out of the Service\'s endpoints. Attach a sidecar '
        + 'to them too, or narrow the selector'),
    },
  ],
  'HSTS': [
    { name: 'a route\'s own Strict-Transport-Security beside tls.hsts',
      build: later(() => ({ tls: { secretName: 'web-tls', hsts: Duration.days(1) } }),
        (s) => s.addRoute(Route.proxy('/', { headers: { 'Strict-Transport-Security': 'max-age=60' } }))),
      message: 'routes[0] Route.proxy("/") headers header name "Strict-Transport-Security" is also sent by tls.hsts on HTTPS; nginx would send both: keep one' },
    { name: 'a file route\'s, in lower case', build: (c) => {
      const file = c.dir.write('robots.txt', 'User-agent: *\n');
      const s = sidecar(c, { tls: { secretName: 'web-tls', hsts: Duration.days(1) } });
      return () => s.addRoute(Route.file('/robots.txt', { path: file, headers: { 'strict-transport-security': 'max-age=60' } }));
    },
    message: 'routes[0] Route.file("/robots.txt") headers header name "strict-transport-security" is also sent by tls.hsts on HTTPS; nginx would send both: keep one' },
  ],
  'ssl_* directives beside the HTTPS server': [
    { name: 'ssl_session_timeout at the server level', build: later(tls(), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('ssl_session_timeout', '5m'))),
      message: `addDirective(server) "ssl_session_timeout" ${TLS_OWN}` },
    { name: 'ssl_protocols TLSv1.3 at the http level', build: later(tls(), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('ssl_protocols', 'TLSv1.3'))),
      message: `addDirective(http) "ssl_protocols" ${TLS_OWN}` },
    { name: 'ssl_ecdh_curve at the http level', build: later(tls(), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('ssl_ecdh_curve', 'auto'))),
      message: `addDirective(http) "ssl_ecdh_curve" ${TLS_OWN}` },
    { name: 'ssl_certificate at the server level', build: later(tls(), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('ssl_certificate', '/tmp/x.crt'))),
      message: `addDirective(server) "ssl_certificate" ${TLS_OWN}` },
    { name: 'ssl_conf_command, which could undo the key exchange groups', build: later(tls(), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('ssl_conf_command', 'Groups', 'ffdhe8192'))),
      message: 'addDirective(server) "ssl_conf_command" would change the HTTPS server (tls) beyond what it is tested with; of the ssl_* '
        + 'directives, add only ssl_stapling, ssl_stapling_verify, ssl_stapling_file, ssl_stapling_responder, ssl_trusted_certificate, '
        + 'ssl_ocsp, ssl_ocsp_cache, ssl_ocsp_responder, ssl_verify_client, ssl_verify_depth, ssl_client_certificate, ssl_crl, '
        + 'ssl_buffer_size, ssl_early_data, ssl_handshake_timeout' },
    { name: 'ssl on, which would make the plain listener speak TLS', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('ssl', 'on'))),
      message: 'addDirective(server) "ssl" would make the plain listener speak TLS (the probes speak plain HTTP); use tls' },
    { name: 'ssl_session_tickets on at the http level', build: later(tls(), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('ssl_session_tickets', 'on'))),
      message: `addDirective(http) "ssl_session_tickets" ${TLS_OWN}` },
  ],
  'nginxConf beside options that only change the rendered file': [
    { name: 'tls.hsts', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080;', 'listen 8080; listen 8443 ssl;'), tls: { secretName: 'web-tls', hsts: Duration.days(1) } })),
      message: `tls.hsts "1 day" ${RENDER_ONLY}` },
    { name: 'tls.redirectHttp', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080;', 'listen 8080; listen 8443 ssl;'), tls: { secretName: 'web-tls', redirectHttp: true } })),
      message: `tls.redirectHttp true ${RENDER_ONLY}` },
    { name: 'accessLogFormat', build: attach(() => ({ nginxConf: HEALTHY, accessLogFormat: 'text' as never })), message: `accessLogFormat "text" ${RENDER_ONLY}` },
    { name: 'responseHeaders', build: attach(() => ({ nginxConf: HEALTHY, responseHeaders: { 'X-A': 'b' } })), message: `responseHeaders {"X-A":"b"} ${RENDER_ONLY}` },
    { name: 'gzip', build: attach(() => ({ nginxConf: HEALTHY, gzip: { level: 9 } })), message: `gzip {"level":9} ${RENDER_ONLY}` },
    { name: 'workerConnections', build: attach(() => ({ nginxConf: HEALTHY, workerConnections: 1024 })), message: `workerConnections 1024 ${RENDER_ONLY}` },
    { name: 'trustForwardedProto', build: attach(() => ({ nginxConf: HEALTHY, trustForwardedProto: true })), message: `trustForwardedProto true ${RENDER_ONLY}` },
    { name: 'clientMaxBodySize', build: attach(() => ({ nginxConf: HEALTHY, clientMaxBodySize: Size.mebibytes(8) })), message: `clientMaxBodySize "8Mi" ${RENDER_ONLY}` },
    { name: 'a proxy route', build: later(() => ({ nginxConf: HEALTHY }), (s) => s.addRoute(Route.proxy('/api/'))),
      message: `routes[0] Route.proxy("/api/") "/api/" ${RENDER_ONLY}` },
    { name: 'addDirective', build: later(() => ({ nginxConf: HEALTHY }), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('keepalive_requests', '100'))),
      message: `addDirective(http) "keepalive_requests" ${RENDER_ONLY}` },
    { name: 'a file route\'s headers', build: (c) => {
      const file = c.dir.write('robots.txt', 'User-agent: *\n');
      const s = sidecar(c, { nginxConf: HEALTHY });
      return () => s.addRoute(Route.file('/robots.txt', { path: file, headers: { 'X-A': 'b' } }));
    },
    message: `routes[0] Route.file("/robots.txt") options ["headers"] ${RENDER_ONLY}` },
  ],
  'nginxConf listening on one address': [
    { name: 'the plain port on 127.0.0.1 only', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080', 'listen 127.0.0.1:8080') })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" listens on 127.0.0.1:8080 only: the probes and the Service reach nginx on port '
        + '8080, at the pod\'s IP; write "listen 8080;" (every address)' },
    { name: 'the HTTPS port on localhost only', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080;', 'listen 8080; listen localhost:8443 ssl;'), tls: { secretName: 'web-tls' } })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" listens on localhost:8443 only: tls serves HTTPS on port 8443, with the '
        + 'certificate at /etc/nginx/tls/tls.crt and its key at /etc/nginx/tls/tls.key, at the pod\'s IP; write "listen 8443 ssl;" (every address)' },
  ],
  'nginxConf listening on one address, more': [
    { name: 'the plain port on [::] only (IPv6 only, by default)', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080', 'listen [::]:8080') })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" listens on [::]:8080 only: the probes and the Service reach nginx on port '
        + '8080, at the pod\'s IP; write "listen 8080;" (every address)' },
    { name: 'the plain port with ssl', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080', 'listen 8080 ssl') })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" listens on 8080 with "ssl": the probes and the Service reach nginx on port '
        + '8080, and the probes speak plain HTTP; write "listen 8080;"' },
    { name: 'the plain port with proxy_protocol', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080', 'listen 8080 proxy_protocol') })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" listens on 8080 with "proxy_protocol": the probes and the Service reach nginx '
        + 'on port 8080, and the probes speak plain HTTP; write "listen 8080;"' },
    { name: 'the plain port on [::1] only', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080', 'listen [::1]:8080') })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" listens on [::1]:8080 only: the probes and the Service reach nginx on port '
        + '8080, at the pod\'s IP; write "listen 8080;" (every address)' },
  ],
  'durations nginx reads in seconds': [
    { name: 'cache.validFor of 1.5 s', build: attach(proxy('/', { cache: { validFor: Duration.millis(1500) } })),
      message: 'Route.proxy("/") cache.validFor "1 second 500 millis" must be a whole number of seconds: nginx reads proxy_cache_valid in seconds' },
    { name: 'cache.validFor of 500 ms', build: attach(proxy('/', { cache: { validFor: Duration.millis(500) } })),
      message: 'Route.proxy("/") cache.validFor "500 millis" must be a whole number of seconds: nginx reads proxy_cache_valid in seconds' },
    { name: 'cache.inactive of 1.5 s', build: attach(() => ({ cache: { inactive: Duration.millis(1500) } })),
      message: 'cache.inactive "1 second 500 millis" must be a whole number of seconds: nginx reads proxy_cache_path inactive= in seconds' },
  ],
  'a Map where an object is expected, options': [
    { name: 'gzip', build: attach(() => ({ gzip: new Map([['level', 9]]) as never })),
      message: 'gzip {"level":9} is a Map, whose entries would not be read: give an object ({ option: value })' },
    { name: 'metrics', build: attach(() => ({ metrics: new Map([['exporter', true]]) as never })),
      message: 'metrics {"exporter":true} is a Map, whose entries would not be read: give an object ({ option: value })' },
    { name: 'a proxy route\'s options', build: attach(() => ({ routes: [Route.proxy('/', new Map([['stripPrefix', true]]) as never)] })),
      message: 'Route.proxy("/") options {"stripPrefix":true} is a Map, whose entries would not be read: give an object ({ option: value })' },
  ],
  'a Map where an object is expected': [
    { name: 'responseHeaders', build: attach(() => ({ responseHeaders: new Map([['X-A', 'b']]) as never })),
      message: 'responseHeaders {"X-A":"b"} is a Map, whose entries would not be read: give an object of header names to values ({ name: value })' },
    { name: 'a route\'s headers', build: attach(proxy('/', { headers: new Map([['X-A', 'b']]) as never })),
      message: 'Route.proxy("/") headers {"X-A":"b"} is a Map, whose entries would not be read: give an object of header names to values ({ name: value })' },
    { name: 'a route\'s requestHeaders', build: attach(proxy('/', { requestHeaders: new Map([['X-A', 'b']]) as never })),
      message: 'Route.proxy("/") requestHeaders headers {"X-A":"b"} is a Map, whose entries would not be read: give an object of header names to values ({ name: value })' },
    { name: 'env', build: attach(() => ({ env: new Map([['A', '1']]) as never })),
      message: 'env {"A":"1"} is a Map, whose entries would not be read: give an object of names to string values ({ name: value })' },
    { name: 'exposeViaService labels', build: later(() => ({ routes: [Route.proxy('/')] }), (s) => s.exposeViaService({ labels: new Map([['a', 'b']]) as never })),
      message: 'exposeViaService options labels {"a":"b"} must be an object of string values (or left out), not a Map' },
  ],
  // Issue 20: the client's address from trusted proxies.
  'the client address (clientAddress.trustedProxies)': [
    ...([
      ['none listed', [], `[] ${NONE_LISTED}`],
      ['a string, not a list', '10.0.0.0/8', `"10.0.0.0/8" ${NONE_LISTED}`],
      ['a number in the list', ['10.0.0.0/8', 8], '8 must be a string: an IPv4 or IPv6 address or CIDR range'],
      ['three octets', ['10.0.0/8'], `"10.0.0/8" ${NOT_A_RANGE}`],
      ['a directive smuggled in', ['10.0.0.0/8; deny all'], `"10.0.0.0/8; deny all" ${NOT_A_RANGE}`],
      ['a host name', ['ingress-nginx'], `"ingress-nginx" ${NOT_A_RANGE}`],
      ['an IPv4 prefix above 32', ['10.0.0.0/33'], '"10.0.0.0/33" has a prefix length above 32'],
      ['an IPv6 prefix above 128', ['fd00::/129'], '"fd00::/129" has a prefix length above 128'],
      ['every IPv4 address', ['0.0.0.0/0'], `"0.0.0.0/0" ${EVERYONE}`],
      ['every IPv6 address', ['::/0'], `"::/0" ${EVERYONE}`],
      ['host bits set (/8)', ['10.1.2.3/8'], '"10.1.2.3/8" has host bits set: the range is "10.0.0.0/8" (or "10.1.2.3" alone)'],
      ['host bits set (/12)', ['172.16.5.0/12'], '"172.16.5.0/12" has host bits set: the range is "172.16.0.0/12" (or "172.16.5.0" alone)'],
      ['a range listed twice', ['10.0.0.0/8', '10.0.0.0/8'], '"10.0.0.0/8" is listed twice'],
      ['IPv6 host bits set (/64)', ['fd00::1/64'], '"fd00::1/64" has host bits set: the range is "fd00::/64" (or "fd00::1" alone)'],
      ['IPv6 host bits set (/56)', ['fd00:10:244:1::/56'], '"fd00:10:244:1::/56" has host bits set: the range is "fd00:10:244::/56" (or "fd00:10:244:1::" alone)'],
      ['an interface named', ['fe80::1%eth0'], '"fe80::1%eth0" names an interface (a zone index after "%"): list the address or range alone'],
      ['brackets around IPv6', ['[fd00::1]'], `"[fd00::1]" ${NOT_A_RANGE}`],
      ['half of every address', ['0.0.0.0/1', '128.0.0.0/1'], '"0.0.0.0/1" trusts a /1, wider than any load balancer\'s or ingress controller\'s range: any client in it could claim any address. List the proxies in front of the sidecar'],
      ['an IPv4 address written as IPv6', ['::ffff:127.0.0.4'], '"::ffff:127.0.0.4" is an IPv4 address written as IPv6, which nginx would never match: write "127.0.0.4"'],
      ['an IPv4 range written as IPv6', ['::ffff:10.0.0.0/104'], '"::ffff:10.0.0.0/104" is an IPv4 address written as IPv6, which nginx would never match: write "10.0.0.0/8"'],
      ['the unspecified address', ['0.0.0.0'], '"0.0.0.0" is the unspecified address, which no proxy connects from'],
      ['one range written twice', ['127.0.0.2', '127.0.0.2/32'], '"127.0.0.2/32" is listed twice'],
      ['one IPv6 address written twice', ['::1', '0::1'], '"0::1" is listed twice'],
    ] as Array<[string, unknown, string]>).map(([name, trustedProxies, message]) => ({
      name, build: attach(() => ({ routes: [Route.proxy('/')], clientAddress: { trustedProxies } as never })),
      message: `clientAddress.trustedProxies ${message}`,
    })),
    { name: 'set_real_ip_from by hand', build: later(() => ({ routes: [Route.proxy('/')] }), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('set_real_ip_from', '10.0.0.0/8'))),
      message: `addDirective(http) "set_real_ip_from" ${REAL_IP_BY_HAND}` },
    { name: 'real_ip_header by hand', build: later(() => ({ routes: [Route.proxy('/')] }), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('real_ip_header', 'X-Forwarded-For'))),
      message: `addDirective(server) "real_ip_header" ${REAL_IP_BY_HAND}` },
    { name: 'real_ip_recursive in a route', build: () => () => Route.proxy('/', { directives: [Directive.of('real_ip_recursive', 'on')] }),
      message: `Route.proxy("/") directive "real_ip_recursive" ${REAL_IP_BY_HAND}` },
    { name: 'beside nginxConf', build: attach(() => ({ nginxConf: HEALTHY, clientAddress: { trustedProxies: ['10.0.0.0/8'] } })),
      message: `clientAddress {"trustedProxies":["10.0.0.0/8"]} ${RENDER_ONLY}` },
  ],
  // Issue 20: slow and idle clients.
  'client timeouts (clientTimeouts)': [
    { name: 'a number, not a Duration', build: attach(() => ({ clientTimeouts: { header: 10 as never } })),
      message: 'clientTimeouts.header 10 must be a cdk8s Duration, e.g. Duration.seconds(5)' },
    { name: 'zero', build: attach(() => ({ clientTimeouts: { body: Duration.seconds(0) } })),
      message: 'clientTimeouts.body "0 seconds" must be a whole number of milliseconds, at least 1ms' },
    { name: 'a fraction of a millisecond', build: attach(() => ({ clientTimeouts: { send: Duration.millis(0.5) } })),
      message: 'clientTimeouts.send "0.5 millis" must be a whole number of milliseconds, at least 1ms' },
    { name: 'a list, not options', build: attach(() => ({ clientTimeouts: [] as never })),
      message: 'clientTimeouts [] must be an object (or left out)' },
    { name: 'client_header_timeout by hand', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('client_header_timeout', '5s'))),
      message: 'addDirective(http) "client_header_timeout" use clientTimeouts.header' },
    { name: 'keepalive_timeout by hand', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('keepalive_timeout', '5s'))),
      message: 'addDirective(http) "keepalive_timeout" use clientTimeouts.keepalive' },
    { name: 'beside nginxConf', build: attach(() => ({ nginxConf: HEALTHY, clientTimeouts: { header: Duration.seconds(5) } })),
      message: `clientTimeouts {"header":"5 seconds"} ${RENDER_ONLY}` },
  ],
  // Issue 20: per-client limits.
  'per-client limits (clientLimits, a route\'s limits)': [
    ...([
      ['two rates', { requestsPerSecond: 5, requestsPerMinute: 5 }, 'clientLimits.requestsPerMinute 5 is set beside requestsPerSecond: give one rate'],
      ['a rate of 0', { requestsPerSecond: 0 }, 'clientLimits.requestsPerSecond 0 must be an integer from 1 to 100000'],
      ['a fractional rate', { requestsPerMinute: 1.5 }, 'clientLimits.requestsPerMinute 1.5 must be an integer from 1 to 100000'],
      ['a burst without a rate', { connections: 5, burst: 5 }, 'clientLimits.burst 5 is set, but no rate (requestsPerSecond or requestsPerMinute): nothing to burst over'],
      ['a negative burst', { requestsPerSecond: 5, burst: -1 }, 'clientLimits.burst -1 must be an integer from 0 to 100000'],
      ['0 connections', { connections: 0 }, 'clientLimits.connections 0 must be an integer from 1 to 65535'],
      ['nothing limited', {}, 'clientLimits {} limits nothing: give requestsPerSecond, requestsPerMinute or connections'],
    ] as Array<[string, object, string]>).map(([name, clientLimits, message]) => ({
      name, build: attach(() => ({ routes: [Route.proxy('/')], clientLimits })), message,
    })),
    { name: 'a route\'s limits that limit nothing', build: () => () => Route.proxy('/login', { limits: {} }),
      message: 'Route.proxy("/login") limits {} limits nothing: give requestsPerSecond, requestsPerMinute or connections' },
    { name: 'limit_req_status by hand', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('limit_req_status', '503'))),
      message: 'addDirective(http) "limit_req_status" the sidecar answers 429 over a limit' },
    { name: 'beside nginxConf', build: attach(() => ({ nginxConf: HEALTHY, clientLimits: { connections: 10 } })),
      message: `clientLimits {"connections":10} ${RENDER_ONLY}` },
  ],
  // Issue 20: HTTP/2's bound on requests per client connection.
  'HTTP/2 streams per connection (tls.http2MaxConcurrentStreams)': [
    ...([[0, '0'], [1.5, '1.5'], [1001, '1001'], ['16', '"16"']] as Array<[unknown, string]>).map(([value, shown]) => ({
      name: `${shown}`, build: attach(tls({ tls: { secretName: 'web-tls', http2MaxConcurrentStreams: value as never } })),
      message: `tls.http2MaxConcurrentStreams ${shown} must be an integer from 1 to 1000`,
    })),
    { name: 'by hand at the http level', build: later(tls(), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('http2_max_concurrent_streams', '64'))),
      message: 'addDirective(http) "http2_max_concurrent_streams" use tls.http2MaxConcurrentStreams' },
    { name: 'by hand in the server', build: later(tls(), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('http2_max_concurrent_streams', '64'))),
      message: 'addDirective(server) "http2_max_concurrent_streams" use tls.http2MaxConcurrentStreams' },
    { name: 'beside nginxConf', build: attach(() => ({ nginxConf: HEALTHY.replace('listen 8080;', 'listen 8080; listen 8443 ssl;'), tls: { secretName: 'web-tls', http2MaxConcurrentStreams: 64 } })),
      message: `tls.http2MaxConcurrentStreams 64 ${RENDER_ONLY}` },
  ],
  // Issue 20: the PROXY protocol listener.
  'the PROXY protocol port (clientAddress.proxyProtocolPort)': [
    ...([
      ['below 1024', { proxyProtocolPort: 443 }, 'clientAddress.proxyProtocolPort 443 is below 1024, which nginx cannot bind as uid 101 '
        + 'without capabilities; listen on 1024 or above and give the load balancer\'s Service the low port'],
      ['the plain port', { proxyProtocolPort: 8080 }, 'clientAddress.proxyProtocolPort 8080 is also the plain HTTP port (port), where the '
        + 'probes speak plain HTTP: the PROXY protocol needs a port of its own'],
      ['the app\'s port', { proxyProtocolPort: 5000 }, 'clientAddress.proxyProtocolPort 5000 is the app\'s port (appPort)'],
      ['not a port', { proxyProtocolPort: '8090' }, 'clientAddress.proxyProtocolPort "8090" must be an integer from 1 to 65535'],
      ['a name without the port', { proxyProtocolPortName: 'lb' }, 'clientAddress.proxyProtocolPortName "lb" is set, but clientAddress.proxyProtocolPort is not'],
      ['the plain port\'s name', { proxyProtocolPort: 8090, proxyProtocolPortName: 'nginx-http' },
        'clientAddress.proxyProtocolPortName "nginx-http" is also portName; container port names are unique'],
      ['a name Kubernetes refuses', { proxyProtocolPort: 8090, proxyProtocolPortName: 'Proxy_Protocol' }, undefined],
    ] as Array<[string, object, string | undefined]>).map(([name, more, message]) => ({
      name, build: attach(() => ({ appPort: 5000, routes: [Route.proxy('/')], clientAddress: { trustedProxies: ['10.0.0.0/8'], ...more } })),
      message: message ?? 'clientAddress.proxyProtocolPortName "Proxy_Protocol" must be an IANA service name: at most 15 lower-case '
        + 'letters, digits and "-", with a letter',
    })),
    { name: 'the HTTPS port', build: attach(tls({ clientAddress: { trustedProxies: ['10.0.0.0/8'], proxyProtocolPort: 8443 } })),
      message: 'clientAddress.proxyProtocolPort 8443 is also tls.port' },
    { name: 'the status port', build: attach(() => ({ metrics: {}, clientAddress: { trustedProxies: ['10.0.0.0/8'], proxyProtocolPort: 8081 } })),
      message: 'clientAddress.proxyProtocolPort 8081 is also metrics.statusPort' },
    { name: 'a port of the app\'s container', build: attach(() => ({ routes: [Route.proxy('/')], clientAddress: { trustedProxies: ['10.0.0.0/8'], proxyProtocolPort: 5000 } })),
      message: 'clientAddress.proxyProtocolPort 5000 is already used by container "app" of Deployment "test/web"' },
  ],
  // Issue 21: who may reach a route.
  'access: allowFrom': [
    ...([
      ['none listed', [], 'access.allowFrom [] must list at least one address or CIDR range (e.g. "10.0.0.0/8"); leave it out to allow every address'],
      ['every address', ['0.0.0.0/0'], 'access.allowFrom "0.0.0.0/0" allows every address: leave allowFrom out'],
      ['a host name', ['office'], 'access.allowFrom "office" is not an IPv4 or IPv6 address or CIDR range (e.g. "10.0.0.0/8", "fd00::/8", "192.0.2.10")'],
      ['host bits set', ['10.1.2.3/8'], 'access.allowFrom "10.1.2.3/8" has host bits set: the range is "10.0.0.0/8" (or "10.1.2.3" alone)'],
      ['IPv4 written as IPv6', ['::ffff:10.0.0.1'], 'access.allowFrom "::ffff:10.0.0.1" is an IPv4 address written as IPv6, which nginx would never match: write "10.0.0.1"'],
      ['twice', ['10.0.0.0/8', '10.0.0.0/08'], 'access.allowFrom "10.0.0.0/08" is listed twice'],
      ['a string, not a list', '10.0.0.0/8', 'access.allowFrom "10.0.0.0/8" must list at least one address or CIDR range (e.g. "10.0.0.0/8"); leave it out to allow every address'],
    ] as Array<[string, unknown, string]>).map(([name, allowFrom, message]) => ({
      name, build: attach(() => ({ routes: [Route.proxy('/')], access: { allowFrom: allowFrom as string[] } })), message,
    })),
    { name: 'on a route', build: attach(() => ({ routes: [Route.proxy('/admin/', { access: { allowFrom: ['2001:db8::/129'] } })] })), message: 'Route.proxy("/admin/") access.allowFrom "2001:db8::/129" has a prefix length above 128' },
  ],
  'access: basicAuth': [
    ...([
      ['a Secret name Kubernetes refuses', { secretName: 'Admin_Users' }, 'access.basicAuth.secretName "Admin_Users" must be the name of a Secret Kubernetes accepts: at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit'],
      ['no Secret name', {}, 'access.basicAuth.secretName undefined must be the name of a Secret Kubernetes accepts: at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit'],
      ['a key with a slash', { secretName: 'users', key: '../passwd' }, 'access.basicAuth.key "../passwd" must be a Secret key: letters, digits, "-", "_" and "."'],
      ['a realm with a quote', { secretName: 'users', realm: 'say "hi"' }, 'access.basicAuth.realm "say \\"hi\\"" must be 1 to 100 printable ASCII characters without ", \\ or $ (it is sent in WWW-Authenticate)'],
      ['a realm with a line break', { secretName: 'users', realm: 'a\r\nSet-Cookie: x=1' }, 'access.basicAuth.realm "a\\r\\nSet-Cookie: x=1" must be 1 to 100 printable ASCII characters without ", \\ or $ (it is sent in WWW-Authenticate)'],
      ['an empty realm', { secretName: 'users', realm: '' }, 'access.basicAuth.realm "" must be 1 to 100 printable ASCII characters without ", \\ or $ (it is sent in WWW-Authenticate)'],
    ] as Array<[string, object, string]>).map(([name, basicAuth, message]) => ({
      name, build: attach(() => ({ routes: [Route.proxy('/')], access: { basicAuth: basicAuth as never } })), message,
    })),
  ],
  'access: cors': [
    ...([
      ['no origins', { allowOrigins: [] }, 'access.cors.allowOrigins [] must list at least one origin (e.g. "https://app.example.com"), or be ["*"]'],
      ['"*" beside others', { allowOrigins: ['*', 'https://a.example.com'] }, 'access.cors.allowOrigins ["*","https://a.example.com"] lists "*" beside other origins: "*" alone allows any origin'],
      ['"*" with credentials', { allowOrigins: ['*'], allowCredentials: true }, 'access.cors.allowCredentials true with allowOrigins ["*"] would let any site act with the user\'s cookies; browsers refuse it: name the origins'],
      ['upper case', { allowOrigins: ['https://App.example.com'] }, 'access.cors.allowOrigins "https://App.example.com" is not an origin: scheme "http" or "https", a lower-case host and an optional port, no path: browsers send it in lower case ("https://app.example.com"); "*." may stand for one subdomain label ("https://*.example.com")'],
      ['a path', { allowOrigins: ['https://app.example.com/'] }, 'access.cors.allowOrigins "https://app.example.com/" is not an origin: scheme "http" or "https", a lower-case host and an optional port, no path: an origin has no path ("https://app.example.com"); "*." may stand for one subdomain label ("https://*.example.com")'],
      ['the default port', { allowOrigins: ['https://app.example.com:443'] }, 'access.cors.allowOrigins "https://app.example.com:443" names the scheme\'s default port, which browsers leave out of Origin: write "https://app.example.com"'],
      ['"null"', { allowOrigins: ['null'] }, 'access.cors.allowOrigins "null" is not an origin: scheme "http" or "https", a lower-case host and an optional port, no path; "*." may stand for one subdomain label ("https://*.example.com")'],
      ['two wildcards', { allowOrigins: ['https://*.*.example.com'] }, 'access.cors.allowOrigins "https://*.*.example.com" is not an origin: scheme "http" or "https", a lower-case host and an optional port, no path; "*." may stand for one subdomain label ("https://*.example.com")'],
      ['a directive smuggled in', { allowOrigins: ['https://a.example.com; deny all'] }, 'access.cors.allowOrigins "https://a.example.com; deny all" is not an origin: scheme "http" or "https", a lower-case host and an optional port, no path; "*." may stand for one subdomain label ("https://*.example.com")'],
      ['twice', { allowOrigins: ['https://a.example.com', 'https://a.example.com'] }, 'access.cors.allowOrigins "https://a.example.com" is listed twice'],
      ['a lower-case method', { allowOrigins: ['https://a.example.com'], allowMethods: ['get'] }, 'access.cors.allowMethods "get" must be upper case ("GET"): methods are case-sensitive'],
      ['a header with a space', { allowOrigins: ['https://a.example.com'], allowHeaders: ['X Bad'] }, 'access.cors.allowHeaders "X Bad" is not an HTTP token (letters, digits and !#%&\'*+.^_`|~-; no "$")'],
      ['a header smuggled in', { allowOrigins: ['https://a.example.com'], exposeHeaders: ['X-A;\nadd_header'] }, 'access.cors.exposeHeaders "X-A;\\nadd_header" is not an HTTP token (letters, digits and !#%&\'*+.^_`|~-; no "$")'],
      ['max age over a day', { allowOrigins: ['https://a.example.com'], maxAge: Duration.days(2) }, 'access.cors.maxAge "2 days" must be whole seconds from 0 to 24 hours'],
    ] as Array<[string, object, string]>).map(([name, cors, message]) => ({
      name, build: attach(() => ({ routes: [Route.proxy('/')], access: { cors: cors as never } })), message,
    })),
  ],
  'access: externalAuth, and routes to another port': [
    ...([
      ['a host name with an underscore', { url: 'http://oauth2_proxy.auth:4180/oauth2/auth' }, 'access.externalAuth.url "http://oauth2_proxy.auth:4180/oauth2/auth" must be http://<host>:<port>/<path>: 127.0.0.1 for an auth service in the pod (e.g. oauth2-proxy beside the app), or a Service\'s name (oauth2-proxy.auth.svc.cluster.local); a path of letters, digits and -._~/%'],
      ['https', { url: 'https://127.0.0.1:4180/oauth2/auth' }, 'access.externalAuth.url "https://127.0.0.1:4180/oauth2/auth" must be http://<host>:<port>/<path>: 127.0.0.1 for an auth service in the pod (e.g. oauth2-proxy beside the app), or a Service\'s name (oauth2-proxy.auth.svc.cluster.local); a path of letters, digits and -._~/%'],
      ['no port', { url: 'http://127.0.0.1/oauth2/auth' }, 'access.externalAuth.url "http://127.0.0.1/oauth2/auth" must be http://<host>:<port>/<path>: 127.0.0.1 for an auth service in the pod (e.g. oauth2-proxy beside the app), or a Service\'s name (oauth2-proxy.auth.svc.cluster.local); a path of letters, digits and -._~/%'],
      ['a variable in the path', { url: 'http://127.0.0.1:4180/auth$uri' }, 'access.externalAuth.url "http://127.0.0.1:4180/auth$uri" must be http://<host>:<port>/<path>: 127.0.0.1 for an auth service in the pod (e.g. oauth2-proxy beside the app), or a Service\'s name (oauth2-proxy.auth.svc.cluster.local); a path of letters, digits and -._~/%'],
      ['a query', { url: 'http://127.0.0.1:4180/auth?x=1' }, 'access.externalAuth.url "http://127.0.0.1:4180/auth?x=1" must be http://<host>:<port>/<path>: 127.0.0.1 for an auth service in the pod (e.g. oauth2-proxy beside the app), or a Service\'s name (oauth2-proxy.auth.svc.cluster.local); a path of letters, digits and -._~/%'],
      ['a sign-in URL with a variable', { url: 'http://127.0.0.1:4180/auth', signInUrl: '/start?next=$request_uri' }, 'access.externalAuth.signInUrl "/start?next=$request_uri" must be a path ("/oauth2/start") or an http(s) URL of a lower-case host name, without "$", "#", quotes or spaces'],
      ['a sign-in URL with a fragment', { url: 'http://127.0.0.1:4180/auth', signInUrl: '/start#top' }, 'access.externalAuth.signInUrl "/start#top" must be a path ("/oauth2/start") or an http(s) URL of a lower-case host name, without "$", "#", quotes or spaces'],
      ['a sign-in URL with a quote', { url: 'http://127.0.0.1:4180/auth', signInUrl: '/start"; return 200 "x' }, 'access.externalAuth.signInUrl "/start\\"; return 200 \\"x" must be a path ("/oauth2/start") or an http(s) URL of a lower-case host name, without "$", "#", quotes or spaces'],
      ['a header smuggled in', { url: 'http://127.0.0.1:4180/auth', responseHeaders: ['X-User;\nallow all'] }, 'access.externalAuth.responseHeaders "X-User;\\nallow all" is not a valid header name (RFC 7230 token characters only)'],
      ['a header twice', { url: 'http://127.0.0.1:4180/auth', responseHeaders: ['X-User', 'x-user'] }, 'access.externalAuth.responseHeaders "x-user" is listed twice'],
      ['a timeout of a minute and more', { url: 'http://127.0.0.1:4180/auth', timeout: Duration.minutes(2) }, 'access.externalAuth.timeout "2 minutes" must be from 1 to 60 seconds: every request waits for it'],
    ] as Array<[string, object, string]>).map(([name, externalAuth, message]) => ({
      name, build: attach(() => ({ routes: [Route.proxy('/')], access: { externalAuth: externalAuth as never } })), message,
    })),
    { name: 'a route to nginx\'s own port', build: later(() => ({ routes: [Route.proxy('/')] }), (s) => s.addRoute(Route.proxy('/oauth2/', { port: 8080 }))),
      message: 'routes[1] Route.proxy("/oauth2/") port 8080 is nginx\'s own (port): name the port of the container to proxy to' },
    { name: 'a cached route to another port', build: later(() => ({}), (s) => s.addRoute(Route.proxy('/oauth2/', { port: 4180, cache: {} }))), message: 'Route.proxy("/oauth2/") cache {} is for routes to the app: a route with its own port is not cached' },
    { name: 'a route to port 0', build: later(() => ({}), (s) => s.addRoute(Route.proxy('/oauth2/', { port: 0 }))), message: 'Route.proxy("/oauth2/") port 0 must be an integer from 1 to 65535' },
  ],
  'access: headers set twice, a 401 answered twice': [
    { name: 'an auth header with a dot', build: attach(() => ({ routes: [Route.proxy('/')], access: { externalAuth: { url: 'http://127.0.0.1:4180/auth', responseHeaders: ['X-Tenant.Id'] } } })), message: 'access.externalAuth.responseHeaders "X-Tenant.Id" must be letters, digits and "-" only' },
    { name: 'an auth header the sidecar sets', build: attach(() => ({ routes: [Route.proxy('/')], access: { externalAuth: { url: 'http://127.0.0.1:4180/auth', responseHeaders: ['X-Real-IP'] } } })), message: 'access.externalAuth.responseHeaders "X-Real-IP" is a header the sidecar sets to the app itself: the app would get it twice' },
    { name: 'a sign-in URL beside basic auth', build: attach(() => ({ routes: [Route.proxy('/')],
      access: { basicAuth: { secretName: 'users' }, externalAuth: { url: 'http://127.0.0.1:4180/auth', signInUrl: '/oauth2/start' } } })), message: 'access.externalAuth.signInUrl "/oauth2/start" would answer basicAuth\'s 401 too (a redirect instead of the browser\'s password prompt): use one way to sign in on a route' },
    { name: 'a sign-in URL and interceptErrors', build: later(() => ({ access: { externalAuth: { url: 'http://127.0.0.1:4180/auth', signInUrl: '/oauth2/start' } } }),
      (s) => s.addRoute(Route.proxy('/api/', { interceptErrors: true }))), message: 'routes[0] Route.proxy("/api/") interceptErrors true would send the app\'s own 401 answers to access.externalAuth.signInUrl as well: drop one of them on this route' },
    { name: 'a route header CORS sets', build: later(() => ({ access: { cors: { allowOrigins: ['https://a.example.com'] } } }),
      (s) => s.addRoute(Route.proxy('/api/', { headers: { 'Access-Control-Allow-Origin': 'https://b.example.com' } }))), message: 'routes[0] Route.proxy("/api/") headers header name "Access-Control-Allow-Origin" is set by access.cors; nginx would send both' },
    { name: 'a sidecar-wide header CORS sets', build: attach(() => ({ responseHeaders: { 'access-control-max-age': '60' },
      access: { cors: { allowOrigins: ['https://a.example.com'] } } })), message: 'responseHeaders header name "access-control-max-age" is set by access.cors; nginx would send both' },
    { name: 'a sidecar-wide header a route\'s CORS sets', build: later(() => ({ responseHeaders: { 'Access-Control-Allow-Origin': '*' } }),
      (s) => s.addRoute(Route.proxy('/api/', { access: { cors: { allowOrigins: ['https://a.example.com'] } } }))), message: 'responseHeaders header name "Access-Control-Allow-Origin" is set by routes[0] Route.proxy("/api/") access.cors, on that route; nginx would send both' },
    { name: 'a request header the auth service sets', build: later(() => ({ access: { externalAuth: { url: 'http://127.0.0.1:4180/auth' } } }),
      (s) => s.addRoute(Route.proxy('/api/', { requestHeaders: { 'x-auth-request-user': 'robot' } }))), message: 'routes[0] Route.proxy("/api/") requestHeaders header name "x-auth-request-user" is set from the auth service\'s answer (access.externalAuth.responseHeaders): the app would get it twice' },
  ],
  'access: an nginx variable where a value goes': [
    { name: 'in the realm', build: attach(() => ({ routes: [Route.proxy('/')], access: { basicAuth: { secretName: 'users', realm: 'Area $http_x' } } })), message: 'access.basicAuth.realm "Area $http_x" must be 1 to 100 printable ASCII characters without ", \\ or $ (it is sent in WWW-Authenticate)' },
    { name: 'in a CORS header list', build: attach(() => ({ routes: [Route.proxy('/')], access: { cors: { allowOrigins: ['*'], exposeHeaders: ['X-$foo'] } } })), message: 'access.cors.exposeHeaders "X-$foo" is not an HTTP token (letters, digits and !#%&\'*+.^_`|~-; no "$")' },
    { name: 'in a CORS method', build: attach(() => ({ routes: [Route.proxy('/')], access: { cors: { allowOrigins: ['*'], allowMethods: ['P$X'] } } })), message: 'access.cors.allowMethods "P$X" is not an HTTP token (letters, digits and !#%&\'*+.^_`|~-; no "$")' },
    { name: 'in the sign-in URL\'s host', build: attach(() => ({ routes: [Route.proxy('/')],
      access: { externalAuth: { url: 'http://127.0.0.1:4180/auth', signInUrl: 'https://login$foo.example.com/s' } } })), message: 'access.externalAuth.signInUrl "https://login$foo.example.com/s" must be a path ("/oauth2/start") or an http(s) URL of a lower-case host name, without "$", "#", quotes or spaces' },
    { name: 'a sign-in URL to another site by "//"', build: attach(() => ({ routes: [Route.proxy('/')],
      access: { externalAuth: { url: 'http://127.0.0.1:4180/auth', signInUrl: '//evil.example/s' } } })), message: 'access.externalAuth.signInUrl "//evil.example/s" must be a path ("/oauth2/start") or an http(s) URL of a lower-case host name, without "$", "#", quotes or spaces' },
  ],
  'access beside nginxConf': [
    { name: 'the sidecar\'s', build: attach(() => ({ nginxConf: HEALTHY, access: { allowFrom: ['10.0.0.0/8'] } })), message: 'access {"allowFrom":["10.0.0.0/8"]} only changes the rendered nginx.conf, and nginxConf replaces it: write it into your nginx.conf instead' },
    { name: 'a file route\'s', build: (c) => {
      const file = c.dir.write('robots.txt', 'User-agent: *\n');
      const s = sidecar(c, { nginxConf: HEALTHY });
      return () => s.addRoute(Route.file('/robots.txt', { path: file, access: { allowFrom: ['10.0.0.0/8'] } }));
    }, message: 'routes[0] Route.file("/robots.txt") options ["access"] only changes the rendered nginx.conf, and nginxConf replaces it: write it into your nginx.conf instead' },
  ],
  // Issue 20: listening on IPv6.
  'IPv6 listening (ipv6)': [
    ...([['yes', '"yes"'], [true, 'true'], ['ALWAYS', '"ALWAYS"'], [6, '6']] as Array<[unknown, string]>).map(([value, shown]) => ({
      name: shown, build: attach(() => ({ ipv6: value as never })),
      message: `ipv6 ${shown} must be one of "where-available", "always", "ipv4-only" (Ipv6Mode)`,
    })),
    { name: 'beside nginxConf', build: attach(() => ({ nginxConf: HEALTHY, ipv6: Ipv6Mode.ALWAYS })),
      message: `ipv6 "always" ${RENDER_ONLY}` },
  ],
};

runCatalogue('the bad-input catalogue, part 4 (the new options together)', CATALOGUE);

describe('their accepted neighbours', () => {
  test('a native sidecar of the app on another port, a route header without tls.hsts, whole-second durations, plain objects', () => {
    const chart = Testing.chart();
    const web = new plus34.Deployment(chart, 'web', { containers: [APP] });
    web.addInitContainer({ name: 'helper', image: 'helper:1', restartPolicy: plus34.ContainerRestartPolicy.ALWAYS, ports: [{ number: 9000, name: 'helper' }] });
    new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(web), appPort: 5000, tls: { secretName: 'web-tls' }, env: { A: '1' },
      cache: { inactive: Duration.seconds(2) },
      routes: [Route.proxy('/', { headers: { 'Strict-Transport-Security': 'max-age=60' }, cache: { validFor: Duration.seconds(1) } })],
    });
    expect(Testing.synth(chart).map((m) => m.kind)).toContain('Deployment');
  });

  test.each([
    ['ssl after default_server on the HTTPS port', 'listen 8080; listen 8443 default_server ssl;'],
    ['http2 before ssl', 'listen 8080; listen 8443 http2 ssl;'],
    ['a quoted port', 'listen "8080"; listen 8443 ssl;'],
    ['"#" inside a quoted string before the listen', 'return 200 "#x"; listen 8080; listen 8443 ssl;'],
    ['[::] with ipv6only=off, and 0.0.0.0', 'listen [::]:8080 ipv6only=off; listen 0.0.0.0:8443 ssl;'],
  ])('a custom nginxConf with %s is accepted', (_name, listens) => {
    const chart = Testing.chart();
    const web = new plus34.Deployment(chart, 'web', { containers: [APP] });
    const conf = `pid /var/cache/nginx/nginx.pid;\nevents {}\nhttp { server { ${listens} location = /_sidecar/healthz { return 200; } } }\n`;
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), nginxConf: conf, tls: { secretName: 'web-tls' } })).not.toThrow();
  });

  test('the app\'s own native sidecar with a port does not make the app\'s port ambiguous', () => {
    const chart = Testing.chart();
    const web = new plus34.Deployment(chart, 'web', { containers: [APP] });
    web.addInitContainer({ name: 'helper', image: 'helper:1', restartPolicy: plus34.ContainerRestartPolicy.ALWAYS, ports: [{ number: 9000 }] });
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    expect(proxy.renderNginxConf()).toContain('server 127.0.0.1:5000');
  });
});
