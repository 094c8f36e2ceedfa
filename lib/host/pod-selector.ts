import { ApiObject } from 'cdk8s';
import { podTemplateJson } from '../k8s/pod-template-paths';

/**
 * The labels a Service selects a raw workload's pods by: the workload's own `spec.selector`
 * (`matchLabels` alone, or a ReplicationController's map), which its pods carry by definition and
 * which a chart keeps stable across upgrades; else every label of the pod template. Undefined when
 * the pods have no label.
 */
export function podSelectorOf(apiObject: ApiObject): Record<string, string> | undefined {
  const json = apiObject.toJson();
  const selector = json?.spec?.selector;
  if (apiObject.kind !== 'Pod' && selector && typeof selector === 'object') {
    if (apiObject.kind === 'ReplicationController') {
      return nonEmpty(selector);
    }
    if (selector.matchLabels && !selector.matchExpressions?.length) {
      return nonEmpty(selector.matchLabels);
    }
  }
  return nonEmpty(podTemplateJson(apiObject.kind, json)?.metadata?.labels);
}

function nonEmpty(labels: unknown): Record<string, string> | undefined {
  return labels && typeof labels === 'object' && Object.keys(labels).length > 0 ? { ...(labels as Record<string, string>) } : undefined;
}
