import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
    });
    const proxy = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromConstruct(web),
      routes: [Route.proxy('/')],
    });
    // A Service whose port 80 reaches nginx (8080), never the app directly.
    proxy.exposeViaService();
  }
}

const app = new App();
new MyChart(app, 'my-app');
app.synth();
