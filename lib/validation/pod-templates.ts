import { podTemplateJson, podTemplatePath } from '../k8s/pod-template-paths';

/** The pod (or pod template) inside a workload object, with the JSON path to it. */
export interface PodTemplate {
  /** Path segments from the object's root to the pod template (empty for a Pod). */
  readonly path: ReadonlyArray<string | number>;
  /** The pod's metadata (annotations live here). @default - none */
  readonly metadata?: any;
  /** The pod spec. */
  readonly spec: any;
}

/** A container of a pod, with where it is in the pod spec. */
export interface PodContainer {
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
  /** Its index in that list. */
  readonly index: number;
  /** The container as plain JSON. */
  readonly container: any;
  /** Path segments from the object's root to the container. */
  readonly path: ReadonlyArray<string | number>;
}

/** The pod template of a workload object, or `undefined` for objects that create no pods (or have no pod spec). */
export function podTemplateOf(object: any): PodTemplate | undefined {
  const path = podTemplatePath(object?.kind);
  const node = podTemplateJson(object?.kind, object);
  if (!path || typeof node?.spec !== 'object' || node.spec === null) {
    return undefined;
  }
  return { path, metadata: node.metadata, spec: node.spec };
}

/** Every container of the pod: regular, init and ephemeral ones, in that order. */
export function podContainers(pod: PodTemplate): PodContainer[] {
  const lists = ['containers', 'initContainers', 'ephemeralContainers'] as const;
  return lists.flatMap((list) => {
    const items = Array.isArray(pod.spec[list]) ? pod.spec[list] : [];
    return items.map((container: any, index: number) => ({
      list, index, container, path: [...pod.path, 'spec', list, index],
    }));
  });
}
