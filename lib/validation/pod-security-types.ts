import { PodContainer, PodTemplate } from './pod-templates';

/** The Pod Security Standards levels (the `privileged` level has no rules). */
export enum PodSecurityLevel {
  BASELINE = 'baseline',
  RESTRICTED = 'restricted',
}

/** A pod as the rules see it. */
export interface PodView {
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
  readonly path: ReadonlyArray<string | number>;
  readonly value: unknown;
  readonly reason: string;
  readonly container?: string;
}

/** One control of the Pod Security Standards, as Pod Security Admission checks it. */
export interface PodSecurityRule {
  /** The check's name in Pod Security Admission. */
  readonly id: string;
  readonly level: PodSecurityLevel;
  readonly description: string;
  readonly check: (pod: PodView) => RuleViolation[];
}
