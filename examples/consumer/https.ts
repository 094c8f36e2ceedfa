import { App, Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class HttpsChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
    });
    const proxy = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromWorkload(web),
      routes: [Route.proxy('/')],
      tls: {
        secretName: 'web-tls',            // keys tls.crt and tls.key, in the workload's namespace
        redirectHttp: true,               // plain HTTP gets a 308 to https://<host>/<same path>
        hsts: Duration.days(180),         // Strict-Transport-Security on HTTPS responses only
      },
    });
    // 80 -> nginx-http (8080), 443 -> nginx-https (8443)
    proxy.exposeViaService({ serviceType: kplus.ServiceType.LOAD_BALANCER });
  }
}

const app = new App();
new HttpsChart(app, 'https');
app.synth();
