import { ApiObject, JsonPatch } from 'cdk8s';
import { DeferredValue } from './json-patch';
import { IPlusWorkload } from './plus-workload';

/** The pod spec as a workload renders it (`Workload._toPodSpec`, internal), as far as volumes go. */
type ToPodSpec = (this: unknown) => { volumes?: Array<{ name: string }> };

/** The members of a cdk8s-plus-31+ StatefulSet that the workaround reads (all majors 31–34 have them). */
interface PlusStatefulSet {
  /** Drops the volumes a claim template provides; in 31+ it drops every volume when there is no template. */
  _filterPodSpecVolumes(podSpec: unknown): unknown;
  readonly volumeClaimTemplates?: Array<{ name: string }>;
}

/** The `_toPodSpec` of the class a StatefulSet extends (its own one filters the volumes), if it has one. */
function workloadPodSpec(sts: object): ToPodSpec | undefined {
  let proto = Object.getPrototypeOf(sts);
  while (proto && !Object.prototype.hasOwnProperty.call(proto, '_filterPodSpecVolumes')) {
    proto = Object.getPrototypeOf(proto);
  }
  const base = proto && Object.getPrototypeOf(proto);
  return typeof base?._toPodSpec === 'function' ? base._toPodSpec : undefined;
}

/**
 * cdk8s-plus-31 and later StatefulSets render no pod volumes at all when they have no
 * volumeClaimTemplates (`_filterPodSpecVolumes` returns undefined; cdk8s-team/cdk8s-plus#6735):
 * the sidecar's mounts, and the user's own, would name volumes the pod lacks. For such a
 * StatefulSet this writes the pod spec's volumes back at synthesis, less those a claim template
 * provides, exactly as the StatefulSet renders them with a template. With a template present the
 * value is the one cdk8s-plus writes itself, so the patch changes nothing where the bug does not
 * bite (and nothing once it is fixed upstream: a test tells when that happens).
 */
export function restoreStatefulSetVolumes(workload: IPlusWorkload, apiObject: ApiObject, specPointer: string): void {
  const set = workload as unknown as PlusStatefulSet;
  const podSpec = apiObject.kind === 'StatefulSet' && typeof set._filterPodSpecVolumes === 'function' ? workloadPodSpec(set) : undefined;
  if (!podSpec) {
    return;
  }
  apiObject.addJsonPatch(JsonPatch.add(`${specPointer}/volumes`, new DeferredValue({
    produce: () => {
      const claimed = new Set((set.volumeClaimTemplates ?? []).map((t) => t.name));
      return (podSpec.call(set).volumes ?? []).filter((v) => !claimed.has(v.name));
    },
  })));
}
