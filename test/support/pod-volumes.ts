import * as fs from 'fs';
import * as path from 'path';
import { K8sObject } from './manifests';

/** The error the kubelet (or the API server, before it) reports when a pod cannot start; tests assert its reason. */
export class KubeletRefusal extends Error {}

/** One of the container's mounts, ready to bind: a materialized ConfigMap/Secret or an emptyDir. */
export interface PreparedMount {
  readonly mountPath: string;
  readonly readOnly: boolean;
  /** A directory (or a file, with subPath) on the host. */
  readonly source: string;
  /** An emptyDir mounted read-write, rather than a ConfigMap, Secret or image file (read-only). */
  readonly writable?: boolean;
}

/** Where a container's volumes are laid out on this machine. */
export interface VolumeDirs {
  /** Per-pod directory: emptyDirs live here, so the containers of one pod share them. */
  readonly podDir: string;
  /** Per-container directory: ConfigMaps and Secrets are materialized here. */
  readonly containerDir: string;
}

/**
 * The container's volumeMounts, laid out the way the kubelet would: ConfigMaps and Secrets
 * materialized with their `items` (or every key), `mode`/`defaultMode` and `subPath`; emptyDirs and
 * a StatefulSet's volumeClaimTemplates as fresh, shared, world-writable directories. A Secret is
 * laid out as the kubelet's atomic writer does (`..data`), so that `updateSecretVolume` can swap it.
 */
export function prepareMounts(objects: K8sObject[], workload: K8sObject, spec: any, container: any, dirs: VolumeDirs): PreparedMount[] {
  const namespace = workload.metadata.namespace;
  const volumes = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
  for (const claim of workload.spec?.volumeClaimTemplates ?? []) {
    volumes.set(claim.metadata.name, { name: claim.metadata.name, emptyDir: {} });
  }
  const mounts: PreparedMount[] = [];
  (container.volumeMounts ?? []).forEach((m: any, i: number) => {
    const volume = volumes.get(m.name);
    if (!volume) {
      // The API server rejects the pod before a kubelet sees it, with this message (its field path).
      const field = workload.kind === 'Pod' ? 'spec' : workload.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
      throw new KubeletRefusal(`${field}.containers[${spec.containers.indexOf(container)}].volumeMounts[${i}].name: Not found: "${m.name}"`);
    }
    const readOnly = m.readOnly === true;
    let dir: string;
    let writable = false;
    if (volume.emptyDir) {
      dir = path.join(dirs.podDir, `emptydir-${m.name}`);
      if (!fs.existsSync(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        fs.chmodSync(dir, 0o1777);
      }
      writable = !readOnly;
    } else if (volume.configMap || volume.secret) {
      dir = path.join(dirs.containerDir, `volume-${m.name}`);
      if (!fs.existsSync(dir)) {
        materialize(objects, namespace, volume, dir);
      }
    } else {
      throw new Error(`volume "${m.name}" is of a kind the pod runner does not model: ${Object.keys(volume).join(', ')}`);
    }
    let source = dir;
    if (m.subPath) {
      source = path.join(dir, m.subPath);
      if (!fs.existsSync(source)) {
        if (!writable) {
          throw new KubeletRefusal(`failed to prepare subPath for volumeMount "${m.name}" of container "${container.name}"`);
        }
        // The kubelet creates a missing subPath directory in a writable volume.
        fs.mkdirSync(source, { recursive: true, mode: 0o777 });
      }
    }
    // ConfigMap and Secret volumes are always read-only, whatever the mount says.
    mounts.push({ mountPath: m.mountPath, readOnly: writable ? readOnly : true, source, writable });
  });
  return mounts;
}

/** Writes a ConfigMap's or Secret's keys as files, with `items`, `mode` and `defaultMode`. */
function materialize(objects: K8sObject[], namespace: string | undefined, volume: any, dir: string): void {
  const isSecret = volume.secret !== undefined;
  const ref = volume.configMap ?? volume.secret;
  const kind = isSecret ? 'Secret' : 'ConfigMap';
  const name = isSecret ? ref.secretName : ref.name;
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (!obj) {
    if (ref.optional) {
      return;
    }
    throw new KubeletRefusal(`MountVolume.SetUp failed for volume "${volume.name}" : ${kind.toLowerCase()} "${name}" not found`);
  }
  const files = volumeFiles(obj, volume);
  if (isSecret) {
    writeAtomically(dir, files);
    return;
  }
  for (const f of files) {
    const file = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, f.bytes);
    fs.chmodSync(file, f.mode);
  }
}

interface VolumeFile {
  readonly path: string;
  readonly bytes: Buffer;
  readonly mode: number;
}

/** The files a ConfigMap or Secret volume holds: its `items` (or every key), with their modes. */
function volumeFiles(obj: K8sObject, volume: any): VolumeFile[] {
  const isSecret = volume.secret !== undefined;
  const ref = volume.configMap ?? volume.secret;
  // Secret data is base64; a ConfigMap's is text, with binaryData in base64.
  const text: Record<string, string> = isSecret ? {} : obj.data ?? {};
  const binary: Record<string, string> = isSecret ? obj.data ?? {} : obj.binaryData ?? {};
  const stringData: Record<string, string> = isSecret ? obj.stringData ?? {} : {};
  const read = (key: string): Buffer | undefined => key in stringData ? Buffer.from(stringData[key], 'utf8')
    : key in text ? Buffer.from(text[key], 'utf8')
      : key in binary ? Buffer.from(binary[key], 'base64') : undefined;
  const allKeys = [...Object.keys(text), ...Object.keys(binary), ...Object.keys(stringData)];
  const items: Array<{ key: string; path: string; mode?: number }> = ref.items ?? allKeys.map((key) => ({ key, path: key }));
  const defaultMode = ref.defaultMode ?? 0o644;
  const files: VolumeFile[] = [];
  for (const item of items) {
    const bytes = read(item.key);
    if (bytes === undefined) {
      if (ref.optional) {
        continue;
      }
      throw new KubeletRefusal(`MountVolume.SetUp failed for volume "${volume.name}" : `
        + `${isSecret ? 'secret' : 'configmap'} references non-existent ${isSecret ? 'secret' : 'config'} key: ${item.key}`);
    }
    files.push({ path: item.path, bytes, mode: item.mode ?? defaultMode });
  }
  return files;
}

let generation = 0;

/**
 * Writes the files as the kubelet's atomic writer does: into a new hidden directory, then the
 * `..data` symlink swapped to it with one rename, each top-level name a symlink through `..data`.
 * A reader sees the old set or the new one, never a mix; the previous directory is removed.
 */
function writeAtomically(dir: string, files: VolumeFile[]): void {
  const stamp = `..${new Date().toISOString().replace(/[-:.TZ]/g, '_')}${++generation}`;
  const data = path.join(dir, '..data');
  const previous = fs.existsSync(data) ? fs.readlinkSync(data) : undefined;
  for (const f of files) {
    const file = path.join(dir, stamp, f.path);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, f.bytes);
    fs.chmodSync(file, f.mode);
  }
  fs.chmodSync(path.join(dir, stamp), 0o755);
  fs.symlinkSync(stamp, path.join(dir, '..data_tmp'));
  fs.renameSync(path.join(dir, '..data_tmp'), data);
  for (const top of new Set(files.map((f) => f.path.split('/')[0]))) {
    if (!fs.existsSync(path.join(dir, top))) {
      fs.symlinkSync(path.join('..data', top), path.join(dir, top));
    }
  }
  if (previous) {
    fs.rmSync(path.join(dir, previous), { recursive: true, force: true });
  }
}

/** Rewrites a materialized Secret volume with the Secret's new data, the way the kubelet syncs it. */
export function updateSecretVolume(dir: string, volume: any, secret: K8sObject): void {
  writeAtomically(dir, volumeFiles(secret, volume));
}
