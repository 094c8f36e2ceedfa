import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { podTemplateOf as podTemplateIn } from '../../lib/validation/pod-templates';

/** A Kubernetes object as plain JSON. */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

/** Reads every document of a YAML file (e.g. one in dist/). */
export function loadYaml(file: string): K8sObject[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJSON() as K8sObject)
    .filter((o) => o && typeof o === 'object');
}

/** The pod template of a workload object, whatever its kind; throws when it has none. */
export function podTemplateOf(obj: K8sObject): { metadata?: any; spec: any } {
  const template = podTemplateIn(obj);
  if (!template) {
    throw new Error(`${obj.kind} "${obj.metadata.name}" has no pod template`);
  }
  return template;
}

/** The workloads among the objects that have a container with the given name. */
export function workloadsWithContainer(objects: K8sObject[], container: string): K8sObject[] {
  return objects.filter((o) => {
    try {
      const spec = podTemplateOf(o).spec;
      return [...spec.containers, ...(spec.initContainers ?? [])].some((c: any) => c.name === container);
    } catch {
      return false;
    }
  });
}
