/** Which check produced a finding. */
export enum FindingCheck {
  /** The Kubernetes 1.27 OpenAPI schema, strict (unknown fields are errors). */
  SCHEMA = 'schema',
  /** A Pod Security Standards rule (Pod Security Admission, policy version 1.27). */
  POD_SECURITY = 'pod-security',
  /** `nginx -t` on an nginx.conf from a ConfigMap that an nginx container runs. */
  NGINX = 'nginx',
}

/** The Kubernetes object a finding is about. */
export interface ObjectRef {
  /** The object's `apiVersion`. */
  readonly apiVersion: string;
  /** The object's `kind`. */
  readonly kind: string;
  /** The object's `metadata.name`. */
  readonly name: string;
  /**
   * The object's `metadata.namespace`.
   * @default - none: a cluster-scoped object, or the namespace is left to kubectl
   */
  readonly namespace?: string;
  /** The YAML file the object was read from. @default - the object was passed in directly */
  readonly file?: string;
}

/** One problem found in a synthesized object. */
export interface ValidationFinding {
  /** The check that produced it. */
  readonly check: FindingCheck;
  /** The rule that failed, e.g. `unknown-field`, `runAsNonRoot`, `nginx-t`. */
  readonly rule: string;
  /** The object it is about. */
  readonly object: ObjectRef;
  /** Where in the object, as a JSON path (`spec.template.spec.containers[0].securityContext`); empty for the whole object. */
  readonly path: string;
  /** The value found there, as JSON (`undefined` when the field is missing). */
  readonly value: string;
  /** What is wrong, in words. */
  readonly reason: string;
  /** The container the finding is about, for Pod Security rules. @default - the object or the pod as a whole */
  readonly container?: string;
  /** The whole finding on one line: object, path, reason and value. */
  readonly message: string;
}

/** `Deployment web` or `StatefulSet monitoring/am`. */
export function describeObject(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** A value as JSON for a message; `undefined` when the field is missing. Long values are cut. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  const json = JSON.stringify(value);
  return json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/** JSON path segments (`['spec', 'containers', 0]`) as `spec.containers[0]`; keys that are not identifiers are quoted. */
export function jsonPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') {
      out += `[${s}]`;
    } else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) {
      out += out ? `.${s}` : s;
    } else {
      out += `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

/** Builds a finding and its one-line message: `[check] Kind ns/name path: reason (value: json)`. */
export function finding(props: Omit<ValidationFinding, 'message' | 'value'> & { readonly value: unknown }): ValidationFinding {
  const value = describeValue(props.value);
  const where = props.path ? ` ${props.path}` : '';
  const message = `[${props.check}] ${describeObject(props.object)}${where}: ${props.reason} (value: ${value})`;
  return { ...props, value, message };
}
