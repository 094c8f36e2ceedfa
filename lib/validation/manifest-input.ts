import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { ObjectRef } from './finding';

/** A synthesized Kubernetes object with where it came from. */
export interface LoadedManifest {
  /** The object as plain JSON. */
  readonly object: any;
  /** Which object it is, and the file it came from. */
  readonly ref: ObjectRef;
}

/**
 * Reads what the checks run on: each entry is either a path to a YAML file (every document in it,
 * e.g. `dist/app.k8s.yaml`, read as YAML 1.1 like kubectl and cdk8s do) or an object as plain
 * JSON (e.g. from `Testing.synth(chart)`). Empty documents are skipped; anything else that is not
 * an object is an error.
 */
export function loadManifests(input: ReadonlyArray<unknown>): LoadedManifest[] {
  const out: LoadedManifest[] = [];
  for (const entry of input) {
    if (typeof entry === 'string') {
      parseAllDocuments(fs.readFileSync(entry, 'utf8'), { version: '1.1' }).forEach((doc, i) => {
        const where = `${entry}: document ${i + 1}`;
        if (doc.errors.length > 0) {
          throw new Error(`${where} is not valid YAML: ${doc.errors[0].message}`);
        }
        const object = doc.toJSON();
        if (object !== null && object !== undefined) {
          out.push(loaded(object, where, entry));
        }
      });
    } else {
      out.push(loaded(entry, `object ${out.length + 1}`));
    }
  }
  return out;
}

function loaded(object: unknown, where: string, file?: string): LoadedManifest {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new Error(`${where} is not a Kubernetes object: ${JSON.stringify(object)}`);
  }
  const o = object as any;
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
  return {
    object: o,
    ref: {
      apiVersion: text(o.apiVersion, '(no apiVersion)'),
      kind: text(o.kind, '(no kind)'),
      name: text(o.metadata?.name, '(no name)'),
      ...(typeof o.metadata?.namespace === 'string' ? { namespace: o.metadata.namespace } : {}),
      ...(file ? { file } : {}),
    },
  };
}
