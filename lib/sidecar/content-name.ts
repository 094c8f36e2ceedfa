import { createHash } from 'crypto';
import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';

/** A ConfigMap's data and binaryData. */
export interface ConfigMapData {
  readonly data: Record<string, string>;
  readonly binaryData: Record<string, string>;
}

/**
 * The name of a ConfigMap that is named by its content (as kustomize's configMapGenerator does)
 * and immutable: the chart's name for the object, then 10 hex digits of a SHA-256 of its data. A pod
 * template then points at exactly the files it was rendered with, so a rollout never mixes two
 * versions and `kubectl rollout undo` brings the old files back with the old template.
 *
 * The content is final only at synthesis, so the name is a cdk8s implicit token: it resolves there
 * (`resolve`), in JSON patches (`toJSON`) and in strings (`toString`, the name as of now).
 */
export class ContentName {
  private base?: () => string;
  /** The hash of the content last seen: the content is the same objects until something changes. */
  private hashed?: { data: Record<string, string>; binaryData: Record<string, string>; hash: string };

  constructor(private readonly content: () => ConfigMapData) {}

  /** The ConfigMap this names; set once it exists. (A closure, not the object: no cycle for serializers.) */
  public bind(object: ApiObject): void {
    this.base = () => Chart.of(object).generateObjectName(object);
  }

  public resolve(): string {
    if (!this.base) {
      throw new Error('internal: a ContentName resolved before its ConfigMap exists');
    }
    const content = this.content();
    if (this.hashed?.data !== content.data || this.hashed.binaryData !== content.binaryData) {
      this.hashed = { data: content.data, binaryData: content.binaryData, hash: contentHash(content) };
    }
    return `${this.base()}-${this.hashed.hash}`;
  }

  public toJSON(): string {
    return this.resolve();
  }

  public toString(): string {
    return this.resolve();
  }
}

/** 10 hex digits of a SHA-256 over the keys and values, length-prefixed so no two contents collide by concatenation. */
export function contentHash(content: ConfigMapData): string {
  const hash = createHash('sha256');
  for (const [kind, record] of [['data', content.data], ['binaryData', content.binaryData]] as const) {
    for (const key of Object.keys(record).sort()) {
      const v = record[key];
      hash.update(`${kind}:${key.length}:${key}${Buffer.byteLength(v)}:`).update(v);
    }
  }
  return hash.digest('hex').slice(0, 10);
}

/**
 * A new immutable ConfigMap named by its content, whose data `content` produces at synthesis.
 * @param onRender called each time the ConfigMap itself is rendered (not its name)
 */
export function contentNamedConfigMap(scope: Construct, id: string, namespace: string | undefined,
  content: () => ConfigMapData, onRender: () => void = () => undefined): ApiObject {
  const name = new ContentName(content);
  const omitEmpty = (r: Record<string, string>) => (Object.keys(r).length > 0 ? r : undefined);
  const object = new ApiObject(scope, id, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: name as unknown as string, namespace },
    immutable: true,
    data: Lazy.any({ produce: () => { onRender(); return omitEmpty(content().data); } }),
    binaryData: Lazy.any({ produce: () => omitEmpty(content().binaryData) }),
  });
  name.bind(object);
  return object;
}
