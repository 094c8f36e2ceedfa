import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from 'cdk8s-reverse-proxy-sidecar';

export class HostsChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const container = { name: 'app', image: 'ghcr.io/example/api:1.0.0', ports: [{ number: 5000, name: 'http' }] };

    // A StatefulSet (on cdk8s-plus-31 and later the sidecar writes back the pod volumes they drop).
    const db = new kplus.StatefulSet(this, 'db', { containers: [container] });
    new ReverseProxySidecar(this, 'db-proxy', { host: SidecarHost.fromWorkload(db), routes: [Route.proxy('/')] })
      .exposeViaService();

    // A DaemonSet, and a Pod.
    const agent = new kplus.DaemonSet(this, 'agent', { containers: [container] });
    new ReverseProxySidecar(this, 'agent-proxy', { host: SidecarHost.fromWorkload(agent), routes: [Route.proxy('/')] });
    const pod = new kplus.Pod(this, 'debug', { containers: [container] });
    new ReverseProxySidecar(this, 'debug-proxy', { host: SidecarHost.fromWorkload(pod), routes: [Route.proxy('/')] });
  }
}

const app = new App();
new HostsChart(app, 'hosts');
app.synth();
