import { FindingCheck, ValidationFinding, finding, jsonPath } from './finding';
import { LoadedManifest } from './manifest-input';
import { runsNginx } from './nginx-containers';
import { POD_SECURITY_RULES, PodSecurityLevel, PodView } from './pod-security-rules';
import { podContainers, podTemplateOf } from './pod-templates';

export { POD_SECURITY_RULES, PodSecurityLevel } from './pod-security-rules';
export type { PodSecurityRule, PodView, RuleViolation } from './pod-security-rules';

/** Which containers' findings count. */
export enum PodSecurityScope {
  /** Every container and the pod-level fields. */
  ALL = 'all',
  /**
   * Only the containers that run nginx from a ConfigMap (what `ReverseProxySidecar` adds), with the
   * pod-level fields they inherit; for charts whose other containers you do not own.
   */
  NGINX_SIDECARS = 'nginx-sidecars',
}

/** Options of `checkPodSecurity`. */
export interface PodSecurityOptions {
  /**
   * The level whose rules run.
   * @default PodSecurityLevel.RESTRICTED (which includes baseline)
   */
  readonly level?: PodSecurityLevel;
  /**
   * Which containers are checked.
   * @default PodSecurityScope.ALL
   */
  readonly scope?: PodSecurityScope;
}

/**
 * Checks the pod of every workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob, ...) against the Pod Security Standards of Kubernetes 1.27: a finding per field and
 * container that breaks a rule, naming the rule and its level.
 */
export function checkPodSecurity(manifests: ReadonlyArray<LoadedManifest>, options: PodSecurityOptions = {}): ValidationFinding[] {
  const level = options.level ?? PodSecurityLevel.RESTRICTED;
  const rules = POD_SECURITY_RULES.filter((r) => level === PodSecurityLevel.RESTRICTED || r.level === PodSecurityLevel.BASELINE);
  const out: ValidationFinding[] = [];
  for (const m of manifests) {
    const pod = podTemplateOf(m.object);
    if (!pod) {
      continue;
    }
    const view: PodView = {
      pod,
      containers: podContainers(pod),
      podContext: pod.spec.securityContext ?? {},
      windows: pod.spec.os?.name === 'windows',
    };
    const counted = options.scope === PodSecurityScope.NGINX_SIDECARS
      ? new Set(view.containers.filter((c) => runsNginx(c.container)).map((c) => c.container.name))
      : undefined;
    for (const rule of rules) {
      for (const v of rule.check(view)) {
        if (counted && (v.container === undefined || !counted.has(v.container))) {
          continue;
        }
        out.push(finding({
          check: FindingCheck.POD_SECURITY,
          rule: rule.id,
          object: m.ref,
          path: jsonPath(v.path),
          reason: `${v.reason} (${rule.level} "${rule.id}")`,
          value: v.value,
          ...(v.container !== undefined ? { container: v.container } : {}),
        }));
      }
    }
  }
  return out;
}
