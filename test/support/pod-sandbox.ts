import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readableByAll } from './carry';
import { K8sObject, podTemplateOf } from './manifests';
import { KubeletRefusal, PreparedMount, prepareMounts } from './pod-volumes';

export { KubeletRefusal } from './pod-volumes';

/** What an image provides on this machine: a Debian binary, and files the image would hold. */
export interface ImageMapping {
  /** The image's ENTRYPOINT (+ CMD), used when the container sets no `command`. */
  readonly entrypoint: string[];
  /** Arguments appended for this machine (e.g. a UI path the Debian build needs). */
  readonly extraArgs?: string[];
  /** Host directories bind-mounted read-only where the image would have them. */
  readonly files?: Array<{ hostPath: string; mountPath: string }>;
  /** The image's numeric USER, used when the pod sets no runAsUser. @default 0 */
  readonly user?: number;
  /** The image's STOPSIGNAL. @default 'SIGTERM' */
  readonly stopSignal?: NodeJS.Signals;
}

export interface PrepareOptions {
  /** Per-pod directory for emptyDirs, so containers of one pod share them. @default - a private one */
  readonly podDir?: string;
  /** How to run the container's image here. @default - the container's own command, as root */
  readonly image?: ImageMapping;
  /** Values of `fieldRef` env sources, e.g. `{ 'status.podIP': '127.0.0.1' }`. */
  readonly fieldRefs?: Record<string, string>;
}

/** A container of a synthesized pod, laid out on this machine the way the kubelet would. */
export interface PreparedContainer {
  readonly name: string;
  /** The container as synthesized. */
  readonly spec: any;
  /** Environment from `env` (values, fieldRefs, ConfigMap and Secret keys), `$(VAR)` expanded. */
  readonly env: Record<string, string>;
  readonly uid: number;
  readonly gid: number;
  readonly readOnlyRoot: boolean;
  readonly command: string[];
  readonly workingDir?: string;
  readonly mounts: PreparedMount[];
  readonly stopSignal: NodeJS.Signals;
  /** Removes the materialized volumes. */
  cleanup(): void;
}

/**
 * Lays out one container of a workload's pod template: its volumes, uid/gid, env and command.
 * Refuses, with the kubelet's reason, what the kubelet refuses.
 */
export function prepareContainer(objects: K8sObject[], workload: K8sObject, containerName: string,
  opts: PrepareOptions = {}): PreparedContainer {
  const spec = podTemplateOf(workload).spec;
  const container = [...spec.containers ?? [], ...spec.initContainers ?? []].find((c: any) => c.name === containerName);
  if (!container) {
    throw new Error(`${workload.kind} "${workload.metadata.name}" has no container "${containerName}"`);
  }
  const sc = { ...(spec.securityContext ?? {}), ...(container.securityContext ?? {}) };
  const uid: number = sc.runAsUser ?? opts.image?.user ?? 0;
  // Without runAsGroup, the image user's primary group; the images here give their users a same-numbered one.
  const gid: number = sc.runAsGroup ?? uid;
  // The kubelet's two reasons: an explicit runAsUser 0, or the image's user 0.
  if (sc.runAsNonRoot && uid === 0) {
    throw new KubeletRefusal(sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy (container: ${containerName})`
      : `container has runAsNonRoot and image will run as root (container: ${containerName})`);
  }
  const env = containerEnv(objects, workload.metadata.namespace, container, opts.fieldRefs ?? {});
  const containerDir = fs.mkdtempSync(path.join(os.tmpdir(), `pod-${containerName}-`));
  fs.chmodSync(containerDir, 0o755);
  let mounts: PreparedMount[];
  try {
    mounts = prepareMounts(objects, workload, spec, container, { podDir: opts.podDir ?? containerDir, containerDir });
    // The image's files are copied, readable by any uid as in an image layer: the container's user may
    // not be able to read them where they are (a checkout under a directory only root can enter, or
    // cloned with umask 077).
    (opts.image?.files ?? []).forEach((f, i) => {
      const source = path.join(containerDir, `image-${i}`);
      fs.cpSync(f.hostPath, source, { recursive: true });
      readableByAll(source);
      mounts.push({ mountPath: f.mountPath, readOnly: true, source });
    });
  } catch (e) {
    fs.rmSync(containerDir, { recursive: true, force: true });
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
    spec: container,
    env,
    uid,
    gid,
    readOnlyRoot: sc.readOnlyRootFilesystem === true,
    command,
    workingDir: container.workingDir,
    mounts,
    stopSignal: opts.image?.stopSignal ?? 'SIGTERM',
    cleanup: () => fs.rmSync(containerDir, { recursive: true, force: true }),
  };
}

/** The container's env: values, fieldRefs and ConfigMap/Secret keys, each expanding `$(VAR)` of earlier ones. */
function containerEnv(objects: K8sObject[], namespace: string | undefined, container: any,
  fieldRefs: Record<string, string>): Record<string, string> {
  if (container.envFrom) {
    throw new Error(`container "${container.name}" uses envFrom, which the pod runner does not model`);
  }
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      env[e.name] = expandVars(e.value ?? '', env);
    } else if (from.fieldRef) {
      const ref = from.fieldRef.fieldPath;
      if (!(ref in fieldRefs)) {
        throw new Error(`env ${e.name} needs fieldRef ${ref}: pass it in fieldRefs`);
      }
      env[e.name] = fieldRefs[ref];
    } else if (from.configMapKeyRef || from.secretKeyRef) {
      const ref = from.configMapKeyRef ?? from.secretKeyRef;
      const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const obj = objects.find((o) => o.kind === kind && o.metadata.name === ref.name && o.metadata.namespace === namespace);
      const raw = obj?.data?.[ref.key];
      if (raw === undefined) {
        if (ref.optional) {
          continue;
        }
        throw new KubeletRefusal(obj ? `couldn't find key ${ref.key} in ${kind} ${namespace ?? 'default'}/${ref.name}`
          : `${kind.toLowerCase()} "${ref.name}" not found`);
      }
      env[e.name] = kind === 'Secret' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    } else {
      throw new Error(`env ${e.name}: ${Object.keys(from).join(', ')} is not modelled by the pod runner`);
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

/** The end of the sandbox's last wrapper, which execs the container's command. */
const WRAPPER_EXEC = 'exec > >(exec cat) 2>&1 && exec "$@"';

/**
 * The bash script that builds the container's view inside a new mount namespace: an overlay of
 * the host's root (so mount points can be created without touching the host), the pod's volumes
 * at their mountPaths, then the root made read-only, then the command run as the container's
 * uid/gid. Its stdout/stderr go through a pipe that uid owns (as runc's do), so `/dev/stdout`
 * opens; the command is exec'd, so the pid written to `pidFile` is the container's main process.
 */
function sandboxScript(c: PreparedContainer, scratch: string, pidFile: string): string {
  const lines = [
    'set -euo pipefail',
    `echo $$ > ${q(pidFile)}`,
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
  if (c.workingDir) {
    lines.push(`mkdir -p "$R"${q(c.workingDir)}`);
  }
  if (c.readOnlyRoot) {
    lines.push('mount -o remount,ro "$R"');
  }
  lines.push(`exec chroot "$R" setpriv --reuid=${c.uid} --regid=${c.gid} --clear-groups -- `
    + `bash -c 'cd "$0" && ${WRAPPER_EXEC}' ${q(c.workingDir ?? '/')} "$@"`);
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
    // Loopback up, as in every pod (and so 127.0.0.1 and ::1 exist, as the container's start expects).
    const r = spawnSync('unshare', ['--mount', '--net', '--propagation', 'private', '--fork', 'bash', '-c',
      `ip link set lo up\n${sandboxScript(c, scratch, `${scratch}/pid`)}`, 'sandbox', ...argv],
    { encoding: 'utf8', timeout: timeoutMs, env: containerProcessEnv(c) });
    return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** A container's main process started in its sandbox. */
export interface StartedContainer {
  /** The `unshare` process: leader of the process group that holds every process of the container. */
  readonly child: ChildProcess;
  /** The container's main process (its command, exec'd), once it is known. */
  mainPid(): Promise<number>;
}

/** Starts the container's command in its sandbox inside a network namespace, in a process group of its own. */
export function startInContainer(c: PreparedContainer, netns: string): StartedContainer {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-'));
  // Outside the scratch directory, which the sandbox covers with a tmpfs.
  const pidFile = `${scratch}.pid`;
  const child = spawn('ip', ['netns', 'exec', netns, 'unshare', '--mount', '--propagation', 'private', '--fork',
    'bash', '-c', sandboxScript(c, scratch, pidFile), 'sandbox', ...c.command],
  { stdio: ['ignore', 'pipe', 'pipe'], env: containerProcessEnv(c), detached: true });
  child.on('exit', () => {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(pidFile, { force: true });
  });
  let pid: number | undefined;
  const mainPid = async (): Promise<number> => {
    for (let i = 0; pid === undefined; i++) {
      const text = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : '';
      // The pid is written before the sandbox is built: until the wrapper has exec'd the command, that
      // process still has the host's root (an exec would run there) and a signal would hit the wrapper.
      if (/^\d+$/.test(text) && !cmdlineOf(Number(text)).includes(WRAPPER_EXEC)) {
        pid = Number(text);
      } else if (child.exitCode !== null || child.signalCode !== null || i > 500) {
        throw new Error(`container "${c.name}" has no main process`);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    return pid;
  };
  return { child, mainPid };
}

/**
 * Runs a command inside a running container, as the kubelet runs exec hooks and probes: in its
 * mount and network namespaces, at its root and working directory, as its uid, with its env.
 */
export function execInContainer(c: PreparedContainer, mainPid: number, argv: string[],
  timeoutMs: number): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    // stderr into the same pipe as stdout (a host shell's redirect, then exec), so that the output
    // keeps the order in which the command wrote it.
    const child = spawn('bash', ['-c', 'exec "$@" 2>&1', 'exec', 'nsenter', '--target', String(mainPid), '--mount', '--net',
      '--root', '--wd', '--', 'setpriv', `--reuid=${c.uid}`, `--regid=${c.gid}`, '--clear-groups', '--', ...argv],
    { stdio: ['ignore', 'pipe', 'ignore'], env: containerProcessEnv(c), detached: true });
    let output = '';
    child.stdout.on('data', (d) => { output += String(d); });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

function cmdlineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}
