/** Shared setup for the sidecar validation tests (test/sidecar/validation-*.test.ts). */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, ReverseProxySidecarProps, SidecarHost } from '../../lib';
import { appDeployment } from './helpers';

/** A chart with a plus Deployment "test/web" whose `app` container listens on 5000 (named `http`). */
export function deploymentChart(): { chart: Chart; deployment: kplus.Deployment } {
  const chart = Testing.chart();
  return { chart, deployment: appDeployment(chart) };
}

/** Attaches a sidecar with `props` to a fresh plus Deployment on 5000. */
export function attach(props: Omit<ReverseProxySidecarProps, 'host'>): ReverseProxySidecar {
  const { chart, deployment } = deploymentChart();
  return new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), ...props });
}
