import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, ReverseProxySidecarProps, SidecarHost } from '../../lib';
import { K8sObject } from './manifests';

/** A synthesized chart: its objects and the workload whose pod the tests run. */
export interface TestPod {
  readonly objects: K8sObject[];
  readonly workload: K8sObject;
}

/**
 * A Deployment of the test app (test/fixtures/test-app: gunicorn on 5000, uid 10001, /tmp
 * emptyDir, readiness on /healthz) with the sidecar, synthesized. `image: 'sidecar-traffic-app:1'`
 * runs the traffic tests' probe app (test/fixtures/traffic-app) instead.
 */
export function testAppPod(props: Omit<ReverseProxySidecarProps, 'host'>,
  opts: { terminationGracePeriod?: Duration; image?: string; appReadiness?: boolean } = {}): TestPod {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', {
    terminationGracePeriod: opts.terminationGracePeriod,
    containers: [{
      name: 'app',
      image: opts.image ?? 'sidecar-test-app:1',
      workingDir: '/app',
      ports: [{ number: 5000, name: 'http' }],
      securityContext: { user: 10001, group: 10001 },
      // `appReadiness: false` for an IPv6-only pod: gunicorn listens on 0.0.0.0, which nginx reaches
      // on 127.0.0.1 but the kubelet's probe of the pod's IPv6 address does not.
      ...opts.appReadiness === false ? {} : { readiness: kplus.Probe.fromHttpGet('/healthz', { port: 5000 }) },
    }],
  });
  web.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp', 'app-tmp'));
  new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), ...props });
  const objects = Testing.synth(chart) as K8sObject[];
  return { objects, workload: objects.find((o) => o.kind === 'Deployment')! };
}
