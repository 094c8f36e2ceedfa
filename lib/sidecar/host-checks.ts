import { ConfigError, invalid } from '../errors';
import { ISidecarHost } from '../host/host';
import { podTemplateJson } from '../k8s/pod-template-paths';
import { metricsConflicts } from './metrics/metrics';
import { ResolvedProps } from './resolved-props';
import { CONFIG_MAP_MAX_BYTES } from './static-content';

const ATTACHED = 'reverse-proxy-sidecar:attached';

/** etcd's default request limit (--max-request-bytes), which bounds every object the API server stores. */
const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/**
 * Checks that the sidecar fits the host (one sidecar per workload, free container name, port and
 * volume names, enough grace period for the drain), then marks the host as taken. Marked only once
 * every check passed, so a caught error leaves the host free.
 */
export function claimHost(host: ISidecarHost, p: ResolvedProps, sidecarPath: string): void {
  const target = host.apiObject;
  const existing = target.node.metadata.find((m) => m.type === ATTACHED);
  if (existing) {
    throw new ConfigError(`host ${host.description} already has a ReverseProxySidecar (${existing.data}); attach one per workload`);
  }
  if (RUN_TO_COMPLETION.includes(target.kind) && !p.nativeSidecar) {
    throw invalid('nativeSidecar', false, `would make nginx a regular container of ${host.description}: it keeps running after `
      + `the ${target.kind === 'CronJob' ? 'CronJob\'s Job' : 'Job'} is done, so the Job never completes; ${jobWayOut(host)}`);
  }
  if (host.containerNames().includes(p.containerName)) {
    throw invalid('containerName', p.containerName, `is already a container of ${host.description}`);
  }
  const conflicts = [...portConflicts(host, p), ...metricsConflicts(host, p.metrics, p.containerName, false)];
  if (conflicts.length > 0) {
    throw new ConfigError(conflicts[0]);
  }
  const grace = host.terminationGracePeriodSeconds();
  if (p.drainSeconds + 5 > grace) {
    throw invalid('drainDelay', `${p.drainSeconds}s`, `leaves less than 5s of ${host.description}'s `
      + `terminationGracePeriodSeconds (${grace}) for the requests in flight; shorten it or raise the grace period`);
  }
  for (const v of host.volumeNames()) {
    if (v.startsWith(`${p.containerName}-`)) {
      throw invalid('containerName', p.containerName,
        `prefixes the sidecar's volume names, and ${host.description} already has a volume "${v}"`);
    }
  }
  target.node.addMetadata(ATTACHED, sidecarPath);
}

/** Kinds whose pods run to completion: a regular nginx container would keep them from it. */
const RUN_TO_COMPLETION = ['Job', 'CronJob'];

/** How to attach to a Job: as a native sidecar, which Kubernetes stops once the Job's containers are done. */
function jobWayOut(host: ISidecarHost): string {
  const support = host.nativeSidecarSupport();
  return support.refusal === undefined
    ? 'set nativeSidecar: true (a native sidecar, which Kubernetes 1.29+ stops when the Job\'s containers are done)'
    : 'cdk8s-plus-27 cannot express a native sidecar: use cdk8s-plus-28 or later (nativeSidecar: true; the default from 29), or write '
      + `the ${host.apiObject.kind} as a raw object (new ApiObject, or Include; not ApiObject.of(...), whose Kubernetes 1.27 class drops `
      + 'restartPolicy) and attach it with SidecarHost.fromApiObject and nativeSidecar: true (Kubernetes 1.29+)';
}

/** The sidecar's port number or name, where another container of the host already uses it. */
function portConflicts(host: ISidecarHost, p: ResolvedProps): string[] {
  const errors: string[] = [];
  const own = [{ field: 'port', port: p.port, nameField: 'portName', name: p.portName }];
  if (p.tls) {
    own.push({ field: 'tls.port', port: p.tls.port, nameField: 'tls.portName', name: p.tls.portName });
  }
  if (p.proxyProtocol) {
    own.push({ field: 'clientAddress.proxyProtocolPort', port: p.proxyProtocol.port,
      nameField: 'clientAddress.proxyProtocolPortName', name: p.proxyProtocol.portName });
  }
  for (const c of host.containerPorts().filter((x) => x.container !== p.containerName)) {
    for (const o of own) {
      if (c.port === o.port) {
        errors.push(invalid(o.field, o.port, `is already used by container "${c.container}" of ${host.description}`).message);
      }
      if (c.name === o.name) {
        errors.push(invalid(o.nameField, o.name, `is already used by container "${c.container}" of ${host.description}`).message);
      }
    }
  }
  return errors;
}

/** Rules that containers added after construction, or the rendered files, can break; checked at synthesis. */
export function synthErrors(host: ISidecarHost, p: ResolvedProps, appPort: number | undefined,
  config: Record<string, string>, configBinary: Record<string, string>, hostJson: unknown): string[] {
  const errors = [...portConflicts(host, p), ...metricsConflicts(host, p.metrics, p.containerName, true)];
  if (host.containerNames().filter((n) => n === p.containerName).length > 1) {
    errors.push(invalid('containerName', p.containerName, `is also the name of a container added to ${host.description} later`).message);
  }
  if (appPort === p.port) {
    errors.push(invalid('appPort', appPort, 'is the sidecar\'s own port').message);
  }
  if (appPort !== undefined && appPort === p.tls?.port) {
    errors.push(invalid('appPort', appPort, 'is the sidecar\'s HTTPS port (tls.port)').message);
  }
  if (appPort !== undefined && appPort === p.proxyProtocol?.port) {
    errors.push(invalid('appPort', appPort, 'is the sidecar\'s PROXY protocol port (clientAddress.proxyProtocolPort)').message);
  }
  errors.push(...renderedSidecarErrors(host, p, hostJson));
  const bytes = Object.entries(config).reduce((sum, [key, value]) => sum + key.length + Buffer.byteLength(value), 0)
    + Object.entries(configBinary).reduce((sum, [key, value]) => sum + key.length + Buffer.from(value, 'base64').length, 0);
  if (bytes > CONFIG_MAP_MAX_BYTES) {
    errors.push(`nginx.conf and the error page take ${bytes} bytes, over the ConfigMap limit of ${CONFIG_MAP_MAX_BYTES} bytes`);
  }
  // Each static file is an item of a volume in the pod template: thousands of files can push the
  // workload past what etcd stores (its default request limit, 1.5 MiB) long before the ConfigMap
  // reaches its 1 MiB.
  const workloadBytes = Buffer.byteLength(JSON.stringify(hostJson));
  if (workloadBytes > MAX_OBJECT_BYTES) {
    errors.push(`${host.description} takes ${workloadBytes} bytes as JSON, over the ${MAX_OBJECT_BYTES} bytes etcd stores `
      + 'per object by default; each static file adds a volume item to the pod template: serve fewer, bundled files');
  }
  return errors;
}

interface RenderedContainer {
  readonly name?: string;
  readonly restartPolicy?: string;
  readonly volumeMounts?: Array<{ name?: string }>;
}

/**
 * What the host's own rendering can lose, read from its JSON: a native sidecar's restartPolicy
 * (object classes of Kubernetes types before 1.28 drop it), and the sidecar's volumes.
 */
function renderedSidecarErrors(host: ISidecarHost, p: ResolvedProps, hostJson: unknown): string[] {
  const spec = podTemplateJson(host.apiObject.kind, hostJson)?.spec ?? {};
  const list: RenderedContainer[] = (p.nativeSidecar ? spec.initContainers : spec.containers) ?? [];
  const sidecar = list.find((c) => c.name === p.containerName);
  if (p.nativeSidecar && sidecar?.restartPolicy !== 'Always') {
    return [invalid('nativeSidecar', true, `is lost in ${host.description}: its object class drops an init container's `
      + 'restartPolicy (Kubernetes types before 1.28); use an object of 1.28+ types, or nativeSidecar: false').message];
  }
  const volumes = new Set(((spec.volumes ?? []) as Array<{ name?: string }>).map((v) => v.name));
  const missing = (sidecar?.volumeMounts ?? []).map((m) => m.name).filter((n) => !volumes.has(n));
  if (missing.length > 0) {
    return [`${host.description} renders no volume ${missing.map((n) => `"${n}"`).join(', ')} for the sidecar's mounts. `
      + 'cdk8s-plus-31 and later StatefulSets drop every pod volume when they have no volumeClaimTemplates '
      + '(cdk8s-team/cdk8s-plus#6735), and the sidecar could not add them back: attach with '
      + `SidecarHost.fromApiObject(ApiObject.of(statefulSet))${p.nativeSidecar ? ' and nativeSidecar: true' : ''} instead`];
  }
  return [];
}
