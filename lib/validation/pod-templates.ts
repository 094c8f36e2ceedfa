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
  readonly index: number;
  readonly container: any;
  /** Path segments from the object's root to the container. */
  readonly path: ReadonlyArray<string | number>;
}

/** Where each kind keeps its pod: the kinds whose objects create pods. */
const TEMPLATE_PATHS: Record<string, ReadonlyArray<string>> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The pod template of a workload object, or `undefined` for objects that create no pods (or have no pod spec). */
export function podTemplateOf(object: any): PodTemplate | undefined {
  const path = TEMPLATE_PATHS[object?.kind];
  if (!path) {
    return undefined;
  }
  let node = object;
  for (const key of path) {
    node = node?.[key];
  }
  if (typeof node?.spec !== 'object' || node.spec === null) {
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
