import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class OAuth2ProxyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    const web = new kplus.Deployment(this, 'web', {
      containers: [{ name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
    });
    // oauth2-proxy beside the app, on the pod's loopback only: nginx asks it about every request.
    const secret = kplus.Secret.fromSecretName(this, 'oauth2', 'oauth2-proxy');
    web.addContainer({
      name: 'oauth2-proxy',
      image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.8.1',
      args: [
        '--http-address=127.0.0.1:4180', '--reverse-proxy=true', '--set-xauthrequest=true',
        '--upstream=static://202', '--provider=github', '--email-domain=*',
        '--redirect-url=https://app.example.com/oauth2/callback',
      ],
      envVariables: {
        OAUTH2_PROXY_CLIENT_ID: kplus.EnvValue.fromSecretValue({ secret, key: 'client-id' }),
        OAUTH2_PROXY_CLIENT_SECRET: kplus.EnvValue.fromSecretValue({ secret, key: 'client-secret' }),
        OAUTH2_PROXY_COOKIE_SECRET: kplus.EnvValue.fromSecretValue({ secret, key: 'cookie-secret' }),
      },
      securityContext: { user: 65532, group: 65532 },
    });
    new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromWorkload(web),
      appPort: 5000,
      // Every route asks oauth2-proxy first; a browser that is not signed in goes to its sign-in.
      access: {
        externalAuth: { url: 'http://127.0.0.1:4180/oauth2/auth', signInUrl: '/oauth2/start', responseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Email'] },
      },
      routes: [
        // oauth2-proxy's own pages (sign-in, callback), reachable without signing in.
        Route.proxy('/oauth2/', { port: 4180, access: {} }),
        Route.proxy('/'),
      ],
    });
  }
}

const app = new App();
new OAuth2ProxyChart(app, 'oauth2-proxy');
app.synth();
