import { ApiObject, Chart, Cron, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import { ISidecarHost, MetricsOptions, ReverseProxySidecar, Route, SidecarHost, TlsOptions } from '../../lib';
import { STATEFUL_SET_ONLY_YAML, STATEFUL_SET_YAML, TempDir, include, included, rawDeployment } from '../sidecar/helpers';

/** A host and the Service in front of it (for the retarget variant). */
interface Host {
  readonly host: ISidecarHost;
  readonly service: () => ApiObject | kplus.Service | plus34.Service;
  /** @default - the host's default */
  readonly nativeSidecar?: boolean;
}

const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000, name: 'http' }] };

/** A cdk8s-plus Service with one port to the app, for workloads that have none of their own. */
const plusService = (chart: Chart) => () => new kplus.Service(chart, 'svc', { ports: [{ port: 80, targetPort: 5000 }] });

/** Every kind of host the construct supports. */
const HOSTS: ReadonlyArray<readonly [string, (chart: Chart, dir: TempDir) => Host]> = [
  ['cdk8s-plus Deployment', (chart) => ({ host: SidecarHost.fromWorkload(new kplus.Deployment(chart, 'web', { containers: [APP] })), service: plusService(chart) })],
  ['cdk8s-plus StatefulSet', (chart) => ({ host: SidecarHost.fromWorkload(new kplus.StatefulSet(chart, 'web', { containers: [APP] })), service: plusService(chart) })],
  ['cdk8s-plus DaemonSet', (chart) => ({ host: SidecarHost.fromWorkload(new kplus.DaemonSet(chart, 'web', { containers: [APP] })), service: plusService(chart) })],
  // A Job takes only a native sidecar, which cdk8s-plus-27 cannot express: a raw Job, and cdk8s-plus-34's CronJob.
  ['raw Job (ApiObject), native sidecar on request', (chart) => ({
    host: SidecarHost.fromApiObject(new ApiObject(chart, 'web', {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'web' },
      spec: { template: { metadata: { labels: { app: 'job' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'app:1.0.0', ports: [{ containerPort: 5000, name: 'http' }] }] } } },
    })),
    nativeSidecar: true,
    service: plusService(chart),
  })],
  ['cdk8s-plus-34 CronJob (native sidecar)', (chart) => ({
    host: SidecarHost.fromWorkload(new plus34.CronJob(chart, 'web', { schedule: Cron.daily(), containers: [APP] })),
    service: () => new plus34.Service(chart, 'svc', { ports: [{ port: 80, targetPort: 5000 }] }),
  })],
  ['cdk8s-plus Pod', (chart) => ({ host: SidecarHost.fromWorkload(new kplus.Pod(chart, 'web', { containers: [APP] })), service: plusService(chart) })],
  ['raw Deployment (ApiObject)', (chart) => ({
    host: SidecarHost.fromApiObject(rawDeployment(chart)),
    service: () => new ApiObject(chart, 'svc', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'raw' },
      spec: { selector: { app: 'raw' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }),
  })],
  // Native sidecars (init containers with restartPolicy Always): the default on cdk8s-plus-34.
  ['cdk8s-plus-34 Deployment (native sidecar)', (chart) => ({
    host: SidecarHost.fromWorkload(new plus34.Deployment(chart, 'web', { containers: [APP] })),
    service: () => new plus34.Service(chart, 'svc', { ports: [{ port: 80, targetPort: 5000 }] }),
  })],
  ['cdk8s-plus-34 Job (native sidecar)', (chart) => ({
    host: SidecarHost.fromWorkload(new plus34.Job(chart, 'web', { containers: [APP] })),
    service: () => new plus34.Service(chart, 'svc', { ports: [{ port: 80, targetPort: 5000 }] }),
  })],
  ['raw Deployment (ApiObject), native sidecar on request', (chart) => ({
    host: SidecarHost.fromApiObject(rawDeployment(chart)),
    nativeSidecar: true,
    service: () => new ApiObject(chart, 'svc', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'raw' },
      spec: { selector: { app: 'raw' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }),
  })],
  ['StatefulSet and Service loaded with Include', (chart, dir) => {
    // The chart's Service only where it is retargeted: left alone, it would send 9093 past nginx.
    const inc = include(chart, dir, STATEFUL_SET_ONLY_YAML);
    return {
      host: SidecarHost.fromApiObject(included(inc, 'StatefulSet', 'am')),
      service: () => included(include(chart, dir, STATEFUL_SET_YAML.split('---\n')[1], 'service'), 'Service', 'am'),
    };
  }],
];

/** What is attached: routes and options, and whether a Service is moved to the sidecar. */
const VARIANTS: ReadonlyArray<readonly [string, (dir: TempDir) => { routes: Route[]; retarget: boolean; metrics?: MetricsOptions; tls?: TlsOptions }]> = [
  ['a proxy route', () => ({ routes: [Route.proxy('/')], retarget: false })],
  ['static files, a file and a stripped proxy route', (dir) => ({
    routes: [
      Route.staticFiles('/', { directory: dir.path('site') }),
      Route.file('/robots.txt', { path: dir.path('site/index.html') }),
      Route.proxy('/api/', { stripPrefix: true }),
    ],
    retarget: false,
  })],
  ['a cached route and a retargeted Service', () => ({
    routes: [Route.proxy('/assets/', { cache: { validFor: Duration.hours(1) } }), Route.proxy('/')],
    retarget: true,
  })],
  ['metrics with the exporter', () => ({ routes: [Route.proxy('/')], retarget: false, metrics: { exporter: true } })],
  ['HTTPS (redirect, HSTS) and a Service moved to 80 and 443', () => ({
    routes: [Route.proxy('/')],
    retarget: true,
    tls: { secretName: 'web-tls', redirectHttp: true, hsts: Duration.days(1) },
  })],
];

/** One chart of the matrix: a host kind with one variant, synthesized with or without the sidecar. */
export interface MatrixCase {
  readonly name: string;
  /** The synthesized objects; `attach: false` gives the same chart without the sidecar. */
  synth(attach: boolean): any[];
}

/** Every host kind with every variant (files for the static routes go into `dir`). */
export function matrix(dir: TempDir): MatrixCase[] {
  dir.write('site/index.html', '<!DOCTYPE html><p>hi</p>\n');
  dir.write('site/js/app.js', 'console.log(1);\n');
  return HOSTS.flatMap(([hostName, createHost]) => VARIANTS.map(([variantName, variant]) => ({
    name: `${hostName} with ${variantName}`,
    synth: (attach: boolean) => {
      const chart = Testing.chart();
      const { host, service, nativeSidecar } = createHost(chart, dir);
      const { routes, retarget, metrics, tls } = variant(dir);
      const svc = retarget ? service() : undefined;
      if (attach) {
        const sidecar = new ReverseProxySidecar(chart, 'proxy', { host, routes, nativeSidecar, metrics, tls });
        if (svc) {
          sidecar.retargetService(svc, tls ? { httpsPort: 443 } : {});
        }
      }
      return Testing.synth(chart);
    },
  })));
}
