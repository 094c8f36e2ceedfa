import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class MetricsChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
    });
    const proxy = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromWorkload(web),
      routes: [Route.proxy('/')],
      metrics: { exporter: true },      // stub_status on 127.0.0.1:8081, the exporter on 9113 named 'metrics'
    });
    proxy.exposeViaService();
    // A label of your own for a PodMonitor to select (podmonitor.yaml).
    web.podMetadata.addLabel('app.kubernetes.io/name', 'web');
    // For a Prometheus that reads the prometheus.io/* pod annotations (the community chart's kubernetes-pods job):
    web.podMetadata.addAnnotation('prometheus.io/scrape', 'true');
    web.podMetadata.addAnnotation('prometheus.io/port', '9113');
    web.podMetadata.addAnnotation('prometheus.io/path', '/metrics');
  }
}

const app = new App();
new MetricsChart(app, 'metrics');
app.synth();
