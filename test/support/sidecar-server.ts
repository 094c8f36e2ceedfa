import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { SidecarTestServer, SidecarTestServerOptions } from '../../lib/testing';

/**
 * The sidecar with `props` on a cdk8s-plus-34 Deployment "web" (its app on 5000; `Route.proxy('/')`
 * unless `props.routes`), run by the local nginx in front of the testing entry's stub app.
 */
export function startSidecar(props: Omit<ReverseProxySidecarProps, 'host'> = {}, options: SidecarTestServerOptions = {}): Promise<SidecarTestServer> {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
  new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')], ...props });
  return SidecarTestServer.start(chart, options);
}
