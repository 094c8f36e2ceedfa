import { ValidationFinding } from './finding';
import { checkSchemas } from './kubernetes-schema';
import { loadManifests } from './manifest-input';
import { checkNginxConfs } from './nginx-check';
import { PodSecurityLevel, PodSecurityScope, checkPodSecurity } from './pod-security';

/** Which checks `validateManifests` runs, and how. */
export interface ValidateManifestsOptions {
  /** The strict Kubernetes 1.27 schema check. @default true */
  readonly schema?: boolean;
  /** Kinds Kubernetes 1.27 does not know (custom resources) pass the schema check. @default false */
  readonly allowUnknownKinds?: boolean;
  /** The Pod Security Standards check. @default true */
  readonly podSecurity?: boolean;
  /**
   * The Pod Security level whose rules run.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurityLevel?: PodSecurityLevel;
  /**
   * Which containers the Pod Security rules check.
   * @default PodSecurityScope.ALL
   */
  readonly podSecurityScope?: PodSecurityScope;
  /** `nginx -t` on the nginx.conf of each nginx container (needs a local nginx). @default false */
  readonly nginx?: boolean;
  /**
   * The nginx binary that runs `nginx -t`.
   * @default - `nginx` on the PATH or in the usual sbin directories
   */
  readonly nginxBinary?: string;
  /** For configs that serve TLS from a Secret: makes their throwaway test certificate. @default 'openssl' on the PATH */
  readonly opensslBinary?: string;
}

/**
 * Runs the schema, Pod Security and (optionally) `nginx -t` checks on synthesized objects: each
 * entry of `manifests` is a YAML file path (all its documents) or an object, e.g. from
 * `Testing.synth(chart)`. Returns the findings, schema first, in the objects' order.
 */
export function validateManifests(manifests: ReadonlyArray<unknown>, options: ValidateManifestsOptions = {}): ValidationFinding[] {
  const loaded = loadManifests(manifests);
  return [
    ...(options.schema ?? true ? checkSchemas(loaded, { allowUnknownKinds: options.allowUnknownKinds }) : []),
    ...(options.podSecurity ?? true ? checkPodSecurity(loaded, { level: options.podSecurityLevel, scope: options.podSecurityScope }) : []),
    ...(options.nginx ? checkNginxConfs(loaded, { nginxBinary: options.nginxBinary, opensslBinary: options.opensslBinary }) : []),
  ];
}

/** What `assertValidManifests` throws: the message lists every finding, one per line. */
export class ManifestValidationError extends Error {
  constructor(
    /** Every finding, in the order the checks reported them. */
    public readonly findings: ReadonlyArray<ValidationFinding>,
  ) {
    super(`${findings.length} finding${findings.length === 1 ? '' : 's'} in the manifests:\n${findings.map((f) => `  ${f.message}`).join('\n')}`);
    this.name = 'ManifestValidationError';
  }
}

/**
 * `validateManifests`, throwing a `ManifestValidationError` that lists every finding when there is
 * any; for tests: `assertValidManifests(Testing.synth(chart), { nginx: true })`.
 */
export function assertValidManifests(manifests: ReadonlyArray<unknown>, options: ValidateManifestsOptions = {}): void {
  const findings = validateManifests(manifests, options);
  if (findings.length > 0) {
    throw new ManifestValidationError(findings);
  }
}
