import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class AccessChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
    });
    new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromWorkload(web),
      // The ingress controller's pods name the client, so the rules below see the real address.
      clientAddress: { trustedProxies: ['10.244.0.0/16'] },
      // Every route without access of its own: the single-page app on app.example.com may call it.
      access: { cors: { allowOrigins: ['https://app.example.com', 'https://*.preview.example.com'], allowCredentials: true } },
      routes: [
        // The admin pages: the office network only, then a user and password from the Secret "admin-users".
        Route.proxy('/admin/', { access: { allowFrom: ['192.0.2.0/24', '2001:db8:10::/48'], basicAuth: { secretName: 'admin-users' } } }),
        // Public, no CORS: {} replaces the sidecar-wide access for this route.
        Route.proxy('/public/', { access: {} }),
        Route.proxy('/'),
      ],
    });
  }
}

const app = new App();
new AccessChart(app, 'access');
app.synth();
