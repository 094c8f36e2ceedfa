import type { ErrorObject } from 'ajv';
import { FindingCheck, ValidationFinding, finding, jsonPath } from './finding';
import { LoadedManifest } from './manifest-input';
import { REMOVED_BY_1_27 } from './removed-apis';
import { KUBERNETES_SCHEMA_VERSION, SchemaRegistry } from './schema-registry';

/** Options of `checkSchemas`. */
export interface SchemaCheckOptions {
  /**
   * Objects of kinds that Kubernetes 1.27 does not have (custom resources) pass unchecked.
   * @default false - they are findings (`unknown-kind`)
   */
  readonly allowUnknownKinds?: boolean;
}

let registry: SchemaRegistry | undefined;

/**
 * Checks each object against the Kubernetes 1.27 OpenAPI schema of its kind, strictly: unknown
 * fields, wrong types, values outside an enum, bad formats (int32, quantity, ...) and missing
 * required fields are findings, each with the JSON path and the value.
 */
export function checkSchemas(manifests: ReadonlyArray<LoadedManifest>, options: SchemaCheckOptions = {}): ValidationFinding[] {
  registry ??= new SchemaRegistry();
  const out: ValidationFinding[] = [];
  for (const m of manifests) {
    const removedIn = REMOVED_BY_1_27[m.object.apiVersion];
    if (removedIn !== undefined) {
      out.push(finding({
        check: FindingCheck.SCHEMA, rule: 'removed-api', object: m.ref, path: 'apiVersion',
        reason: `Kubernetes ${KUBERNETES_SCHEMA_VERSION} no longer serves this apiVersion (removed in ${removedIn})`,
        value: m.object.apiVersion,
      }));
      continue;
    }
    const validate = registry.validatorFor(m.object.apiVersion, m.object.kind);
    if (!validate) {
      if (!options.allowUnknownKinds) {
        out.push(finding({
          check: FindingCheck.SCHEMA, rule: 'unknown-kind', object: m.ref, path: '',
          reason: `Kubernetes ${KUBERNETES_SCHEMA_VERSION} has no kind "${m.object.kind}" in apiVersion "${m.object.apiVersion}"`,
          value: { apiVersion: m.object.apiVersion, kind: m.object.kind },
        }));
      }
      continue;
    }
    if (!validate(m.object)) {
      out.push(...readable(validate.errors ?? []).map((e) => toFinding(m, e)));
    }
  }
  return out;
}

/** `oneOf: [{$ref}, {type: null}]` is how the schemas say "this object, or null". */
function isNullableWrapper(e: ErrorObject): boolean {
  return e.keyword === 'oneOf' && Array.isArray(e.schema) && e.schema.some((s: any) => s?.type === 'null');
}

/**
 * The errors a reader needs. The "or null" alternatives of nullable references fail whenever the
 * object fails, so they and their `oneOf` are dropped (the error inside the object remains). A real
 * choice (IntOrString, Quantity) becomes one error naming the alternatives.
 */
function readable(errors: ErrorObject[]): Array<{ error: ErrorObject; reason?: string }> {
  const nullBranches = new Set(errors.filter(isNullableWrapper).map((e) => `${e.instancePath}|${e.schemaPath}/`));
  const choices = errors.filter((e) => e.keyword === 'oneOf' && !isNullableWrapper(e));
  const inBranch = (e: ErrorObject, of: ErrorObject) => e.instancePath === of.instancePath && e.schemaPath.startsWith(`${of.schemaPath}/`);
  const out: Array<{ error: ErrorObject; reason?: string }> = [];
  for (const e of errors) {
    if (isNullableWrapper(e) || (e.keyword === 'type' && (e.params as any).type === 'null'
      && [...nullBranches].some((b) => `${e.instancePath}|${e.schemaPath}`.startsWith(b)))) {
      continue;
    }
    if (choices.some((c) => c !== e && inBranch(e, c))) {
      continue;
    }
    if (choices.includes(e)) {
      const branches = errors.filter((b) => inBranch(b, e));
      const reason = branches.length === 0 ? 'must match exactly one of its forms'
        : branches.every((b) => b.keyword === 'type') ? `must be ${[...new Set(branches.map((b) => (b.params as any).type))].join(' or ')}`
          : [...new Set(branches.map(reasonOf))].join(', or ');
      out.push({ error: e, reason });
    } else {
      out.push({ error: e });
    }
  }
  return out;
}

function reasonOf(e: ErrorObject): string {
  const p = e.params as any;
  switch (e.keyword) {
    case 'additionalProperties':
      return 'unknown field';
    case 'required':
      return 'required field is missing';
    case 'enum':
      return `must be one of ${p.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be ${p.type}`;
    case 'format':
      return `must match format "${p.format}"`;
    default:
      return e.message ?? e.keyword;
  }
}

/** The rule name of an ajv keyword. */
function ruleOf(keyword: string): string {
  return keyword === 'additionalProperties' ? 'unknown-field' : keyword;
}

function toFinding(m: LoadedManifest, { error, reason }: { error: ErrorObject; reason?: string }): ValidationFinding {
  const segments = pointerSegments(m.object, error.instancePath);
  const p = error.params as any;
  // The field that is unknown or missing is a parameter, not part of the instance path.
  const field = error.keyword === 'additionalProperties' ? p.additionalProperty : error.keyword === 'required' ? p.missingProperty : undefined;
  if (field !== undefined) {
    segments.push(field);
  }
  return finding({
    check: FindingCheck.SCHEMA,
    rule: ruleOf(error.keyword),
    object: m.ref,
    path: jsonPath(segments),
    reason: reason ?? reasonOf(error),
    value: valueAt(m.object, segments),
  });
}

/** A JSON pointer (`/spec/ports/0`) as path segments, array indexes as numbers. */
function pointerSegments(root: unknown, pointer: string): Array<string | number> {
  if (pointer === '') {
    return [];
  }
  const out: Array<string | number> = [];
  let node: any = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    out.push(segment);
    node = node?.[segment];
  }
  return out;
}

function valueAt(root: unknown, segments: ReadonlyArray<string | number>): unknown {
  let node: any = root;
  for (const s of segments) {
    node = node?.[s];
  }
  return node;
}
