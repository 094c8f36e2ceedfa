import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as plain JSON. */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

/** Reads every document of a YAML file (e.g. one in dist/). */
export function loadYaml(file: string): K8sObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJSON() as K8sObject)
    .filter((o) => o && typeof o === 'object');
}

/** The pod template of a workload object, whatever its kind. */
export function podTemplateOf(obj: K8sObject): { metadata?: any; spec: any } {
  switch (obj.kind) {
    case 'Pod':
      return { metadata: obj.metadata, spec: obj.spec };
    case 'CronJob':
      return obj.spec.jobTemplate.spec.template;
    default:
      if (!obj.spec?.template?.spec) {
        throw new Error(`${obj.kind} "${obj.metadata.name}" has no pod template`);
      }
      return obj.spec.template;
  }
}

/** The workloads among the objects that have a container with the given name. */
export function workloadsWithContainer(objects: K8sObject[], container: string): K8sObject[] {
  return objects.filter((o) => {
    try {
      return podTemplateOf(o).spec.containers.some((c: any) => c.name === container);
    } catch {
      return false;
    }
  });
}
