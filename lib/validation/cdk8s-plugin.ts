import { FindingCheck, ValidationFinding } from './finding';
import { POD_SECURITY_RULES, PodSecurityLevel, PodSecurityScope } from './pod-security';
import { KUBERNETES_SCHEMA_VERSION } from './schema-registry';
import { ValidateManifestsOptions, validateManifests } from './validate-manifests';

/**
 * What the plugin uses of the context cdk8s-cli passes to `validate` (its `ValidationContext`,
 * `ValidationReport` and `ValidationLogger`, in `cdk8s-cli/lib/plugins/validation`), written out
 * here so that the library does not need cdk8s-cli at run time.
 */
export interface PluginContext {
  /** The synthesized YAML files. */
  readonly manifests: ReadonlyArray<string>;
  /** Where the plugin reports violations and its verdict. */
  readonly report: PluginReport;
  /** Where the plugin logs. */
  readonly logger: PluginLogger;
}

/** The report cdk8s-cli collects a plugin's violations and verdict in. */
export interface PluginReport {
  /** Adds one violation. */
  addViolation(violation: PluginViolation): void;
  /** Ends the report with the verdict and what was checked. */
  submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
}

/** cdk8s-cli's logger for plugins. */
export interface PluginLogger {
  /** Logs one message. */
  log(message: string): void;
}

/** A cdk8s-cli violation: one rule, with the resources that break it. */
export interface PluginViolation {
  /** The rule that failed. */
  readonly ruleName: string;
  /** What to do about it, in words. */
  readonly recommendation: string;
  /** How to fix it. */
  readonly fix: string;
  /** The objects that break the rule. */
  readonly violatingResources: ReadonlyArray<{
    /** The object's name (cdk8s-cli finds the construct path by it). */
    readonly resourceName: string;
    /** Where in the object, as JSON paths. */
    readonly locations: ReadonlyArray<string>;
    /** The YAML file the object is in. */
    readonly manifestPath: string;
  }>;
}

const PROPERTIES: ReadonlyArray<keyof ValidateManifestsOptions> = [
  'schema', 'allowUnknownKinds', 'podSecurity', 'podSecurityLevel', 'podSecurityScope', 'nginx', 'nginxBinary', 'opensslBinary',
];

/**
 * A cdk8s-cli validation plugin that runs `validateManifests` on what `cdk8s synth` wrote: the
 * strict Kubernetes 1.27 schemas, Pod Security "restricted" and, with `nginx: true`, `nginx -t`.
 * Declared in cdk8s.yaml under `validations:` with `properties:` as `ValidateManifestsOptions`.
 */
export class ManifestValidationPlugin {
  private readonly options: ValidateManifestsOptions;

  constructor(properties: { readonly [key: string]: unknown } = {}) {
    const unknown = Object.keys(properties).filter((k) => !(PROPERTIES as string[]).includes(k));
    if (unknown.length > 0) {
      throw new Error(`ManifestValidationPlugin: unknown properties ${unknown.join(', ')} (known: ${PROPERTIES.join(', ')})`);
    }
    const oneOf = (key: string, allowed: string[]) => {
      const v = properties[key];
      if (v !== undefined && !allowed.includes(v as string)) {
        throw new Error(`ManifestValidationPlugin: ${key} must be one of ${allowed.join(', ')}, not ${JSON.stringify(v)}`);
      }
    };
    oneOf('podSecurityLevel', Object.values(PodSecurityLevel));
    oneOf('podSecurityScope', Object.values(PodSecurityScope));
    for (const key of ['schema', 'allowUnknownKinds', 'podSecurity', 'nginx']) {
      if (properties[key] !== undefined && typeof properties[key] !== 'boolean') {
        throw new Error(`ManifestValidationPlugin: ${key} must be true or false, not ${JSON.stringify(properties[key])}`);
      }
    }
    this.options = properties as ValidateManifestsOptions;
  }

  /** Validates the synthesized manifests and reports each finding as a violation (called by cdk8s-cli). */
  public async validate(context: PluginContext): Promise<void> {
    const findings = validateManifests(context.manifests, this.options);
    for (const violation of toViolations(findings)) {
      context.report.addViolation(violation);
    }
    const o = this.options;
    context.report.submit(findings.length > 0 ? 'failure' : 'success', {
      'schema': o.schema ?? true ? `Kubernetes ${KUBERNETES_SCHEMA_VERSION}, strict` : 'off',
      'pod security': o.podSecurity ?? true ? `${o.podSecurityLevel ?? PodSecurityLevel.RESTRICTED}, ${o.podSecurityScope ?? PodSecurityScope.ALL} containers` : 'off',
      'nginx -t': o.nginx ? 'on' : 'off',
      'findings': String(findings.length),
    });
  }
}

/** Findings grouped into one violation per rule, and per object within it. */
export function toViolations(findings: ReadonlyArray<ValidationFinding>): PluginViolation[] {
  const byRule = new Map<string, ValidationFinding[]>();
  for (const f of findings) {
    const rule = `${f.check}/${f.rule}`;
    byRule.set(rule, [...(byRule.get(rule) ?? []), f]);
  }
  return [...byRule].map(([ruleName, list]) => {
    const byObject = new Map<string, ValidationFinding[]>();
    for (const f of list) {
      const key = `${f.object.file}|${f.object.kind}|${f.object.namespace}|${f.object.name}`;
      byObject.set(key, [...(byObject.get(key) ?? []), f]);
    }
    return {
      ruleName,
      ...advice(list[0]),
      violatingResources: [...byObject.values()].map((fs) => ({
        resourceName: fs[0].object.name,
        manifestPath: fs[0].object.file ?? '(in memory)',
        locations: fs.map((f) => f.message),
      })),
    };
  });
}

function advice(f: ValidationFinding): { recommendation: string; fix: string } {
  switch (f.check) {
    case FindingCheck.SCHEMA:
      return {
        recommendation: `Objects must match the Kubernetes ${KUBERNETES_SCHEMA_VERSION} API schema exactly: the API server drops or refuses what does not.`,
        fix: 'Correct the field named in each location (spelling, type, allowed values), in the construct or the patch that writes it.',
      };
    case FindingCheck.POD_SECURITY: {
      const rule = POD_SECURITY_RULES.find((r) => r.id === f.rule);
      return {
        recommendation: `Pod Security Standards (${rule?.level ?? 'restricted'}): ${rule?.description ?? f.rule}.`,
        fix: 'Set the securityContext field named in each location on the container (or the pod), or choose podSecurityScope: nginx-sidecars for containers you do not own.',
      };
    }
    default:
      return {
        recommendation: 'Every nginx.conf the pods run must pass nginx -t.',
        fix: 'Change the routes, directives or nginxConf that produced the line named in each location.',
      };
  }
}
