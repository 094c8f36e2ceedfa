import { PodContainer, PodTemplate } from './pod-templates';

/** The Pod Security Standards levels (the `privileged` level has no rules). */
export enum PodSecurityLevel {
  /** Prevents known privilege escalations: no host namespaces, privileged containers or added capabilities beyond the defaults. */
  BASELINE = 'baseline',
  /** Baseline plus current hardening: non-root, no privilege escalation, capabilities dropped, a seccomp profile. */
  RESTRICTED = 'restricted',
}

/** A pod as the rules see it. */
export interface PodView {
  /** The pod template, with its path in the object. */
  readonly pod: PodTemplate;
  /** Regular, init and ephemeral containers. */
  readonly containers: ReadonlyArray<PodContainer>;
  /** The pod-level securityContext (an empty object when absent). */
  readonly podContext: any;
  /** `spec.os.name` is `windows`: the restricted rules that Linux alone needs do not apply (policy 1.25+). */
  readonly windows: boolean;
}

/** What a rule found: where, the value there, why, and which container (none for pod-level fields). */
export interface RuleViolation {
  /** Path segments from the object's root to the field. */
  readonly path: ReadonlyArray<string | number>;
  /** The value found there (`undefined` when the field is missing). */
  readonly value: unknown;
  /** What is wrong, in words. */
  readonly reason: string;
  /**
   * The container's name.
   * @default - none: a pod-level field
   */
  readonly container?: string;
}

/** One control of the Pod Security Standards, as Pod Security Admission checks it. */
export interface PodSecurityRule {
  /** The check's name in Pod Security Admission. */
  readonly id: string;
  /** The level the rule belongs to (restricted includes baseline's). */
  readonly level: PodSecurityLevel;
  /** What the rule requires, in words. */
  readonly description: string;
  /** Finds the rule's violations in a pod. */
  readonly check: (pod: PodView) => RuleViolation[];
}
