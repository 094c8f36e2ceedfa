import { ApiObject, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ISidecarHost, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { Manifest, appDeployment, container, find, podTemplate, rawDeployment } from './helpers';

/**
 * Kubernetes stops all of a pod's containers at once: the app containers get a preStop sleep so
 * they outlive nginx's drain (the graceful-stop end-to-end test shows the 502s without it).
 */
describe('keepAppDuringDrain', () => {
  const hosts: Array<[string, (chart: any) => ISidecarHost]> = [
    ['cdk8s-plus Deployment', (chart) => SidecarHost.fromWorkload(appDeployment(chart))],
    ['raw Deployment', (chart) => SidecarHost.fromApiObject(rawDeployment(chart))],
  ];

  it.each(hosts)('gives the app container of a %s a preStop sleep of drainDelay + 1 s', (_name, host) => {
    const chart = Testing.chart();
    new ReverseProxySidecar(chart, 'proxy', { host: host(chart), drainDelay: Duration.seconds(7), routes: [Route.proxy('/')] });
    const app = container(find(Testing.synth(chart), 'Deployment'), 'app');
    expect(app.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '8'] } } });
  });

  /** nginx's own preStop: drain for `seconds`, then quit gracefully and wait for the workers. */
  const nginxPreStop = (seconds: number) => ({ preStop: { exec: { command: ['/bin/sh', '-c', `sleep ${seconds}; `
    + 'nginx -c /etc/nginx/sidecar/nginx.conf -e stderr -s quit || kill -QUIT "$(cat /var/cache/nginx/nginx.pid)"; '
    + 'while [ -e /var/cache/nginx/nginx.pid ]; do sleep 1; done'] } } });

  it.each(hosts)('leaves a %s alone with keepAppDuringDrain: false; nginx still drains', (_name, host) => {
    // GIVEN / WHEN the same sidecar with keepAppDuringDrain: false and with the default (true)
    const synth = (props: { keepAppDuringDrain?: boolean }) => {
      const chart = Testing.chart();
      new ReverseProxySidecar(chart, 'proxy', { host: host(chart), drainDelay: Duration.seconds(7), routes: [Route.proxy('/')], ...props });
      return find(Testing.synth(chart), 'Deployment');
    };
    const off = synth({ keepAppDuringDrain: false });
    const on = synth({});
    // THEN both have the app and nginx, nginx drains for 7 s in both, and only the default holds the app
    for (const m of [off, on]) {
      expect(podTemplate(m).spec.containers.map((c: Manifest) => c.name)).toStrictEqual(['app', 'nginx']);
      expect(container(m, 'nginx').lifecycle).toStrictEqual(nginxPreStop(7));
    }
    const { lifecycle, ...appWithoutLifecycle } = container(on, 'app');
    expect(lifecycle).toStrictEqual({ preStop: { exec: { command: ['sleep', '8'] } } });
    expect(container(off, 'app')).toStrictEqual(appWithoutLifecycle);
  });

  it('adds nothing until a proxy route needs the app', () => {
    const chart = Testing.chart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)) });
    expect(container(find(Testing.synth(chart), 'Deployment'), 'app').lifecycle).toBeUndefined();
    sidecar.addRoute(Route.proxy('/api/'));
    expect(container(find(Testing.synth(chart), 'Deployment'), 'app').lifecycle.preStop.exec.command).toEqual(['sleep', '6']);
  });

  it('keeps a preStop hook the app already has (cdk8s-plus)', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', {
      containers: [{
        name: 'app', image: 'app:1', portNumber: 5000,
        lifecycle: { preStop: kplus.Handler.fromCommand(['/bin/drain']) },
      }],
    });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
    expect(container(find(Testing.synth(chart), 'Deployment'), 'app').lifecycle.preStop).toEqual({ exec: { command: ['/bin/drain'] } });
  });

  it('adds preStop beside a postStart hook the raw app has, and keeps its own preStop', () => {
    const chart = Testing.chart();
    const raw = new ApiObject(chart, 'raw', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'raw' },
      spec: {
        selector: { matchLabels: { app: 'raw' } },
        template: {
          metadata: { labels: { app: 'raw' } },
          spec: {
            containers: [
              { name: 'app', image: 'app:1', ports: [{ containerPort: 5000 }], lifecycle: { postStart: { exec: { command: ['/bin/warm'] } } } },
              { name: 'other', image: 'x', ports: [{ containerPort: 5000 }], lifecycle: { preStop: { exec: { command: ['/bin/own'] } } } },
            ],
          },
        },
      },
    });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(raw), routes: [Route.proxy('/')] });
    const d = find(Testing.synth(chart), 'Deployment');
    expect(container(d, 'app').lifecycle).toEqual({
      postStart: { exec: { command: ['/bin/warm'] } },
      preStop: { exec: { command: ['sleep', '6'] } },
    });
    expect(container(d, 'other').lifecycle).toEqual({ preStop: { exec: { command: ['/bin/own'] } } });
  });

  it('holds only the containers that declare the app port', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', {
      containers: [
        { name: 'app', image: 'app:1', portNumber: 5000 },
        { name: 'metrics', image: 'exporter:1', portNumber: 9100 },
      ],
    });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), appPort: 5000, routes: [Route.proxy('/')] });
    const d = find(Testing.synth(chart), 'Deployment');
    expect(container(d, 'app').lifecycle.preStop.exec.command).toEqual(['sleep', '6']);
    expect(container(d, 'metrics').lifecycle).toBeUndefined();
  });
});
