import { App, Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class RoutesChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
    });
    const proxy = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromWorkload(web),
      routes: [
        Route.staticFiles('/', { directory: 'site' }),                  // read now, served from a ConfigMap
        Route.proxy('/api/', { stripPrefix: true }),                    // /api/x reaches the app as /x
        Route.proxy('/assets/', { cache: { validFor: Duration.hours(1) } }),
      ],
    });
    // Routes can be added later too: nginx.conf and the checksum are rendered at synthesis.
    proxy.addRoute(Route.proxy('/healthz', { readTimeout: Duration.seconds(5) }));
    proxy.exposeViaService();
  }
}

const app = new App();
new RoutesChart(app, 'routes');
app.synth();
