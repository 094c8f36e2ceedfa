import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Include, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AccessLogFormat, Directive, DirectiveContext, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { K8sObject, loadYaml, workloadsWithContainer } from '../support/manifests';
import { prepareContainer, runInContainer } from '../support/pod-sandbox';
import { describeWithTools } from '../support/real-tools';

/**
 * Debian's real nginx checks every nginx.conf we generate, as the pod would run it: uid 101, the
 * ConfigMaps and the emptyDir mounted where the pod mounts them, the root read-only. `nginx -t`
 * also writes the pid file, creates the temp dirs and binds the port, so it catches paths that are
 * not writable as well as syntax.
 */
/** The cluster's DNS for the names the rows give an auth service, as a pod resolves them. */
const hosts = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-t-hosts-')), 'hosts');
fs.writeFileSync(hosts, '127.0.0.1 localhost\n::1 localhost\n10.96.7.8 authz.security.svc.cluster.local\n');
afterAll(() => fs.rmSync(path.dirname(hosts), { recursive: true, force: true }));

function nginxTest(objects: K8sObject[]): { status: number | null; output: string } {
  const [workload] = workloadsWithContainer(objects, 'nginx');
  expect(workload).toBeDefined();
  const container = prepareContainer(objects, workload, 'nginx', { image: { entrypoint: [], files: [{ hostPath: hosts, mountPath: '/etc/hosts' }] } });
  try {
    expect(container.uid).toBe(101);
    expect(container.readOnlyRoot).toBe(true);
    // The container's own command, with -t: the same -c and -e flags the pod uses.
    return runInContainer(container, [...container.command, '-t']);
  } finally {
    container.cleanup();
  }
}

/** All that nginx -t says of a good config: no warning, and the sidecar's own file was the one tested. */
// The start's line first: the config tested includes its [::] listen lines (this machine has IPv6).
const SUCCESS = 'nginx-start: IPv6 in this pod: listening on [::] too\n'
  + 'nginx: the configuration file /etc/nginx/sidecar/nginx.conf syntax is ok\n'
  + 'nginx: configuration file /etc/nginx/sidecar/nginx.conf test is successful\n';

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-t-site-'));
fs.mkdirSync(path.join(site, 'js'));
fs.writeFileSync(path.join(site, 'index.html'), '<!DOCTYPE html><p>hi</p>\n');
fs.writeFileSync(path.join(site, 'js', 'app.js'), 'console.log(1);\n');
fs.writeFileSync(path.join(site, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]));
afterAll(() => fs.rmSync(site, { recursive: true, force: true }));

function synthWith(props: Partial<ReverseProxySidecarProps>, routes: Route[]): K8sObject[] {
  const chart = Testing.chart();
  const deployment = new kplus.Deployment(chart, 'web', {
    containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }],
  });
  const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), ...props });
  routes.forEach((r) => sidecar.addRoute(r));
  // The basicAuth Secret the access rows name, as the cluster would hold it (nginx -t never reads it).
  const users = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'users' },
    data: { auth: Buffer.from('ann:$apr1$x$y\n').toString('base64'), site: Buffer.from('bob:{PLAIN}b\n').toString('base64') } };
  return [...Testing.synth(chart) as K8sObject[], users];
}

/**
 * The default sidecar's objects with nginx.conf replaced after synthesis: configs the construct
 * would refuse (no health endpoint, pid on the read-only root, port 80), to prove the sandbox.
 */
function synthWithConf(conf: string): K8sObject[] {
  const objects = synthWith({}, []);
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['nginx.conf'])!;
  config.data['nginx.conf'] = conf;
  return objects;
}

describeWithTools(['nginx', 'unshare', 'setpriv'], 'real nginx -t on generated configs', () => {
  it.each(['flask-hello', 'alertmanager'])('accepts the %s example from dist/', (example) => {
    const objects = loadYaml(path.join(__dirname, '..', '..', 'dist', `${example}.k8s.yaml`));
    const r = nginxTest(objects);
    expect(r.output).toBe(SUCCESS);
    expect(r.status).toBe(0);
  });

  const matrix: Array<[string, Partial<ReverseProxySidecarProps>, () => Route[]]> = [
    ['proxy only, defaults', {}, () => [Route.proxy('/')]],
    ['the shortest whole-second cache durations (1 s valid, 1 s inactive)', { cache: { inactive: Duration.seconds(1) } },
      () => [Route.proxy('/', { cache: { validFor: Duration.seconds(1) } })]],
    ['static + file + proxy', {}, () => [
      Route.staticFiles('/', { directory: site }),
      Route.file('/robots.txt', { path: path.join(site, 'index.html') }),
      Route.proxy('/api/', { stripPrefix: true }),
    ]],
    ['cached routes with private cookies and ignored upstream headers', {
      cache: { maxSize: Size.mebibytes(16), keys: 20000, inactive: Duration.minutes(30), privateCookies: ['session', 'connect.sid', 'session-id'] },
    }, () => [
      Route.proxy('/assets/', { cache: { validFor: Duration.hours(1), ignoreUpstreamCacheHeaders: true } }),
      Route.proxy('/api/', { cache: { validFor: Duration.seconds(30) } }),
    ]],
    ['the text access log, a stripped cached route, 64 worker connections', { accessLogFormat: AccessLogFormat.TEXT, workerConnections: 64 }, () => [
      Route.proxy('/s.1/', { stripPrefix: true, cache: {}, webSocketIdleTimeout: Duration.millis(1500) }),
    ]],
    ['gzip off, access log off, trusted X-Forwarded-Proto, custom port and 2 CPUs', {
      gzip: { enabled: false }, accessLog: false, trustForwardedProto: true, port: 9000, portName: 'web',
      resources: { cpuLimitMillicores: 2000 },
    }, () => [Route.proxy('/', { interceptErrors: true, readTimeout: Duration.millis(2500) })]],
    ['the client address from trusted proxies (IPv4 and IPv6 ranges and single addresses) and a PROXY protocol port; client timeouts and limits', {
      clientAddress: { trustedProxies: ['10.0.0.0/8', '192.0.2.10', 'fd00::/8', '2001:db8::1'], proxyProtocolPort: 8090 },
      trustForwardedProto: true,
      clientTimeouts: { header: Duration.millis(2500), body: Duration.seconds(30), send: Duration.minutes(2), keepalive: Duration.seconds(75) },
      clientLimits: { requestsPerSecond: 50, connections: 20 },
    }, () => [
      Route.proxy('/api/', { stripPrefix: true }), Route.proxy('/', { cache: {} }),
      Route.proxy('/login', { limits: { requestsPerMinute: 5, burst: 0 } }), Route.proxy('/signup', { limits: { requestsPerSecond: 1, burst: 3 } }),
      Route.staticFiles('/site/', { directory: site }),
    ]],
    ['access: an allow list, basic auth and CORS sidecar-wide; a route\'s own (any origin, a pattern); a cached route behind basic auth', {
      access: { allowFrom: ['10.0.0.0/8', 'fd00::/8'], basicAuth: { secretName: 'users', realm: 'Team area' },
        cors: { allowOrigins: ['https://app.example.com'], allowCredentials: true, exposeHeaders: ['X-Total'] } },
      clientAddress: { trustedProxies: ['10.244.0.0/16'] },
    }, () => [
      Route.proxy('/assets/', { cache: {} }), Route.proxy('/public/', { access: { cors: { allowOrigins: ['*'], exposeHeaders: ['X-A'] } } }),
      Route.proxy('/partners/', { access: { cors: { allowOrigins: ['https://*.partner.example'] }, allowFrom: ['192.0.2.0/24'] } }),
      Route.staticFiles('/site/', { directory: site, access: { basicAuth: { secretName: 'users', key: 'site' } } }), Route.proxy('/'),
    ]],
    ['CORS for any origin only (the error page reads no credentials or Vary variable, which no route sets), with a sign-in redirect', {
      access: { cors: { allowOrigins: ['*'] }, externalAuth: { url: 'http://127.0.0.1:4180/oauth2/auth', signInUrl: '/oauth2/start' } },
    }, () => [Route.proxy('/oauth2/', { port: 4180, access: {} }), Route.proxy('/')]],
    ['external auth with a sign-in URL sidecar-wide, the auth service\'s pages by port, a cached route behind it, trusted X-Forwarded-Proto', {
      access: { externalAuth: { url: 'http://127.0.0.1:4180/oauth2/auth', signInUrl: '/oauth2/start?x=1', timeout: Duration.seconds(3) } },
      trustForwardedProto: true,
    }, () => [
      Route.proxy('/oauth2/', { port: 4180, access: {} }), Route.proxy('/assets/', { cache: {} }),
      Route.staticFiles('/site/', { directory: site }), Route.proxy('/'),
      // A second service, in the cluster: only its DNS resolves the name, so nginx -t checks it on 127.0.0.1.
      Route.proxy('/admin/', { access: { externalAuth: { url: 'http://authz.security.svc.cluster.local:8080/check' } } }),
    ]],
    ['SPA fallback, headers and directives everywhere', {
      responseHeaders: { 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer' },
      clientMaxBodySize: Size.kibibytes(512),
    }, () => [
      Route.staticFiles('/app/', { directory: site, spaFallback: true, headers: { 'Cache-Control': 'no-cache' } }),
      Route.proxy('/api/', {
        headers: { 'X-Odd': 'a;b {c} #d' }, directives: [Directive.of('proxy_buffers', '16', '8k'), Directive.of('expires', '1h')],
        requestHeaders: { 'X-Odd': 'a;b {c} #d', 'X-Forwarded-For': '$remote_addr', Host: '' },
        maxBodySize: Size.mebibytes(20), buffering: false, webSocketIdleTimeout: Duration.minutes(5),
      }),
    ]],
  ];

  it.each(matrix)('accepts: %s', (_name, props, routes) => {
    const r = nginxTest(synthWith(props, routes()));
    expect(r.output).toBe(SUCCESS);
    expect(r.status).toBe(0);
  });

  it('accepts http and server level directives', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ image: 'app:1', portNumber: 5000 }] });
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] });
    sidecar.addDirective(DirectiveContext.HTTP, Directive.of('server_names_hash_bucket_size', '128'));
    sidecar.addDirective(DirectiveContext.SERVER, Directive.of('client_header_timeout', '10s'));
    const r = nginxTest(Testing.synth(chart) as K8sObject[]);
    expect(r.output).toBe(SUCCESS);
  });

  it('accepts the sidecar on an Include-d StatefulSet in a namespace', () => {
    const yaml = path.join(site, 'sts.yaml');
    fs.writeFileSync(yaml, [
      'apiVersion: apps/v1', 'kind: StatefulSet', 'metadata: {name: db, namespace: data}',
      'spec:', '  serviceName: db', '  selector: {matchLabels: {app: db}}',
      '  template:', '    metadata: {labels: {app: db}}',
      '    spec:', '      containers: [{name: db, image: "db:1", ports: [{containerPort: 7000}]}]', '',
    ].join('\n'));
    const chart = Testing.chart();
    const inc = new Include(chart, 'inc', { url: yaml });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(inc.apiObjects[0]), routes: [Route.proxy('/')] });
    const r = nginxTest(Testing.synth(chart) as K8sObject[]);
    expect(r.output).toBe(SUCCESS);
  });

  it('proves the sandbox is real: a pid file outside the emptyDir fails on the read-only root', () => {
    const conf = 'pid /var/run/sidecar-test.pid;\nevents {}\nhttp { server { listen 8080; } }\n';
    const r = nginxTest(synthWithConf(conf));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/sidecar-test\.pid" failed \((30: Read-only file system|13: Permission denied)\)/);
  });

  it('proves nginx runs as uid 101: port 80 cannot be bound', () => {
    const conf = 'pid /var/cache/nginx/nginx.pid;\nevents {}\nhttp {\n'
      + '  client_body_temp_path /var/cache/nginx/c; proxy_temp_path /var/cache/nginx/p;\n'
      + '  fastcgi_temp_path /var/cache/nginx/f; uwsgi_temp_path /var/cache/nginx/u; scgi_temp_path /var/cache/nginx/s;\n'
      + '  access_log off;\n  server { listen 80; }\n}\n';
    const r = nginxTest(synthWithConf(conf));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/bind\(\) to 0\.0\.0\.0:80 failed \(13: Permission denied\)/);
  });
});
