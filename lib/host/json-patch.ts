import { IAnyProducer } from 'cdk8s';

/** Escapes a key for a JSON pointer (RFC 6901). */
export function jsonPointerKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A JSON patch value that cdk8s resolves only when the object is serialized: cdk8s clones patch
 * values with JSON.stringify at synthesis, which calls `toJSON`; tests pin this behaviour.
 */
export class DeferredValue {
  constructor(private readonly producer: IAnyProducer) {}

  public toJSON(): unknown {
    return this.producer.produce();
  }
}

/** A container's lifecycle as JSON, as far as the drain goes. */
export interface LifecycleJson {
  readonly preStop?: unknown;
  readonly [handler: string]: unknown;
}

/**
 * The lifecycle a container gets so that it outlives the sidecar's drain: its own, with a preStop
 * exec hook of `command` added unless it has a preStop already (the user's own hook wins).
 */
export function lifecycleWithPreStop(existing: LifecycleJson | undefined, command: string[]): LifecycleJson {
  if (existing?.preStop) {
    return existing;
  }
  return { ...(existing ?? {}), preStop: { exec: { command } } };
}
