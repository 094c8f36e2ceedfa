import { App, Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class ProtectChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
    });
    const proxy = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromWorkload(web),
      // A login route with a tight limit of its own: 10 requests a minute per client, 5 at once.
      routes: [Route.proxy('/login', { limits: { requestsPerMinute: 10, burst: 5 } }), Route.proxy('/')],
      // Every other route: 50 requests a second per client (100 at once), 20 in progress.
      clientLimits: { requestsPerSecond: 50, burst: 100, connections: 20 },
      // The ingress controller's pods: their X-Forwarded-For names the client (log, X-Real-IP).
      clientAddress: { trustedProxies: ['10.244.0.0/16', 'fd00:10:244::/56'] },
      // A client must send its whole request header within 5 s (the default is 10 s).
      clientTimeouts: { header: Duration.seconds(5) },
      // HTTPS with HTTP/2: at most 8 requests in progress per client connection (the default is 16).
      tls: { secretName: 'web-tls', http2MaxConcurrentStreams: 8 },
    });
    proxy.exposeViaService();
  }
}

const app = new App();
new ProtectChart(app, 'protect');
app.synth();
