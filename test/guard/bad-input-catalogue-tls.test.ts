/**
 * The bad-input catalogue, part 3: HTTPS (`tls`) and the Service's HTTPS port. Parts 1 and 2:
 * bad-input-catalogue.test.ts, bad-input-catalogue-hosts.test.ts. How a row runs: see
 * catalogue-harness.ts.
 */
import { Duration } from 'cdk8s';
import { Route, SidecarHost } from '../../lib';
import { appDeployment } from '../sidecar/helpers';
import { Catalogue, Props, attach, later, proxy, rawService, runCatalogue, sidecar, synthError } from './catalogue-harness';

const SECRET_NAME = 'is not a name Kubernetes accepts for a Secret: at most 253 lower-case letters, digits, "-" and ".", '
  + 'starting and ending with a letter or digit';

/** Props with a proxy route at `/` and `tls` (secret "web-tls" unless given) with these options. */
const tls = (options: object, more: Props = {}) => (): Props => ({ routes: [Route.proxy('/')], tls: { secretName: 'web-tls', ...options }, ...more });

const CATALOGUE: Catalogue = {
  'tls': [
    { name: 'an empty secretName', build: attach(tls({ secretName: '' })),
      message: 'tls.secretName "" is empty: name the kubernetes.io/tls Secret that holds tls.crt and tls.key' },
    { name: 'a secretName with capitals and "_"', build: attach(tls({ secretName: 'Web_TLS' })), message: `tls.secretName "Web_TLS" ${SECRET_NAME}` },
    { name: 'a secretName ending in "-"', build: attach(tls({ secretName: 'web-tls-' })), message: `tls.secretName "web-tls-" ${SECRET_NAME}` },
    { name: 'a secretName of 254 characters', build: attach(tls({ secretName: 'a'.repeat(254) })), message: `tls.secretName "${'a'.repeat(254)}" ${SECRET_NAME}` },
    { name: 'no secretName (plain JavaScript)', build: attach(tls({ secretName: undefined })),
      message: 'tls.secretName undefined must be the name of a kubernetes.io/tls Secret' },
    { name: 'tls as a string (plain JavaScript)', build: attach(() => ({ tls: 'web-tls' as never })), message: 'tls "web-tls" must be an object (or left out)' },
    { name: 'tls.port the plain port', build: attach(tls({ port: 8080 })),
      message: 'tls.port 8080 is also the plain HTTP port (port); HTTPS needs a port of its own' },
    { name: 'tls.port the app\'s port (appPort)', build: attach(tls({ port: 5000 }, { appPort: 5000 })),
      message: 'tls.port 5000 is the app\'s port (appPort); nginx and the app cannot both listen on it' },
    { name: 'tls.port a container port of the app', build: attach(tls({ port: 5000 })),
      message: 'tls.port 5000 is already used by container "app" of Deployment "test/web"' },
    { name: 'tls.port 443', build: attach(tls({ port: 443 })),
      message: 'tls.port 443 is below 1024, which nginx cannot bind as uid 101 without capabilities; listen on 1024 or above and '
        + 'give the Service 443 (retargetService(service, { httpsPort: 443 }))' },
    { name: 'tls.port 70000', build: attach(tls({ port: 70000 })), message: 'tls.port 70000 must be an integer from 1 to 65535' },
    { name: 'tls.portName the plain port\'s name', build: attach(tls({ portName: 'nginx-http' })),
      message: 'tls.portName "nginx-http" is also the plain HTTP port\'s name (portName); container port names are unique' },
    { name: 'tls.portName the app\'s port name', build: attach(tls({ portName: 'http' })),
      message: 'tls.portName "http" is already used by container "app" of Deployment "test/web"' },
    { name: 'tls.portName not an IANA service name', build: attach(tls({ portName: 'HTTPS' })),
      message: 'tls.portName "HTTPS" must be an IANA service name: at most 15 lower-case letters, digits and "-", with a letter' },
    { name: 'redirectHttp not a boolean (plain JavaScript)', build: attach(tls({ redirectHttp: 'yes' })),
      message: 'tls.redirectHttp "yes" must be true or false' },
    { name: 'redirectPort without redirectHttp', build: attach(tls({ redirectPort: 443 })),
      message: 'tls.redirectPort 443 is set, but tls.redirectHttp is not: nothing redirects' },
    { name: 'redirectPort 0', build: attach(tls({ redirectHttp: true, redirectPort: 0 })), message: 'tls.redirectPort 0 must be an integer from 1 to 65535' },
    { name: 'hsts of a fraction of a second', build: attach(tls({ hsts: Duration.millis(1500) })),
      message: 'tls.hsts "1 second 500 millis" must be whole seconds from 1 second to 730 days' },
    { name: 'hsts of three years', build: attach(tls({ hsts: Duration.days(1095) })),
      message: 'tls.hsts "1095 days" must be whole seconds from 1 second to 730 days' },
    { name: 'hsts as a number (plain JavaScript)', build: attach(tls({ hsts: 31536000 })),
      message: 'tls.hsts 31536000 must be a cdk8s Duration, e.g. Duration.seconds(5)' },
    { name: 'hsts and a Strict-Transport-Security response header',
      build: attach(tls({ hsts: Duration.days(1) }, { responseHeaders: { 'strict-transport-security': 'max-age=60' } })),
      message: 'responseHeaders header name "strict-transport-security" is also sent by tls.hsts on HTTPS; nginx would send both: keep one' },
    { name: 'rotationCheckInterval without reloadOnRotation', build: attach(tls({ reloadOnRotation: false, rotationCheckInterval: Duration.seconds(5) })),
      message: 'tls.rotationCheckInterval "5 seconds" is set, but tls.reloadOnRotation is false: nothing checks' },
    { name: 'rotationCheckInterval of two hours', build: attach(tls({ rotationCheckInterval: Duration.hours(2) })),
      message: 'tls.rotationCheckInterval "1 hour 60 minutes" must be whole seconds from 1 second to 1 hour' },
    { name: 'a custom nginxConf without the HTTPS listen',
      build: attach(() => ({ tls: { secretName: 'web-tls' }, nginxConf: 'pid /var/cache/nginx/nginx.pid;\nevents {}\nhttp { server { listen 8080; location = /_sidecar/healthz { return 200; } } }\n' })),
      message: 'nginxConf "pid /var/cache/nginx/nginx.pid;" has no "listen 8443 ssl;": tls serves HTTPS on port 8443, '
        + 'with the certificate at /etc/nginx/tls/tls.crt and its key at /etc/nginx/tls/tls.key' },
    {
      name: 'a container added later on the HTTPS port (at synthesis)',
      build: (c) => {
        const web = appDeployment(c.chart);
        sidecar(c, tls({})(), SidecarHost.fromWorkload(web));
        web.addContainer({ name: 'metrics', image: 'metrics:1', ports: [{ number: 8443 }] });
      },
      message: synthError('tls.port 8443 is already used by container "metrics" of Deployment "test/web"'),
    },
    { name: 'retargetService httpsPort without tls', build: later(proxy('/'), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 80, targetPort: 5000 }] }), { httpsPort: 443 })),
      message: 'retargetService(Service "svc") httpsPort 443 needs the sidecar\'s tls option: nginx serves no HTTPS' },
    { name: 'retargetService httpsPort the plain port\'s new number', build: later(tls({}), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 80, targetPort: 5000 }] }), { port: 443, httpsPort: 443 })),
      message: 'retargetService(Service "svc") httpsPort 443 is also the Service port that reaches nginx\'s plain HTTP port' },
    { name: 'retargetService httpsPort the port that moves to plain HTTP',
      build: later(tls({}), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 443, targetPort: 5000 }] }), { fromPort: 443, port: 80, httpsPort: 443 })),
      message: 'retargetService(Service "svc") httpsPort 443 is the port moved to nginx\'s plain HTTP port; choose another fromPort or httpsPort' },
    { name: 'retargetService httpsPort when another port has the HTTPS port\'s name',
      build: later(tls({}), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 80, targetPort: 5000 }, { name: 'nginx-https', port: 9000 }] }), { fromPort: 80, httpsPort: 443 })),
      message: 'retargetService(Service "svc") httpsPort name "nginx-https" is already the name of another port of the Service' },
    { name: 'retargetService httpsPort on a UDP port',
      build: later(tls({}), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 80, targetPort: 5000 }, { port: 443, protocol: 'UDP' }] }), { fromPort: 80, httpsPort: 443 })),
      message: 'retargetService(Service "svc") httpsPort 443 is a UDP port; nginx serves HTTPS over TCP' },
  ],
  'tls: more values, and beside metrics': [
    { name: 'tls null (plain JavaScript)', build: attach(() => ({ tls: null as never })), message: 'tls null must be an object (or left out)' },
    { name: 'a secretName with "/"', build: attach(tls({ secretName: 'web/tls' })), message: `tls.secretName "web/tls" ${SECRET_NAME}` },
    { name: 'a secretName starting with "."', build: attach(tls({ secretName: '.web' })), message: `tls.secretName ".web" ${SECRET_NAME}` },
    { name: 'a non-integer tls.port', build: attach(tls({ port: 8443.5 })), message: 'tls.port 8443.5 must be an integer from 1 to 65535' },
    { name: 'an empty tls.portName', build: attach(tls({ portName: '' })),
      message: 'tls.portName "" must be an IANA service name: at most 15 lower-case letters, digits and "-", with a letter' },
    { name: 'a tls.portName of 16 characters', build: attach(tls({ portName: 'nginx-https-port' })),
      message: 'tls.portName "nginx-https-port" must be an IANA service name: at most 15 lower-case letters, digits and "-", with a letter' },
    { name: 'redirectPort 70000', build: attach(tls({ redirectHttp: true, redirectPort: 70000 })), message: 'tls.redirectPort 70000 must be an integer from 1 to 65535' },
    { name: 'hsts of zero', build: attach(tls({ hsts: Duration.seconds(0) })), message: 'tls.hsts "0 seconds" must be whole seconds from 1 second to 730 days' },
    { name: 'reloadOnRotation not a boolean (plain JavaScript)', build: attach(tls({ reloadOnRotation: 'yes' })),
      message: 'tls.reloadOnRotation "yes" must be true or false' },
    { name: 'rotationCheckInterval of half a second', build: attach(tls({ rotationCheckInterval: Duration.millis(500) })),
      message: 'tls.rotationCheckInterval "500 millis" must be whole seconds from 1 second to 1 hour' },
    { name: 'tls.port the metrics status port', build: attach(tls({ port: 8081 }, { metrics: {} })), message: 'tls.port 8081 is also metrics.statusPort' },
    { name: 'tls.port the exporter\'s port', build: attach(tls({ port: 9113 }, { metrics: { exporter: true } })),
      message: 'tls.port 9113 is also metrics.exporterPort' },
    { name: 'tls.portName the exporter\'s port name', build: attach(tls({ portName: 'metrics' }, { metrics: { exporter: true } })),
      message: 'tls.portName "metrics" is also metrics.exporterPortName' },
    { name: 'retargetService httpsPort 0', build: later(tls({}), (s, c) => s.retargetService(rawService(c, { ports: [{ port: 80, targetPort: 5000 }] }), { httpsPort: 0 })),
      message: 'retargetService(Service "svc") httpsPort 0 must be an integer from 1 to 65535' },
  ],
};

runCatalogue('the bad-input catalogue, part 3', CATALOGUE);
