import { SpawnOptions, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { K8sObject, podTemplateOf } from './manifests';

/** One of the container's mounts, ready to bind: a materialized ConfigMap/Secret or an emptyDir. */
interface PreparedMount {
  readonly mountPath: string;
  readonly readOnly: boolean;
  /** A directory (or file, with subPath) on the host. */
  readonly source: string;
  /** An emptyDir (read-write) rather than a ConfigMap, Secret or image file (read-only). */
  readonly writable?: boolean;
}

/** What an image provides on this machine: a Debian binary, and files the image would hold. */
export interface ImageMapping {
  /** The image's ENTRYPOINT (+ CMD), used when the container sets no `command`. */
  readonly entrypoint: string[];
  /** Arguments appended for this machine (e.g. a UI path the Debian build needs). */
  readonly extraArgs?: string[];
  /** Host directories bind-mounted read-only where the image would have them. */
  readonly files?: Array<{ hostPath: string; mountPath: string }>;
}

export interface PrepareOptions {
  /** Per-pod directory for emptyDirs, so containers of one pod share them. @default - a private one */
  readonly podDir?: string;
  /** How to run the container's image here. @default - the container's own command */
  readonly image?: ImageMapping;
  /** Values of `fieldRef` env sources, e.g. `{ 'status.podIP': '127.0.0.1' }`. */
  readonly fieldRefs?: Record<string, string>;
}

/** A container of a synthesized pod, laid out on this machine the way the kubelet would. */
export interface PreparedContainer {
  readonly name: string;
  /** Environment from `env` (values and fieldRefs). */
  readonly env: Record<string, string>;
  readonly uid: number;
  readonly gid: number;
  readonly readOnlyRoot: boolean;
  readonly command: string[];
  readonly workingDir?: string;
  readonly mounts: PreparedMount[];
  /** Removes the materialized volumes. */
  cleanup(): void;
}

/** The error the kubelet reports when a pod cannot start; the tests assert its reason. */
export class KubeletRefusal extends Error {}

/**
 * Materializes the volumes a container mounts: ConfigMaps with their `items` (or all keys) and
 * `defaultMode`, emptyDirs as per-pod directories. Refuses what the kubelet refuses.
 */
export function prepareContainer(objects: K8sObject[], workload: K8sObject, containerName: string,
  opts: PrepareOptions = {}): PreparedContainer {
  const template = podTemplateOf(workload);
  const spec = template.spec;
  const container = (spec.containers ?? []).find((c: any) => c.name === containerName);
  if (!container) {
    throw new Error(`${workload.kind} "${workload.metadata.name}" has no container "${containerName}"`);
  }
  const sc = { ...(spec.securityContext ?? {}), ...(container.securityContext ?? {}) };
  const uid: number = sc.runAsUser ?? 0;
  const gid: number = sc.runAsGroup ?? uid;
  if (sc.runAsNonRoot && uid === 0) {
    throw new KubeletRefusal('container has runAsNonRoot and image will run as root');
  }
  const env = containerEnv(container, opts.fieldRefs ?? {});
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `pod-${containerName}-`));
  fs.chmodSync(workDir, 0o755);
  const podDir = opts.podDir ?? workDir;
  const namespace = workload.metadata.namespace;
  const volumes = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
  // A StatefulSet's volumeClaimTemplates become fresh, empty volumes.
  for (const claim of workload.spec?.volumeClaimTemplates ?? []) {
    volumes.set(claim.metadata.name, { name: claim.metadata.name, emptyDir: {} });
  }
  const mounts: PreparedMount[] = [];
  try {
    for (const m of container.volumeMounts ?? []) {
      const volume = volumes.get(m.name);
      if (!volume) {
        throw new KubeletRefusal(`volumeMount "${m.name}" references a volume that does not exist`);
      }
      const readOnly = m.readOnly === true;
      if (volume.emptyDir) {
        // One directory per pod and volume, world-writable like the kubelet's, shared by containers.
        const dir = path.join(podDir, `emptydir-${m.name}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.chmodSync(dir, 0o1777);
        mounts.push({ mountPath: m.mountPath, readOnly, source: dir, writable: !readOnly });
        continue;
      }
      const source = volume.configMap ?? volume.secret;
      if (!source) {
        throw new Error(`volume "${m.name}" is of a kind the sandbox does not model`);
      }
      const dir = path.join(workDir, m.name);
      materialize(objects, namespace, volume, dir);
      mounts.push({
        mountPath: m.mountPath,
        readOnly: true, // ConfigMap and Secret volumes are always read-only
        source: m.subPath ? path.join(dir, m.subPath) : dir,
      });
    }
    for (const f of opts.image?.files ?? []) {
      mounts.push({ mountPath: f.mountPath, readOnly: true, source: f.hostPath });
    }
  } catch (e) {
    fs.rmSync(workDir, { recursive: true, force: true });
    throw e;
  }
  const expand = (s: string) => expandVars(s, env);
  const args: string[] = (container.args ?? []).map(expand);
  let command: string[];
  if (container.command) {
    command = [...container.command.map(expand), ...args];
  } else if (opts.image) {
    command = [...opts.image.entrypoint, ...args];
  } else {
    throw new Error(`container "${containerName}" has no command and no image mapping for "${container.image}"`);
  }
  command.push(...(opts.image?.extraArgs ?? []));
  return {
    name: containerName,
    env,
    uid,
    gid,
    readOnlyRoot: sc.readOnlyRootFilesystem === true,
    command,
    workingDir: container.workingDir,
    mounts,
    cleanup: () => fs.rmSync(workDir, { recursive: true, force: true }),
  };
}

function materialize(objects: K8sObject[], namespace: string | undefined, volume: any, dir: string): void {
  const ref = volume.configMap ?? volume.secret;
  const kind = volume.configMap ? 'ConfigMap' : 'Secret';
  const name = ref.name ?? ref.secretName;
  const obj = objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!obj) {
    throw new KubeletRefusal(`${kind.toLowerCase()} "${name}" not found`);
  }
  const text: Record<string, string> = obj.data ?? {};
  const binary: Record<string, string> = obj.binaryData ?? {};
  const read = (key: string): Buffer | undefined => key in text ? Buffer.from(text[key], 'utf8')
    : key in binary ? Buffer.from(binary[key], 'base64') : undefined;
  const items: Array<{ key: string; path: string; mode?: number }> = ref.items
    ?? [...Object.keys(text), ...Object.keys(binary)].map((key) => ({ key, path: key }));
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const item of items) {
    const bytes = read(item.key);
    if (bytes === undefined) {
      throw new KubeletRefusal(`configmap references non-existent config key: ${item.key}`);
    }
    const file = path.join(dir, item.path);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, bytes, { mode: item.mode ?? ref.defaultMode ?? 0o644 });
  }
}

/** The container's env: literal values and fieldRefs, each expanding `$(VAR)` of earlier ones. */
function containerEnv(container: any, fieldRefs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.fieldRef?.fieldPath;
    if (ref !== undefined) {
      if (!(ref in fieldRefs)) {
        throw new Error(`env ${e.name} needs fieldRef ${ref}: pass it in fieldRefs`);
      }
      env[e.name] = fieldRefs[ref];
    } else {
      env[e.name] = expandVars(e.value ?? '', env);
    }
  }
  return env;
}

/** Kubernetes `$(VAR)` expansion: known variables are replaced, `$$` is a literal `$`, the rest stays. */
export function expandVars(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) => {
    if (m === '$$') {
      return '$';
    }
    return name in env ? env[name] : m;
  });
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The bash script that builds the container's view inside a new mount namespace: an overlay of
 * the host's root (so mount points can be created without touching the host), the pod's volumes
 * at their mountPaths, then the root made read-only, then the command run as the container's
 * uid/gid with stdout/stderr pipes owned by that uid (as runc does), so `/dev/stdout` opens.
 */
function sandboxScript(c: PreparedContainer, scratch: string): string {
  const lines = [
    'set -euo pipefail',
    `T=${q(scratch)}`,
    'mount -t tmpfs tmpfs "$T"',
    'mkdir "$T/u" "$T/w" "$T/r"',
    'mount -t overlay overlay -o lowerdir=/,upperdir="$T/u",workdir="$T/w" "$T/r"',
    'R="$T/r"',
  ];
  for (const m of c.mounts) {
    const target = `"$R"${q(m.mountPath)}`;
    if (fs.statSync(m.source).isFile()) {
      lines.push(`mkdir -p "$(dirname ${target})"`, `touch ${target}`);
    } else {
      lines.push(`mkdir -p ${target}`);
    }
    lines.push(`mount --bind ${q(m.source)} ${target}`);
    if (!m.writable) {
      lines.push(`mount -o remount,bind,ro ${target}`);
    }
  }
  lines.push('mount --rbind /dev "$R/dev"', 'mount -t proc proc "$R/proc"');
  if (c.readOnlyRoot) {
    lines.push('mount -o remount,ro "$R"');
  }
  lines.push(`exec chroot "$R" setpriv --reuid=${c.uid} --regid=${c.gid} --clear-groups -- `
    + `bash -c 'set -o pipefail; cd "$0"; "$@" 2>&1 | cat' ${q(c.workingDir ?? '/')} "$@"`);
  return lines.join('\n');
}

/** The process environment: an image-like PATH, then the container's env. */
function containerProcessEnv(c: PreparedContainer): NodeJS.ProcessEnv {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/', ...c.env };
}

/** Runs a command in the container's sandbox to completion, in a network namespace of its own. */
export function runInContainer(c: PreparedContainer, argv: string[], timeoutMs = 20000): { status: number | null; output: string } {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-'));
  try {
    const r = spawnSync('unshare', ['--mount', '--net', '--propagation', 'private', '--fork', 'bash', '-c', sandboxScript(c, scratch), 'sandbox', ...argv],
      { encoding: 'utf8', timeout: timeoutMs, env: containerProcessEnv(c) });
    return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Starts a command in the container's sandbox (optionally inside a network namespace) and returns the child. */
export function startInContainer(c: PreparedContainer, argv: string[], opts: { netns?: string } & SpawnOptions = {}) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-'));
  const inner = ['unshare', '--mount', '--propagation', 'private', '--fork', 'bash', '-c', sandboxScript(c, scratch), 'sandbox', ...argv];
  const cmd = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...inner] : inner;
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: containerProcessEnv(c), ...opts });
  child.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
  return child;
}
