import { invalid } from '../../errors';
import { HelperContainerSpec, HostPort, ISidecarHost, SidecarProbe } from '../../host/host';
import { SIDECAR_ENDPOINTS } from '../../nginx/model';
import { checkPort } from '../../nginx/tokens';
import { checkImage, checkPortName, refuseTaken } from '../container-values';
import { DEFAULT_EXPORTER_IMAGE } from '../defaults';
import { MetricsOptions } from './metrics-options';
import { checkBoolean, optionsObject } from '../prop-values';

/** The uid and gid of the exporter image (its Dockerfile's `USER 1001:1001`; the binary is static). */
const EXPORTER_UID = 1001;

/** The exporter, checked. */
export interface ResolvedExporter {
  readonly containerName: string;
  readonly image: string;
  readonly port: number;
  readonly portName: string;
}

/** `metrics`, checked: the status listener's port and, when asked for, the exporter. */
export interface ResolvedMetrics {
  readonly statusPort: number;
  readonly exporter?: ResolvedExporter;
}

/** What the metrics options are checked against. */
export interface MetricsContext {
  readonly port: number;
  readonly portName: string;
  readonly appPort?: number;
  readonly containerName: string;
  /** The user's own nginx.conf, which the status listener cannot be rendered into. */
  readonly customConf: boolean;
}

/** Checks `metrics`; undefined when it is not set. Throws a `ConfigError` naming the option. */
export function resolveMetrics(value: MetricsOptions | undefined, ctx: MetricsContext): ResolvedMetrics | undefined {
  if (value === undefined) {
    return undefined;
  }
  const m = optionsObject('metrics', value);
  if (ctx.customConf) {
    throw invalid('metrics', value, 'needs the rendered nginx.conf; with your own nginxConf, serve stub_status '
      + 'in it and run an exporter yourself');
  }
  const statusPort = unprivilegedPort('metrics.statusPort', m.statusPort ?? 8081);
  const ownPorts: Array<[string, number | undefined]> = [['is the sidecar\'s own port', ctx.port], ['is the app\'s port (appPort)', ctx.appPort]];
  refuseTaken('metrics.statusPort', statusPort, ownPorts);
  if (!checkBoolean('metrics.exporter', m.exporter ?? false)) {
    const stray = (['exporterImage', 'exporterPort', 'exporterPortName'] as const).find((k) => m[k] !== undefined);
    if (stray) {
      throw invalid(`metrics.${stray}`, m[stray], 'is set, but metrics.exporter is not true');
    }
    return { statusPort };
  }
  const port = unprivilegedPort('metrics.exporterPort', m.exporterPort ?? 9113);
  refuseTaken('metrics.exporterPort', port, [...ownPorts, ['is also metrics.statusPort', statusPort]]);
  const portName = checkPortName('metrics.exporterPortName', m.exporterPortName ?? 'metrics');
  if (portName === ctx.portName) {
    throw invalid('metrics.exporterPortName', portName, 'is the sidecar\'s own portName');
  }
  return {
    statusPort,
    exporter: {
      containerName: `${ctx.containerName}-exporter`,
      image: checkImage(m.exporterImage ?? DEFAULT_EXPORTER_IMAGE, 'metrics.exporterImage'),
      port,
      portName,
    },
  };
}

/** A port a non-root process without capabilities can bind. */
function unprivilegedPort(field: string, value: number): number {
  checkPort(field, value);
  if (value < 1024) {
    throw invalid(field, value, 'is below 1024, which a non-root container without capabilities cannot bind');
  }
  return value;
}


/**
 * The metrics ports and the exporter's container name where the host's own containers already use
 * them (an app listening on 0.0.0.0 holds 127.0.0.1 too). Checked at attach (`attached` false) and
 * again at synthesis, when the sidecar's own containers are on the host.
 */
export function metricsConflicts(host: ISidecarHost, m: ResolvedMetrics | undefined, sidecarName: string, attached: boolean): string[] {
  if (!m) {
    return [];
  }
  const errors: string[] = [];
  const exporterName = m.exporter?.containerName;
  if (exporterName !== undefined && host.containerNames().filter((n) => n === exporterName).length > (attached ? 1 : 0)) {
    errors.push(invalid('metrics.exporter', true, `adds the container "${exporterName}", and ${host.description} has another `
      + 'container of that name; change containerName').message);
  }
  const usedBy = (c: HostPort) => `is already used by container "${c.container}" of ${host.description}`;
  for (const c of host.containerPorts().filter((x) => x.container !== sidecarName && x.container !== exporterName)) {
    if (c.port === m.statusPort) {
      errors.push(invalid('metrics.statusPort', m.statusPort, usedBy(c)).message);
    }
    if (m.exporter && c.port === m.exporter.port) {
      errors.push(invalid('metrics.exporterPort', m.exporter.port, usedBy(c)).message);
    }
    if (m.exporter && c.name === m.exporter.portName) {
      errors.push(invalid('metrics.exporterPortName', m.exporter.portName, usedBy(c)).message);
    }
  }
  return errors;
}

/** Adds the exporter after the nginx container, when asked for. */
export function addMetricsExporter(host: ISidecarHost, m: ResolvedMetrics | undefined, nativeSidecar: boolean): void {
  if (m?.exporter) {
    host.addHelperContainer(exporterContainerSpec(m, m.exporter, nativeSidecar));
  }
}

/** The exporter container: scrapes the status listener, serves `/metrics` on its named port. */
export function exporterContainerSpec(m: ResolvedMetrics, e: ResolvedExporter, nativeSidecar: boolean): HelperContainerSpec {
  const probe = (periodSeconds: number): SidecarProbe => ({ path: '/metrics', port: e.port, periodSeconds, timeoutSeconds: 2, failureThreshold: 3 });
  return {
    name: e.containerName,
    image: e.image,
    // Double-dash flags: the exporter's kingpin flags (1.x) need them, Go's flag package (0.x) accepts them.
    args: [`--nginx.scrape-uri=http://127.0.0.1:${m.statusPort}${SIDECAR_ENDPOINTS.stubStatus}`, `--web.listen-address=:${e.port}`],
    port: e.port,
    portName: e.portName,
    cpuRequestMillicores: 10,
    cpuLimitMillicores: 100,
    memoryRequestMib: 16,
    memoryLimitMib: 48,
    uid: EXPORTER_UID,
    gid: EXPORTER_UID,
    readiness: probe(10),
    liveness: probe(20),
    nativeSidecar,
  };
}
