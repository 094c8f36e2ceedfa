import { IPlusWorkload } from './plus-workload';

/** A pod spec as a cdk8s-plus StatefulSet filters it, as far as its volumes go. */
interface PodSpecVolumes {
  readonly volumes?: unknown[];
}

/** The member of a cdk8s-plus-31+ StatefulSet that holds the bug (internal; every major 31–34 has it). */
interface PlusStatefulSet {
  /** Drops the volumes a claim template provides; in 31+ it also drops every volume when there is no template. */
  _filterPodSpecVolumes(podSpec: PodSpecVolumes): unknown;
  readonly volumeClaimTemplates?: unknown[];
}

/**
 * cdk8s-plus-31 and later StatefulSets render no pod volumes at all when they have no
 * volumeClaimTemplates: `_filterPodSpecVolumes` returns undefined then (cdk8s-team/cdk8s-plus#6735),
 * and the sidecar's mounts, and the user's own, would name volumes the pod lacks. This gives the
 * StatefulSet (this one object, not the class) a filter that keeps the pod spec's volumes in that
 * case and defers to cdk8s-plus' own when there are templates. Being part of the StatefulSet's own
 * rendering, it comes before any JSON patch of the user's, which still applies on top. A test tells
 * when the upstream bug is fixed and this can go.
 */
export function restoreStatefulSetVolumes(workload: IPlusWorkload): void {
  const set = workload as unknown as Partial<PlusStatefulSet>;
  const original = set._filterPodSpecVolumes;
  if (typeof original !== 'function' || Object.prototype.hasOwnProperty.call(set, '_filterPodSpecVolumes')) {
    return;
  }
  set._filterPodSpecVolumes = function filterPodSpecVolumes(this: PlusStatefulSet, podSpec: PodSpecVolumes) {
    return this.volumeClaimTemplates ? original.call(this, podSpec) : podSpec.volumes;
  };
}
