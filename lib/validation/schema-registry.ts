import * as fs from 'fs';
import * as path from 'path';
import type { default as AjvClass, ValidateFunction } from 'ajv';

/**
 * The Kubernetes version of the schemas: kubernetes-models 4.3.x is generated from the v1.27.1
 * OpenAPI spec (its changelog: "Update schema version to v1.27.1"). 4.4.x keeps v1.27.1 but ships
 * only pre-compiled validators, 4.5.x (v1.33) and 5.x (v1.36, ESM only) too: they accept unknown
 * fields and cannot be made strict, so no other version will do (checked 2026-12-06).
 */
export const KUBERNETES_SCHEMA_VERSION = '1.27.1';
const MODELS_VERSION = /^4\.3\./;

const INSTALL = 'npm install --save-dev ajv@8 ajv-formats@3 && npm install --save-dev --save-exact kubernetes-models@4.3.1 (without --save-exact, ^4.3.1 later resolves 4.5)';

/**
 * Kubernetes `resource.Quantity`, from the grammar in its API documentation:
 * `<signedNumber><suffix>`, suffix a binary SI (Ki..Ei), a decimal SI (m, "", k, M, G, T, P, E) or a
 * decimal exponent (e/E and a signed number); a number is `<digits>`, `<digits>.<digits>`,
 * `<digits>.` or `.<digits>`.
 */
const NUMBER = '(?:\\d+(?:\\.\\d*)?|\\.\\d+)';
const QUANTITY = new RegExp(`^[+-]?${NUMBER}(?:Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?${NUMBER})?$`);

/**
 * The published 1.27 schemas of kubernetes-models, made strict and compiled with ajv, per kind.
 *
 * kubernetes-models ships each definition as a module whose `addSchema()` hands the schema object
 * (and, first, those it refers to) to `register(id, schema)` of `@kubernetes-models/validate`. The
 * registry replaces that `register` while it calls `addSchema()`, so it receives the same objects,
 * and compiles deep copies of them in an ajv instance of its own: the package's own validator (which
 * a user may also call) is left as it was.
 *
 * Strictness is configuration, not a new schema: the OpenAPI definitions do not say
 * `additionalProperties: false` (the API server prunes unknown fields unless asked to be strict), so
 * every object schema that lists `properties` and says nothing about other properties gets
 * `additionalProperties: false`, as kubectl's strict field validation and kubeconform's `-strict`
 * schemas do. Maps (labels, data, ...) declare `additionalProperties` and are left alone.
 */
export class SchemaRegistry {
  private readonly root: string;
  private readonly validateModule: { register: (id: string, schema: object) => void };
  private readonly ajv: AjvClass;
  private readonly added = new Set<string>();
  private readonly byKind = new Map<string, ValidateFunction | undefined>();

  constructor() {
    let modelsIndex: string;
    try {
      modelsIndex = require.resolve('kubernetes-models');
    } catch {
      throw new Error(`the schema check needs the Kubernetes 1.27 schemas: ${INSTALL}`);
    }
    this.root = path.dirname(modelsIndex);
    const version = JSON.parse(fs.readFileSync(path.join(this.root, 'package.json'), 'utf8')).version;
    if (!MODELS_VERSION.test(version)) {
      throw new Error(`the schema check needs kubernetes-models 4.3.x (Kubernetes ${KUBERNETES_SCHEMA_VERSION}), found ${version}: ${INSTALL}`);
    }
    // The instance kubernetes-models itself uses, wherever npm placed it.
    this.validateModule = require(require.resolve('@kubernetes-models/validate', { paths: [this.root] }));
    /* eslint-disable @typescript-eslint/no-require-imports */
    const Ajv: typeof AjvClass = require('ajv').default;
    const addFormats = require('ajv-formats').default;
    /* eslint-enable @typescript-eslint/no-require-imports */
    // strictTypes off: the nullable references are `oneOf: [{$ref}, {type: null}]`.
    this.ajv = new Ajv({ allErrors: true, verbose: true, strictTypes: false });
    addFormats(this.ajv); // int32, int64, double, byte, date-time
    this.ajv.addFormat('quantity', QUANTITY);
  }

  /**
   * The strict validator of `apiVersion`/`kind`, or `undefined` when Kubernetes 1.27 has no such
   * built-in kind (a custom resource, a typo, a removed API version).
   */
  public validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = `${apiVersion}/${kind}`;
    if (!this.byKind.has(key)) {
      this.byKind.set(key, this.compile(apiVersion, kind));
    }
    return this.byKind.get(key);
  }

  private compile(apiVersion: string, kind: string): ValidateFunction | undefined {
    // The model module `kubernetes-models/<apiVersion>/<Kind>` exists only for built-in kinds; it
    // also exports the class under the definition's name (`IoK8sApiAppsV1Deployment`), which is the
    // file name of its schema module.
    if (!/^([a-z0-9-]+(\.[a-z0-9-]+)*\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      return undefined;
    }
    let model: Record<string, unknown>;
    try {
      model = require(`kubernetes-models/${apiVersion}/${kind}`);
    } catch {
      return undefined;
    }
    const definition = Object.keys(model).find((k) => k.startsWith('IoK8s'));
    if (!definition || model[kind] === undefined) {
      return undefined;
    }
    const schemas = this.collect(path.join(this.root, '_schemas', `${definition}.js`));
    for (const [id, schema] of schemas) {
      for (const [addId, addSchema] of withNativeSidecars(id, strict(schema))) {
        if (!this.added.has(addId)) {
          this.ajv.addSchema(addSchema, addId);
          this.added.add(addId);
        }
      }
    }
    // addSchema() registers what a definition refers to first, and the definition itself last.
    const rootId = [...schemas.keys()].pop()!;
    return this.ajv.getSchema(rootId);
  }

  /** The schemas a definition's `addSchema()` registers, by id, in registration order. */
  private collect(schemaModule: string): Map<string, object> {
    const collected = new Map<string, object>();
    const register = this.validateModule.register;
    this.validateModule.register = (id, schema) => {
      if (!collected.has(id)) {
        collected.set(id, schema);
      }
    };
    try {
      require(schemaModule).addSchema();
    } finally {
      this.validateModule.register = register;
    }
    if (collected.size === 0) {
      throw new Error(`${schemaModule} registered no schema: kubernetes-models and @kubernetes-models/validate do not match`);
    }
    return collected;
  }
}

const CONTAINER = 'io.k8s.api.core.v1.Container';
const INIT_CONTAINER = 'io.k8s.api.core.v1.Container+initRestartPolicy';

/**
 * The one field newer than 1.27 that the check accepts: an init container's `restartPolicy: Always`
 * (native sidecars: alpha in 1.28, on by default from 1.29, GA in 1.33), which the sidecar writes with
 * `nativeSidecar`. kubernetes-models 4.3 (1.27) lacks it and 4.4+ cannot be made strict, so the pod
 * spec's `initContainers` refer to a copy of the Container schema with that field, and only the value
 * `Always`, as the 1.29+ API server validates it; regular containers still refuse it.
 */
function withNativeSidecars(id: string, schema: any): Array<[string, any]> {
  if (id === CONTAINER) {
    const restartPolicy = { type: 'string', enum: ['Always'] };
    return [[id, schema], [INIT_CONTAINER, { ...schema, properties: { ...schema.properties, restartPolicy } }]];
  }
  if (id === 'io.k8s.api.core.v1.PodSpec') {
    const initContainers = { ...schema.properties.initContainers, items: { $ref: `${INIT_CONTAINER}#` } };
    return [[id, { ...schema, properties: { ...schema.properties, initContainers } }]];
  }
  return [[id, schema]];
}

/** Keywords whose value is one schema, and those whose value is a list or a map of schemas. */
const ONE_SCHEMA = ['items', 'additionalProperties', 'not'];
const SCHEMA_LIST = ['oneOf', 'anyOf', 'allOf', 'items'];
const SCHEMA_MAP = ['properties', 'patternProperties', 'definitions', '$defs'];

/**
 * A deep copy of a schema in which every object schema with `properties` and no word on other
 * properties refuses them (`additionalProperties: false`). Only schema positions are walked, so
 * `enum` values and defaults are copied as they are.
 */
export function strict(schema: any): any {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return schema;
  }
  const out: any = { ...schema };
  for (const key of ONE_SCHEMA) {
    if (typeof schema[key] === 'object' && !Array.isArray(schema[key])) {
      out[key] = strict(schema[key]);
    }
  }
  for (const key of SCHEMA_LIST) {
    if (Array.isArray(schema[key])) {
      out[key] = schema[key].map(strict);
    }
  }
  for (const key of SCHEMA_MAP) {
    if (typeof schema[key] === 'object' && schema[key] !== null) {
      out[key] = Object.fromEntries(Object.entries(schema[key]).map(([k, v]) => [k, strict(v)]));
    }
  }
  if (out.properties && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}
