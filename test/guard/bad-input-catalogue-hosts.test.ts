/**
 * The bad-input catalogue, part 2: headers, cookies and MIME types, directives, the container,
 * hosts, Service retargeting and metrics. Part 1: bad-input-catalogue.test.ts. How a row runs: see
 * catalogue-harness.ts.
 */
import { ApiObject, Cron, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import { Directive, DirectiveContext, IPlusWorkload, ISidecarHost, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { appDeployment } from '../sidecar/helpers';
import { Catalogue, attach, later, proxy, rawService, runCatalogue, sidecar, statefulSet, synthError } from './catalogue-harness';

const NO_POD_TEMPLATE = 'has no pod template with containers (expected one of Pod, PodTemplate, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob)';
const OWNED = 'is set by nginx itself (framing, hop-by-hop or compression); adding it would corrupt responses';

const CATALOGUE: Catalogue = {
  'headers, cookies, MIME types': [
    {
      name: 'a header name with a space', build: attach(() => ({ responseHeaders: { 'X Bad': 'v' } })),
      message: 'responseHeaders header name "X Bad" is not a valid header name (RFC 7230 token characters only)',
    },
    {
      name: 'CR/LF in a header value', build: attach(proxy('/', { headers: { 'X-A': 'a\r\nSet-Cookie: x=1' } })),
      message: 'Route.proxy("/") header "X-A" "a\\r\\nSet-Cookie: x=1" must not contain control characters (CR, LF, tab, ...)',
    },
    {
      name: '"$" in a header value', build: attach(() => ({ responseHeaders: { 'X-A': 'v$host' } })),
      message: 'responseHeaders header "X-A" "v$host" must not contain "$" (nginx would read it as a variable)',
    },
    {
      name: 'a non-ASCII header value', build: attach(() => ({ routes: [Route.file('/x', { path: 'x', headers: { 'X-Team': 'Café' } })] })),
      message: 'Route.file("/x") header "X-Team" "Café" must be printable ASCII',
    },
    {
      name: 'X-Cache-Status set on a cached route',
      build: attach(proxy('/', { cache: {}, headers: { 'X-Cache-Status': 'mine' } })),
      message: 'Route.proxy("/") header name "X-Cache-Status" is set by the sidecar on cached routes',
    },
    {
      // responseHeaders reach every route, cached ones too (also those added later with addRoute).
      name: 'X-Cache-Status in the sidecar-wide response headers',
      build: attach(() => ({ responseHeaders: { 'x-cache-status': 'mine' }, routes: [Route.proxy('/', { cache: {} })] })),
      message: 'responseHeaders header name "x-cache-status" is set by the sidecar on cached routes, where this would send it twice; '
        + 'set it on an uncached route\'s headers',
    },
    { name: 'a backslash in a header value', build: attach(() => ({ responseHeaders: { 'X-A': 'a\\n' } })), message: 'responseHeaders header "X-A" "a\\\\n" must not contain a backslash' },
    { name: 'a header value with a leading space', build: attach(() => ({ responseHeaders: { 'X-A': ' v' } })), message: 'responseHeaders header "X-A" " v" must not start or end with whitespace' },
    { name: 'a header nginx owns', build: attach(() => ({ responseHeaders: { 'Content-Length': '0' } })), message: `responseHeaders header name "Content-Length" ${OWNED}` },
    {
      name: 'a hop-by-hop header in any case', build: attach(proxy('/', { headers: { 'TRANSFER-ENCODING': 'chunked' } })),
      message: `Route.proxy("/") header name "TRANSFER-ENCODING" ${OWNED}`,
    },
    {
      name: 'the same header twice in different case', build: attach(() => ({ responseHeaders: { 'X-Frame-Options': 'DENY', 'x-frame-options': 'SAMEORIGIN' } })),
      message: 'responseHeaders header name "x-frame-options" repeats "X-Frame-Options" (header names are case-insensitive); nginx would send both',
    },
    {
      name: 'a private cookie name with ";"', build: attach(() => ({ cache: { privateCookies: ['session;x'] } })),
      message: 'cache.privateCookies "session;x" may contain only letters, digits and "._-"',
    },
    { name: 'a wildcard MIME type', build: attach(() => ({ gzip: { types: ['text/*'] } })), message: 'gzip.types "text/*" is not a MIME type (lower-case type/subtype)' },
    {
      name: 'a raster image MIME type', build: attach(() => ({ gzip: { types: ['image/png'] } })),
      message: 'gzip.types "image/png" is an already-compressed image type; gzip only costs CPU for it',
    },
    {
      name: 'a MIME type over 46 bytes', build: attach(() => ({ gzip: { types: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] } })),
      message: 'gzip.types "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" is 65 bytes long; 46 bytes is the longest type nginx\'s gzip_types hash can hold',
    },
    { name: 'text/html in gzip types', build: attach(() => ({ gzip: { types: ['text/html'] } })), message: 'gzip.types "text/html" is always compressed by nginx; listing it makes nginx warn' },
    {
      name: 'a MIME type listed twice', build: attach(() => ({ gzip: { types: ['text/css', 'application/json', 'text/css'] } })),
      message: 'gzip.types "text/css" is listed more than once; nginx warns about a duplicate MIME type',
    },
  ],
  'directives': [
    {
      name: 'a directive name with "-"', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('proxy-buffers', '8')] })] })),
      message: 'Directive name "proxy-buffers" is not a directive name (lower-case letters, digits and "_")',
    },
    {
      name: 'charset_map, a block directive', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('charset_map', 'koi8-r', 'utf-8'))),
      message: 'Directive name "charset_map" opens a block; only simple directives can be added',
    },
    {
      name: 'a lone surrogate in a directive argument', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('add_header', 'X-A', 'a\ud800b')] })] })),
      message: 'Directive "add_header" argument 2 "a\\ud800b" must be valid Unicode (it has a lone surrogate)',
    },
    {
      // nginx would take these, but nginx.conf travels in a ConfigMap: kubectl's YAML reader breaks the line there.
      name: 'U+2028 in a directive argument', build: attach(() => ({ routes: [Route.proxy('/', { directives: [Directive.of('return', '200', 'a\u2028b')] })] })),
      message: 'Directive "return" argument 2 "a\u2028b" must not contain U+2028: YAML readers such as kubectl\'s read it as a line break or refuse it',
    },
    {
      name: 'U+0085 (NEL) in a directive argument', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('charset', 'x\u0085y'))),
      message: 'Directive "charset" argument 1 "x\u0085y" must not contain U+0085: YAML readers such as kubectl\'s read it as a line break or refuse it',
    },
    {
      name: 'a block directive', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('location', '/x'))),
      message: 'Directive name "location" opens a block; only simple directives can be added',
    },
    {
      name: 'LF in a directive argument', build: later(() => ({}), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('map_hash_bucket_size', '64\nuser root'))),
      message: 'Directive "map_hash_bucket_size" argument 1 "64\\nuser root" must not contain control characters (CR, LF, tab, ...)',
    },
    {
      name: 'add_header at server level', build: later(proxy('/'), (s) => s.addDirective(DirectiveContext.SERVER, Directive.of('add_header', 'X-A', 'b'))),
      message: 'addDirective(server) "add_header" would be ignored in every location; use responseHeaders or a route\'s headers',
    },
    {
      name: 'proxy_set_header at http level', build: later(proxy('/'), (s) => s.addDirective(DirectiveContext.HTTP, Directive.of('proxy_set_header', 'X-A', 'b'))),
      message: 'addDirective(http) "proxy_set_header" would be ignored in every location; use a proxy route\'s requestHeaders',
    },
    {
      name: 'a context that does not exist', build: later(() => ({}), (s) => s.addDirective('location' as DirectiveContext, Directive.of('gzip', 'on'))),
      message: 'addDirective context "location" must be DirectiveContext.HTTP or DirectiveContext.SERVER',
    },
  ],
  'container: image, resources, env, names, nginxConf': [
    { name: 'an image with a trailing space', build: attach(() => ({ image: 'nginx:1.27 ' })), message: 'image "nginx:1.27 " is not an image reference' },
    { name: 'an image with an upper-case repository', build: attach(() => ({ image: 'NGINX:1.27' })), message: 'image "NGINX:1.27" is not an image reference' },
    { name: 'an image with an empty tag', build: attach(() => ({ image: 'nginx:' })), message: 'image "nginx:" is not an image reference' },
    {
      name: 'a memory request above the limit', build: attach(() => ({ resources: { memoryRequest: Size.mebibytes(256) } })),
      message: 'resources.memoryRequest "256Mi" is above resources.memoryLimit (128Mi)',
    },
    { name: 'a CPU request above the limit', build: attach(() => ({ resources: { cpuRequestMillicores: 1000 } })), message: 'resources.cpuRequestMillicores 1000 is above resources.cpuLimitMillicores (500)' },
    { name: 'a zero CPU limit', build: attach(() => ({ resources: { cpuLimitMillicores: 0 } })), message: 'resources.cpuLimitMillicores 0 must be an integer from 1 to 1000000' },
    { name: 'an env name starting with a digit', build: attach(() => ({ env: { '1A': 'x' } })), message: 'env name "1A" is not a valid environment variable name' },
    {
      name: 'a containerName that is not a DNS label', build: attach(() => ({ containerName: 'Nginx' })),
      message: 'containerName "Nginx" must be a DNS label of at most 40 characters (lower-case letters, digits, "-")',
    },
    { name: 'a blank nginxConf', build: attach(() => ({ nginxConf: ' \n' })), message: 'nginxConf " \\n" is empty' },
  ],
  'hosts': [
    {
      name: 'no host', build: (c) => () => new ReverseProxySidecar(c.chart, 'proxy', { host: undefined as unknown as ISidecarHost }),
      message: 'host undefined is required: use SidecarHost.fromWorkload(...) or SidecarHost.fromApiObject(...)',
    },
    {
      name: 'a raw Service', build: (c) => () => SidecarHost.fromApiObject(rawService(c, { ports: [{ port: 80 }] })),
      message: `SidecarHost.fromApiObject "Service/svc" ${NO_POD_TEMPLATE}`,
    },
    {
      name: 'a raw kind that creates no pods, with a pod-template-like spec (PodDisruptionBudget)',
      build: (c) => () => SidecarHost.fromApiObject(new ApiObject(c.chart, 'pdb', {
        apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb' }, spec: { template: { spec: { containers: [{ name: 'app', image: 'a' }] } } },
      })),
      message: `SidecarHost.fromApiObject "PodDisruptionBudget/pdb" ${NO_POD_TEMPLATE}`,
    },
    {
      name: 'a raw Deployment without a pod template',
      build: (c) => () => SidecarHost.fromApiObject(new ApiObject(c.chart, 'd', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} })),
      message: `SidecarHost.fromApiObject "Deployment/d" ${NO_POD_TEMPLATE}`,
    },
    {
      name: 'a cdk8s-plus Service passed as a workload',
      build: (c) => () => SidecarHost.fromWorkload(new kplus.Service(c.chart, 'svc', { ports: [{ port: 80 }] }) as unknown as IPlusWorkload),
      message: 'SidecarHost.fromWorkload "test/svc" is not a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod); '
        + 'use SidecarHost.fromApiObject for a raw object',
    },
    {
      name: 'a cdk8s-plus workload passed as an ApiObject',
      build: (c) => () => SidecarHost.fromApiObject(appDeployment(c.chart) as unknown as ApiObject),
      message: 'SidecarHost.fromApiObject "test/web" is not an ApiObject; use SidecarHost.fromWorkload for a cdk8s-plus workload',
    },
    {
      name: 'a second sidecar on the same workload',
      build: (c) => {
        const web = appDeployment(c.chart);
        sidecar(c, {}, SidecarHost.fromWorkload(web));
        return () => new ReverseProxySidecar(c.chart, 'proxy2', { host: SidecarHost.fromWorkload(web), containerName: 'nginx2', port: 8081, portName: 'nginx2-http' });
      },
      message: 'host Deployment "test/web" already has a ReverseProxySidecar (test/proxy); attach one per workload',
    },
    {
      name: 'a containerName already taken', build: attach(() => ({ containerName: 'app' }), (c) => SidecarHost.fromApiObject(statefulSet(c))),
      message: 'containerName "app" is already a container of StatefulSet "am"',
    },
    {
      name: 'a host volume with the sidecar\'s volume name',
      build: attach(() => ({}), (c) => {
        const web = appDeployment(c.chart);
        web.addVolume(kplus.Volume.fromEmptyDir(c.chart, 'v', 'nginx-config'));
        return SidecarHost.fromWorkload(web);
      }),
      message: 'containerName "nginx" prefixes the sidecar\'s volume names, and Deployment "test/web" already has a volume "nginx-config"',
    },
    {
      name: 'a container with the sidecar\'s name added later (at synthesis)',
      build: (c) => {
        const web = appDeployment(c.chart);
        sidecar(c, {}, SidecarHost.fromWorkload(web));
        web.addContainer({ name: 'nginx', image: 'nginx:1' });
      },
      message: synthError('containerName "nginx" is also the name of a container added to Deployment "test/web" later'),
    },
  ],
  'a Service past nginx': [
    {
      name: 'exposeViaService() before the sidecar (at synthesis)',
      build: (c) => { const web = appDeployment(c.chart); web.exposeViaService({ name: 'web' }); sidecar(c, { routes: [Route.proxy('/')] }, SidecarHost.fromWorkload(web)); },
      message: synthError('Service "web" (test/web/webService/Resource) sends port 5000 to the app\'s port 5000 on the pods of Deployment '
        + '"test/web", past nginx: make the Service with proxy.exposeViaService() instead (or give it targetPort 8080, the sidecar\'s port), or call proxy.retargetService on it; '
        + 'if it is meant to reach the app directly, annotate it reverse-proxy-sidecar.cdk8s.io/bypass: "true"'),
    },
  ],
  'native sidecar': [
    {
      name: 'nativeSidecar not a boolean', build: attach(() => ({ nativeSidecar: 'yes' as unknown as boolean })),
      message: 'nativeSidecar "yes" must be true or false',
    },
    {
      name: 'nativeSidecar on a cdk8s-plus-27 workload', build: attach(() => ({ nativeSidecar: true })),
      message: 'nativeSidecar true needs cdk8s-plus-28 or later: Deployment "test/web" is a cdk8s-plus-27 workload, whose Kubernetes '
        + '1.27 types drop an init container\'s restartPolicy; use cdk8s-plus-29 or later (clusters 1.29+), or leave nativeSidecar unset',
    },
    {
      name: 'nativeSidecar on a raw object whose 1.27 class drops restartPolicy (at synthesis)',
      build: (c) => { sidecar(c, { nativeSidecar: true }, SidecarHost.fromApiObject(ApiObject.of(appDeployment(c.chart)))); },
      message: synthError('nativeSidecar true is lost in Deployment "test-web-c8ba1bf5": its object class drops an init container\'s '
        + 'restartPolicy (Kubernetes types before 1.28); use an object of 1.28+ types, or nativeSidecar: false'),
    },
    {
      name: 'a regular nginx container in a cdk8s-plus-34 Job (the Job would never complete)',
      build: (c) => {
        const host = SidecarHost.fromWorkload(new plus34.Job(c.chart, 'job', { containers: [{ image: 'app:1' }] }));
        return () => { sidecar(c, { nativeSidecar: false }, host); };
      },
      message: 'nativeSidecar false would make nginx a regular container of Job "test/job": it keeps running after the Job is done, so '
        + 'the Job never completes; set nativeSidecar: true (a native sidecar, which Kubernetes 1.29+ stops when the Job\'s containers are done)',
    },
    {
      name: 'a cdk8s-plus-27 CronJob (no native sidecar there)',
      build: (c) => {
        const host = SidecarHost.fromWorkload(new kplus.CronJob(c.chart, 'cron', { schedule: Cron.daily(), containers: [{ image: 'app:1' }] }));
        return () => { sidecar(c, {}, host); };
      },
      message: 'nativeSidecar false would make nginx a regular container of CronJob "test/cron": it keeps running after the CronJob\'s '
        + 'Job is done, so the Job never completes; cdk8s-plus-27 cannot express a native sidecar: use cdk8s-plus-28 or later '
        + '(nativeSidecar: true; the default from 29), or write the CronJob as a raw object (new ApiObject, or Include; not '
        + 'ApiObject.of(...), whose Kubernetes 1.27 class drops restartPolicy) and attach it with SidecarHost.fromApiObject and '
        + 'nativeSidecar: true (Kubernetes 1.29+)',
    },
    {
      name: 'a raw Job with the default (regular container)',
      build: (c) => {
        const host = SidecarHost.fromApiObject(new ApiObject(c.chart, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job' },
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'app:1' }] } } } }));
        return () => { sidecar(c, {}, host); };
      },
      message: 'nativeSidecar false would make nginx a regular container of Job "job": it keeps running after the Job is done, so '
        + 'the Job never completes; set nativeSidecar: true (a native sidecar, which Kubernetes 1.29+ stops when the Job\'s containers are done)',
    },
  ],
  'Service retarget': [
    {
      name: 'a ConfigMap', build: later(proxy('/'), (s, c) => s.retargetService(new ApiObject(c.chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } }))),
      message: 'retargetService(ConfigMap "cm") "ConfigMap" is not a Service',
    },
    {
      name: 'null options', build: later(proxy('/'), (s, c) => s.retargetService(rawService(c, { ports: [{ name: 'web', port: 80 }] }), null as any)),
      message: 'retargetService(Service "svc") options null must be an object (or left out)',
    },
    {
      name: 'from a port the Service does not have', build: later(proxy('/'), (s, c) => s.retargetService(rawService(c, { ports: [{ name: 'web', port: 80 }] }), { fromPort: 81 })),
      message: 'retargetService(Service "svc") fromPort 81 is not a port of the Service (it has: 80 (web))',
    },
    {
      name: 'two ports, none to the app, no fromPort',
      build: later(proxy('/'), (s, c) => s.retargetService(rawService(c, { ports: [{ name: 'metrics', port: 9100 }, { name: 'admin', port: 9200 }] }))),
      message: 'retargetService(Service "svc") fromPort undefined must be set: the Service has ports 9100 (metrics), 9200 (admin) and 0 of them target the app',
    },
    {
      name: 'to port 0', build: later(proxy('/'), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 80, targetPort: 5000 }] }), { port: 0 })),
      message: 'retargetService(Service "svc") port 0 must be an integer from 1 to 65535',
    },
    {
      name: 'to a port another port of the Service has',
      build: later(proxy('/'), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 9100 }, { port: 80, targetPort: 5000 }] }), { port: 9100 })),
      message: 'retargetService(Service "svc") port 9100 is already another port of the Service',
    },
    {
      name: 'a UDP port', build: later(proxy('/'), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 53, targetPort: 5000, protocol: 'UDP' }] }))),
      message: 'retargetService(Service "svc") fromPort 53 is a UDP port; nginx serves HTTP over TCP',
    },
    {
      name: 'a Service that selects other pods (at synthesis)',
      build: (c) => {
        const s = sidecar(c, proxy('/')(), SidecarHost.fromApiObject(statefulSet(c)));
        s.retargetService(rawService(c, { selector: { app: 'other' }, ports: [{ port: 9093, targetPort: 'http' }] }, { namespace: 'monitoring' }));
      },
      message: synthError('retargetService(Service "svc") selector {"app":"other"} does not select the pods of StatefulSet "am" (their labels: {"app":"am"})'),
    },
    {
      name: 'a Service in another namespace (at synthesis)',
      build: (c) => {
        const s = sidecar(c, proxy('/')(), SidecarHost.fromApiObject(statefulSet(c)));
        s.retargetService(rawService(c, { selector: { app: 'am' }, ports: [{ port: 9093, targetPort: 'http' }] }, { namespace: 'default' }));
      },
      message: synthError('retargetService(Service "svc") namespace "default" is not the namespace of StatefulSet "am" ("monitoring")'),
    },
  ],
  'metrics': [
    {
      name: 'statusPort below 1024', build: attach(() => ({ metrics: { statusPort: 81 } })),
      message: 'metrics.statusPort 81 is below 1024, which a non-root container without capabilities cannot bind',
    },
    { name: 'statusPort 70000', build: attach(() => ({ metrics: { statusPort: 70000 } })), message: 'metrics.statusPort 70000 must be an integer from 1 to 65535' },
    {
      name: 'statusPort the sidecar\'s port', build: attach(() => ({ metrics: { statusPort: 8080 } })),
      message: 'metrics.statusPort 8080 is the sidecar\'s own port',
    },
    {
      name: 'statusPort the appPort', build: attach(() => ({ appPort: 5000, metrics: { statusPort: 5000 } })),
      message: 'metrics.statusPort 5000 is the app\'s port (appPort)',
    },
    {
      name: 'statusPort a container port of the app', build: attach(() => ({ metrics: { statusPort: 5000 } })),
      message: 'metrics.statusPort 5000 is already used by container "app" of Deployment "test/web"',
    },
    {
      name: 'exporterPort the statusPort', build: attach(() => ({ metrics: { exporter: true, statusPort: 9000, exporterPort: 9000 } })),
      message: 'metrics.exporterPort 9000 is also metrics.statusPort',
    },
    {
      name: 'exporterPort the sidecar\'s port', build: attach(() => ({ metrics: { exporter: true, exporterPort: 8080 } })),
      message: 'metrics.exporterPort 8080 is the sidecar\'s own port',
    },
    {
      name: 'exporterPort a container port of an Include\'d StatefulSet',
      build: attach(() => ({ metrics: { exporter: true, exporterPort: 9093 } }), (c) => SidecarHost.fromApiObject(statefulSet(c))),
      message: 'metrics.exporterPort 9093 is already used by container "app" of StatefulSet "am"',
    },
    {
      name: 'exporterPortName the app\'s port name', build: attach(() => ({ metrics: { exporter: true, exporterPortName: 'http' } })),
      message: 'metrics.exporterPortName "http" is already used by container "app" of Deployment "test/web"',
    },
    {
      name: 'exporterPortName the sidecar\'s portName', build: attach(() => ({ metrics: { exporter: true, exporterPortName: 'nginx-http' } })),
      message: 'metrics.exporterPortName "nginx-http" is the sidecar\'s own portName',
    },
    {
      name: 'exporterPortName not an IANA service name', build: attach(() => ({ metrics: { exporter: true, exporterPortName: 'prometheus_metrics' } })),
      message: 'metrics.exporterPortName "prometheus_metrics" must be an IANA service name: at most 15 lower-case letters, digits and "-", with a letter',
    },
    {
      name: 'an exporterImage that is not an image reference', build: attach(() => ({ metrics: { exporter: true, exporterImage: 'Exporter:latest' } })),
      message: 'metrics.exporterImage "Exporter:latest" is not an image reference',
    },
    {
      name: 'exporter options without exporter', build: attach(() => ({ metrics: { exporterPort: 9114 } })),
      message: 'metrics.exporterPort 9114 is set, but metrics.exporter is not true',
    },
    { name: 'exporter not a boolean', build: attach(() => ({ metrics: { exporter: 'yes' as unknown as boolean } })), message: 'metrics.exporter "yes" must be true or false' },
    { name: 'metrics not an object', build: attach(() => ({ metrics: true as never })), message: 'metrics true must be an object (or left out)' },
    {
      name: 'metrics with your own nginxConf',
      build: attach(() => ({ nginxConf: 'events {}\nhttp { server { listen 8080; location = /_sidecar/healthz { return 200; } } }\n', metrics: {} })),
      message: 'metrics {} needs the rendered nginx.conf; with your own nginxConf, serve stub_status in it and run an exporter yourself',
    },
    {
      name: 'the exporter\'s container name already taken',
      build: attach(() => ({ metrics: { exporter: true } }), (c) => SidecarHost.fromWorkload(new kplus.Deployment(c.chart, 'web', {
        containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }, { name: 'nginx-exporter', image: 'exporter:1' }],
      }))),
      message: 'metrics.exporter true adds the container "nginx-exporter", and Deployment "test/web" has another container of that name; change containerName',
    },
    {
      name: 'a container added later on the status port (at synthesis)',
      build: (c) => {
        const web = appDeployment(c.chart);
        sidecar(c, { ...proxy('/')(), metrics: { exporter: true } }, SidecarHost.fromWorkload(web));
        web.addContainer({ name: 'debug', image: 'debug:1', ports: [{ number: 8081 }] });
      },
      message: synthError('metrics.statusPort 8081 is already used by container "debug" of Deployment "test/web"'),
    },
  ],
};

runCatalogue('the bad-input catalogue, part 2', CATALOGUE);
