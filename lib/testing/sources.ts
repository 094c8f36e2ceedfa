import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LoadedManifest, loadManifests } from '../validation/manifest-input';
import { NginxContainer, nginxContainers } from '../validation/nginx-containers';

/**
 * What a test server can start from: a chart (or any construct in it, such as a
 * `ReverseProxySidecar`), its synthesized objects (`Testing.synth(chart)`), or YAML files such as
 * `dist/app.k8s.yaml`.
 */
export type SidecarSource = IConstruct | ReadonlyArray<unknown> | string;

/** The objects of a source; for a sidecar construct, also the name of its config ConfigMap (to pick its workload). */
function manifestsOf(source: SidecarSource): { manifests: LoadedManifest[]; configMap?: string } {
  if (typeof source === 'string') {
    return { manifests: loadManifests([source]) };
  }
  if (Array.isArray(source)) {
    return { manifests: loadManifests(source) };
  }
  const construct = source as IConstruct;
  if (typeof construct?.node?.path !== 'string') {
    throw new Error(`SidecarTestServer.start: ${String(source)} is not a chart, a construct, synthesized objects or YAML file paths`);
  }
  const manifests = loadManifests(Chart.of(construct).toJson());
  // A ReverseProxySidecar's config ConfigMap is named by its content: its name is final once synthesized.
  const configMap = (construct as { configMap?: { name?: unknown } }).configMap?.name;
  return { manifests, ...(configMap !== undefined ? { configMap: String(configMap) } : {}) };
}

/** The nginx container to run: the only one, the one of `workload` (its name), or the sidecar construct's. */
export function pickSidecar(source: SidecarSource, workload?: string): NginxContainer {
  const { manifests, configMap } = manifestsOf(source);
  const all = nginxContainers(manifests).filter((c) => c.confMount?.configMap);
  const named = (c: NginxContainer) => `${c.workload.ref.kind} "${c.workload.ref.name}"`;
  const candidates = all.filter((c) => (workload === undefined || c.workload.ref.name === workload)
    && (configMap === undefined || c.confMount!.configMap!.object.metadata?.name === configMap));
  if (candidates.length === 1) {
    return candidates[0];
  }
  const list = all.map(named).join(', ') || 'none';
  throw new Error(candidates.length === 0
    ? `SidecarTestServer.start: no nginx sidecar${workload === undefined ? '' : ` in a workload named "${workload}"`} among the objects (sidecars: ${list})`
    : `SidecarTestServer.start: ${candidates.length} nginx sidecars (${candidates.map(named).join(', ')}); choose one with the workload option`);
}
