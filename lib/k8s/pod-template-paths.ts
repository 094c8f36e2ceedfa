/**
 * Where each kind of Kubernetes object keeps the pod it creates: one table that the construct (to
 * attach to a raw object) and the validation (to find containers) share.
 */
const TEMPLATE_PATHS: Readonly<Record<string, ReadonlyArray<string>>> = {
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

/** The kinds that have a pod (template), in the table's order. */
export const POD_TEMPLATE_KINDS: ReadonlyArray<string> = Object.keys(TEMPLATE_PATHS);

/** Path segments from an object's root to its pod template (empty for a Pod), or undefined for other kinds. */
export function podTemplatePath(kind: string): ReadonlyArray<string> | undefined {
  return Object.prototype.hasOwnProperty.call(TEMPLATE_PATHS, kind) ? TEMPLATE_PATHS[kind] : undefined;
}

/** The same path as a JSON pointer (RFC 6901), e.g. `/spec/template`; `''` for a Pod. */
export function podTemplatePointer(kind: string): string | undefined {
  return podTemplatePath(kind)?.map((s) => `/${s}`).join('');
}

/** The pod template inside an object's JSON, or undefined for kinds without one or an object that lacks it. */
export function podTemplateJson(kind: string, json: any): any {
  return podTemplatePath(kind)?.reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), json);
}
