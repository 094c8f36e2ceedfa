import { App, Chart, ChartProps, Duration, Include } from 'cdk8s';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class IncludeChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const upstream = new Include(this, 'alertmanager', { url: 'upstream.yaml' });
    const sts = upstream.apiObjects.find((o) => o.kind === 'StatefulSet')!;
    const svc = upstream.apiObjects.find((o) => o.kind === 'Service')!;

    const proxy = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromApiObject(sts),   // any object with a pod template
      appPort: 9093,
      routes: [
        Route.proxy('/lib/', { cache: { validFor: Duration.hours(1), ignoreUpstreamCacheHeaders: true } }),
        Route.proxy('/'),
      ],
    });
    // The chart's own Service: 9093 "http" becomes 8080 "nginx-http", targetPort nginx-http.
    proxy.retargetService(svc, { fromPort: 9093 });
  }
}

const app = new App();
new IncludeChart(app, 'include');
app.synth();
