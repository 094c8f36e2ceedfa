import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class ExposingChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
    });
    const proxy = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromWorkload(web),
      routes: [Route.proxy('/')],
    });

    // A Service "web" (80 -> nginx 8080) and an Ingress "web" whose rule "/" goes to it.
    proxy.exposeViaIngress('/', { name: 'web', ingressClassName: 'nginx' });

    // A NodePort Service for the same pods; the result is a Service of your cdk8s-plus major.
    const nodePort = proxy.exposeViaService({ name: 'web-nodeport', serviceType: kplus.ServiceType.NODE_PORT, nodePort: 32001 });
    nodePort.metadata.addLabel('exposure', 'node-port');

    // A Service you have already (here cdk8s-plus' own, which reaches the app): moved to nginx.
    proxy.retargetService(web.exposeViaService({ name: 'web-legacy' }), { port: 80 });
  }
}

const app = new App();
new ExposingChart(app, 'exposing');
app.synth();
