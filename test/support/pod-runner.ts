import { spawnSync } from 'child_process';
import { StringDecoder } from 'string_decoder';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { K8sObject, loadYaml, podTemplateOf } from './manifests';
import { HttpOptions, HttpResult, LoadOptions, LoadRun, httpAsync, httpSync, startLoad } from './pod-http';
import { PodNetwork, PodNetworkKind, hostPort, setUpPodNetwork } from './pod-network';
import { updateSecretVolume } from './pod-volumes';
import { ImageMapping, PreparedContainer, StartedContainer, execInContainer, prepareContainer, startInContainer } from './pod-sandbox';

export { HttpResult, LoadSample } from './pod-http';
export { PodNetwork, PodNetworkKind } from './pod-network';

export interface PodRunOptions {
  /** How to run each image here, by image name without tag (e.g. `nginxinc/nginx-unprivileged`). */
  readonly images: Record<string, ImageMapping>;
  /**
   * Values for `fieldRef` env sources.
   * @default { 'status.podIP': <the primary pod IP> }, 127.0.0.1 without `network`
   */
  readonly fieldRefs?: Record<string, string>;
  /**
   * Give the pod an `eth0` with a CNI's addresses, joined to a node namespace from which the probes
   * then come, to the primary pod IP, as the kubelet's do. @default - loopback only, probes on 127.0.0.1
   */
  readonly network?: PodNetworkKind;
  /** How long to wait for every container to be ready. @default 20 s */
  readonly readyTimeoutMs?: number;
  /**
   * Keep at most this many characters of each container's output (the newest), e.g. for a
   * benchmark whose access log would otherwise fill memory. @default - all of it
   */
  readonly maxLogBytes?: number;
}

/** A client in a network namespace of its own, reaching the pod over a veth pair (as pod traffic arrives). */
export interface VethClient {
  /** The client's network namespace (run the client with `ip netns exec`). */
  readonly netns: string;
  /** The pod's address on the pair, e.g. for `http://<podAddress>:8080`. */
  readonly podAddress: string;
  readonly clientAddress: string;
  readonly mtu: number;
}

/** How one container ended in `terminate()`. */
export interface ContainerStop {
  readonly container: string;
  /** The preStop hook's exit status (undefined without a hook) and output. */
  readonly hookStatus?: number | null;
  readonly hookOutput?: string;
  /** When the container's main process exited, in ms after termination began. */
  readonly exitedAfterMs: number;
  /** Whether the grace period ran out and the container was killed. */
  readonly killed: boolean;
  /** When its stop began (preStop, else the stop signal), in ms after termination began. */
  readonly stopBeganAfterMs: number;
}

/** How a pod whose app containers ran to completion (a Job's) ended. */
export interface PodCompletion {
  /** Each app container's exit code. */
  readonly exitCodes: Record<string, number | null>;
  /** How the native sidecars were stopped after the app containers had exited, in stop order. */
  readonly sidecarStops: ContainerStop[];
}

/** An init container with `restartPolicy: Always`: a native sidecar (Kubernetes 1.29+). */
const isNativeSidecar = (c: PreparedContainer) => c.spec.restartPolicy === 'Always';

/** Where pod logs are kept after a run (git-ignored). */
const LOG_DIR = path.join(__dirname, '..', '..', 'test-output', 'pods');

/** USER_HZ: the unit of /proc/PID/stat's CPU times (100 on every Linux architecture). */
const CLOCK_TICKS = 100;

const live = new Set<RunningPod>();
let counter = 0;

// A test that fails or times out must not leave processes or namespaces behind.
process.on('exit', () => live.forEach((pod) => pod.teardownSync()));
// Under jest, `process` is a per-file copy whose 'exit' never fires: tear down at the end of each test file.
if (typeof afterAll === 'function') {
  afterAll(() => live.forEach((pod) => pod.teardownSync()));
}

/**
 * A synthesized pod run on this machine as a kubelet would: one network namespace (loopback up)
 * shared by the containers, each container in its own mount namespace with the pod's volumes, as
 * its uid, with its env; readiness from probes; termination with preStop hooks, the image's
 * STOPSIGNAL and the grace period. Init containers run first, in order: a classic one to a zero
 * exit, a native sidecar (`restartPolicy: Always`) until it has started (its startupProbe passed,
 * or at once without one, as the kubelet does) and on beside the app; the pod is ready once every
 * container is; native sidecars are stopped only after the app's containers have exited, in reverse order.
 */
export class RunningPod {
  private readonly started = new Map<string, StartedContainer>();
  private readonly logs = new Map<string, string[]>();
  /** The app's containers (the pod spec's `containers`). */
  private readonly prepared: PreparedContainer[] = [];
  /** Init containers, and of them the native sidecars, in start order. */
  private readonly inits: PreparedContainer[] = [];
  private readonly sidecars: PreparedContainer[] = [];
  private readonly spec: any;
  private readonly clients: string[] = [];
  private podNetwork?: PodNetwork;

  private constructor(public readonly netns: string, private readonly podDir: string, workload: K8sObject,
    private readonly maxLogBytes = Infinity) {
    this.spec = podTemplateOf(workload).spec;
  }

  /** Loads a YAML file (e.g. one in dist/) and starts the pod of the workload `kind`/`name` in it. */
  public static fromYaml(file: string, kind: string, name: string, opts: PodRunOptions): Promise<RunningPod> {
    const objects = loadYaml(file);
    const workload = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!workload) {
      throw new Error(`${file} has no ${kind} "${name}"`);
    }
    return RunningPod.start(objects, workload, opts);
  }

  /** Starts every container of the workload's pod template and waits until each is ready. */
  public static async start(objects: K8sObject[], workload: K8sObject, opts: PodRunOptions): Promise<RunningPod> {
    const netns = `pod-${process.pid}-${++counter}`;
    const podDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-'));
    const pod = new RunningPod(netns, podDir, workload, opts.maxLogBytes);
    live.add(pod);
    try {
      run('ip', ['netns', 'add', netns]);
      run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
      if (opts.network) {
        pod.clients.push(`${netns}-node`);
        pod.podNetwork = setUpPodNetwork(netns, opts.network);
      }
      // Prepare all first, so a refusal starts nothing (the kubelet starts no container of such a pod).
      const prepare = (c: any) => prepareContainer(objects, workload, c.name, {
        podDir,
        image: opts.images[String(c.image).replace(/[:@].*$/, '')],
        fieldRefs: opts.fieldRefs ?? { 'status.podIP': pod.podNetwork?.podIPs[0] ?? '127.0.0.1' },
      });
      // One by one, so that whatever was laid out before a refusal is cleaned up.
      for (const c of pod.spec.initContainers ?? []) {
        pod.inits.push(prepare(c));
      }
      for (const c of pod.spec.containers) {
        pod.prepared.push(prepare(c));
      }
      const deadline = Date.now() + (opts.readyTimeoutMs ?? 20000);
      for (const c of pod.inits) {
        pod.launch(c);
        if (isNativeSidecar(c)) {
          // As the kubelet: the next container starts once a native sidecar has started, that is
          // once its startupProbe passes, or at once without one.
          pod.sidecars.push(c);
          if (c.spec.startupProbe) {
            await pod.waitReady(c, deadline, 'startupProbe');
          }
        } else {
          await pod.waitExit(c, deadline);
        }
      }
      pod.prepared.forEach((c) => pod.launch(c));
      // The pod is ready when every container is, native sidecars included.
      await Promise.all([...pod.sidecars, ...pod.prepared].map((c) => pod.waitReady(c, deadline)));
      return pod;
    } catch (e) {
      await pod.stop();
      throw e;
    }
  }

  /** The pod's `eth0` and the node's side of it, with the `network` option. */
  public get network(): PodNetwork | undefined {
    return this.podNetwork;
  }

  /** An HTTP request (curl) from the node's namespace, e.g. to `http://[<podIPs[1]>]:8080/`; needs `network`. */
  public fromNode(url: string, opts: HttpOptions = {}): Promise<HttpResult> {
    if (!this.podNetwork) {
      throw new Error('the pod was started without a network: pass `network` to start it with one');
    }
    return httpAsync(this.podNetwork.nodeNetns, url, opts);
  }

  /** Output of a container so far (stdout and stderr). */
  public log(container: string): string {
    return (this.logs.get(container) ?? []).join('');
  }

  /** Whether the container's main process is still running. */
  public isRunning(container: string): boolean {
    const p = this.started.get(container)?.child;
    return p !== undefined && p.exitCode === null && p.signalCode === null;
  }

  /** An HTTP request from inside the pod's network namespace (curl); blocks. */
  public http(url: string, opts: HttpOptions = {}): HttpResult {
    return httpSync(this.netns, url, opts);
  }

  /** An HTTP request from inside the pod's network namespace (curl), without blocking. */
  public request(url: string, opts: HttpOptions = {}): Promise<HttpResult> {
    return httpAsync(this.netns, url, opts);
  }

  /** Starts a steady load from inside the pod's network namespace. */
  public load(opts: LoadOptions): LoadRun {
    return startLoad(this.netns, opts);
  }

  /**
   * Connects a client namespace of its own to the pod over a veth pair (`eth0` on both sides,
   * 10.244.0.1 the pod, 10.244.0.2 the client), the way traffic from another pod or node arrives.
   * Removed with the pod.
   */
  public addVethClient(opts: { mtu?: number } = {}): VethClient {
    const mtu = opts.mtu ?? 1500;
    const netns = `${this.netns}-c${this.clients.length}`;
    const index = this.clients.length;
    run('ip', ['netns', 'add', netns]);
    this.clients.push(netns);
    const podAddress = `10.244.${index}.1`;
    const clientAddress = `10.244.${index}.2`;
    const podIf = `eth${index}`;
    run('ip', ['-n', netns, 'link', 'add', 'eth0', 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', podIf, 'netns', this.netns]);
    run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    run('ip', ['-n', netns, 'addr', 'add', `${clientAddress}/24`, 'dev', 'eth0']);
    run('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
    run('ip', ['-n', this.netns, 'link', 'set', podIf, 'mtu', String(mtu)]);
    run('ip', ['-n', this.netns, 'addr', 'add', `${podAddress}/24`, 'dev', podIf]);
    run('ip', ['-n', this.netns, 'link', 'set', podIf, 'up']);
    return { netns, podAddress, clientAddress, mtu };
  }

  /**
   * Applies a changed Secret to the running pod as the kubelet's sync does: every volume of it
   * (mounted whole, not by subPath) gets the new files by one `..data` swap. Returns how many
   * mounts changed.
   */
  public updateSecret(secret: K8sObject): number {
    const volumes = (this.spec.volumes ?? []).filter((v: any) => v.secret?.secretName === secret.metadata.name);
    let updated = 0;
    for (const c of [...this.inits, ...this.prepared]) {
      for (const m of c.spec.volumeMounts ?? []) {
        const volume = volumes.find((v: any) => v.name === m.name);
        const mount = c.mounts.find((p) => p.mountPath === m.mountPath);
        if (volume && mount && !m.subPath) {
          updateSecretVolume(mount.source, volume, secret);
          updated++;
        }
      }
    }
    return updated;
  }

  /** Runs a command in a running container, as `kubectl exec` would. */
  public async exec(container: string, argv: string[], timeoutMs = 10000): Promise<{ status: number | null; output: string }> {
    const c = this.container(container);
    return execInContainer(c, await this.started.get(container)!.mainPid(), argv, timeoutMs);
  }

  /** Kills every process of one container at once (as if it crashed or was OOM-killed). */
  public async kill(container: string): Promise<void> {
    await this.signalAll(container, 'SIGKILL');
  }

  /**
   * CPU time (user + system, every thread) used so far by the processes of one container: its
   * sandbox leader's descendants alive now, with what their exited children used (not commands run
   * by `exec`). Read before and after a load to get what the container spent on it.
   */
  public cpuSeconds(container: string): number {
    const leader = this.started.get(container)?.child.pid;
    if (leader === undefined) {
      throw new Error(`container "${container}" was not started`);
    }
    const stats = new Map<number, { ppid: number; ticks: number }>();
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) {
        continue;
      }
      try {
        // Fields after the command (which may hold spaces and parentheses): state, ppid, ... utime (14),
        // stime (15), and cutime (16), cstime (17): the CPU of children that exited and were reaped.
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        stats.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
      } catch {
        // The process exited while the table was read.
      }
    }
    const inContainer = new Set<number>([leader]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, s] of stats) {
        if (!inContainer.has(pid) && inContainer.has(s.ppid)) {
          inContainer.add(pid);
          grew = true;
        }
      }
    }
    const ticks = [...inContainer].reduce((n, pid) => n + (stats.get(pid)?.ticks ?? 0), 0);
    return ticks / CLOCK_TICKS;
  }

  /** Stops (SIGSTOP) or resumes (SIGCONT) every process of one container: a hung app. */
  public freeze(container: string, frozen: boolean): void {
    const p = this.started.get(container)?.child;
    if (p) {
      signalGroup(p.pid!, frozen ? 'SIGSTOP' : 'SIGCONT');
    }
  }

  /** Starts a container again after `kill`; resolves once it is ready. */
  public async restart(container: string, timeoutMs = 20000): Promise<void> {
    const c = this.container(container);
    if (this.isRunning(container)) {
      throw new Error(`container "${container}" is still running`);
    }
    this.launch(c);
    await this.waitReady(c, Date.now() + timeoutMs);
  }

  /**
   * Terminates the pod as the kubelet does: in every container at once, the preStop hook, then the
   * image's STOPSIGNAL, then SIGKILL when the grace period (terminationGracePeriodSeconds, with at
   * least 2 s after the STOPSIGNAL) runs out. Then tears everything down.
   */
  public async terminate(): Promise<ContainerStop[]> {
    const graceMs = (this.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    const t0 = Date.now();
    try {
      const app = await Promise.all(this.prepared.map((c) => this.stopContainer(c, t0, graceMs)));
      return [...app, ...await this.stopSidecars(t0, graceMs)];
    } finally {
      await this.stop();
    }
  }

  /**
   * Waits until every app container has exited (a Job's pod), then stops the native sidecars as the
   * kubelet does for a completed pod (preStop, STOPSIGNAL, in reverse order), and tears down.
   */
  public async waitForCompletion(timeoutMs = 20000): Promise<PodCompletion> {
    try {
      const deadline = Date.now() + timeoutMs;
      for (const c of this.prepared) {
        await this.waitExit(c, deadline, false);
      }
      const exitCodes = Object.fromEntries(this.prepared.map((c) => [c.name, this.started.get(c.name)!.child.exitCode]));
      const t0 = Date.now();
      return { exitCodes, sidecarStops: await this.stopSidecars(t0, (this.spec.terminationGracePeriodSeconds ?? 30) * 1000) };
    } finally {
      await this.stop();
    }
  }

  /** Native sidecars, one after another in reverse start order, once the app's containers are gone. */
  private async stopSidecars(t0: number, graceMs: number): Promise<ContainerStop[]> {
    const stops: ContainerStop[] = [];
    for (const c of [...this.sidecars].reverse()) {
      stops.push(await this.stopContainer(c, t0, graceMs));
    }
    return stops;
  }

  /** preStop, then the STOPSIGNAL, then SIGKILL when the grace period (counted from `t0`) runs out. */
  private async stopContainer(c: PreparedContainer, t0: number, graceMs: number): Promise<ContainerStop> {
    const stopBeganAfterMs = Date.now() - t0;
    const started = this.started.get(c.name);
    if (!started || !this.isRunning(c.name)) {
      return { container: c.name, exitedAfterMs: 0, killed: false, stopBeganAfterMs };
    }
    const exited = new Promise<void>((resolve) => started.child.once('exit', () => resolve()));
    let hook: { status: number | null; output: string } | undefined;
    const preStop = c.spec.lifecycle?.preStop;
    if (preStop?.exec) {
      hook = await execInContainer(c, await started.mainPid(), preStop.exec.command, graceMs);
    } else if (preStop) {
      throw new Error(`container "${c.name}": preStop ${Object.keys(preStop).join(', ')} is not modelled`);
    }
    if (this.isRunning(c.name)) {
      signalPid(await started.mainPid(), c.stopSignal);
    }
    // The kubelet always leaves at least 2 s after the stop signal, with or without a hook.
    const left = Math.max(graceMs - (Date.now() - t0), 2000);
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, left); })]);
    clearTimeout(timer);
    if (this.isRunning(c.name)) {
      killed = true;
      await this.kill(c.name);
    }
    const exitedAfterMs = Date.now() - t0;
    await this.drained(c.name);
    return { container: c.name, hookStatus: hook?.status, hookOutput: hook?.output, exitedAfterMs, killed, stopBeganAfterMs };
  }

  /** Kills whatever still runs, removes the namespace and the pod's directories, keeps the logs. Safe to call twice. */
  public async stop(): Promise<void> {
    await Promise.all([...this.started.keys()].map((name) => this.kill(name)));
    this.teardownSync();
  }

  /** @internal the synchronous part of `stop`, also run when the test process exits. */
  public teardownSync(): void {
    if (!live.delete(this)) {
      return;
    }
    for (const s of this.started.values()) {
      signalGroup(s.child.pid!, 'SIGKILL');
    }
    // A process that left its container's process group (a daemon, setsid) is still in the pod's
    // network namespace; the kubelet's runtime would kill it with the container, so do we.
    killNetnsPids(this.netns);
    for (const client of this.clients) {
      killNetnsPids(client);
      spawnSync('ip', ['netns', 'del', client]);
    }
    spawnSync('ip', ['netns', 'del', this.netns]);
    [...this.prepared, ...this.inits].forEach((c) => c.cleanup());
    fs.rmSync(this.podDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(LOG_DIR, this.netns), { recursive: true });
    for (const [name, lines] of this.logs) {
      fs.writeFileSync(path.join(LOG_DIR, this.netns, `${name}.log`), lines.join(''));
    }
  }

  /** Waits for a container's main process to exit; with `zero`, throws unless it exits with 0 in time (a classic init container). */
  private async waitExit(c: PreparedContainer, deadline: number, zero = true): Promise<void> {
    const child = this.started.get(c.name)!.child;
    while (child.exitCode === null && child.signalCode === null) {
      if (Date.now() > deadline) {
        throw new Error(`container "${c.name}" did not exit in time:\n${this.log(c.name)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await this.drained(c.name);
    if (zero && child.exitCode !== 0) {
      throw new Error(`init container "${c.name}" exited with ${child.exitCode ?? child.signalCode}:\n${this.log(c.name)}`);
    }
  }

  /**
   * Waits until an exited container's output is read to the end: 'exit' comes before the last 'data' while
   * the sandbox's `cat` (which owns the container's pipe) still copies. A process the container left
   * behind may hold the pipe open, so at most a second.
   */
  private async drained(container: string): Promise<void> {
    const child = this.started.get(container)?.child;
    const done = (s: NodeJS.ReadableStream & { readableEnded?: boolean; destroyed?: boolean } | null) =>
      !s || s.readableEnded === true || s.destroyed === true;
    if (!child || (done(child.stdout) && done(child.stderr))) {
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      child.once('close', () => { clearTimeout(timer); resolve(); });
    });
  }

  private container(name: string): PreparedContainer {
    const c = [...this.prepared, ...this.inits].find((x) => x.name === name);
    if (!c) {
      throw new Error(`no container "${name}"`);
    }
    return c;
  }

  private async signalAll(container: string, signal: NodeJS.Signals): Promise<void> {
    const p = this.started.get(container)?.child;
    if (p && this.isRunning(container)) {
      const exited = new Promise((resolve) => p.once('exit', resolve));
      signalGroup(p.pid!, 'SIGCONT');
      signalGroup(p.pid!, signal);
      await exited;
    }
  }

  private launch(c: PreparedContainer): void {
    const started = startInContainer(c, this.netns);
    const log = this.logs.get(c.name) ?? [];
    this.logs.set(c.name, log);
    let kept = log.reduce((n, x) => n + x.length, 0);
    const keep = (decoder: StringDecoder) => (d: Buffer) => {
      // Decoded per stream, so that a character split between two reads stays whole (a byte that
      // is not UTF-8 still shows as U+FFFD).
      const text = decoder.write(d);
      log.push(text);
      kept += text.length;
      // Drops the oldest output past maxLogBytes, cutting into a chunk when one read brought more.
      while (kept > this.maxLogBytes) {
        const over = kept - this.maxLogBytes;
        if (log[0].length <= over) {
          kept -= log.shift()!.length;
        } else {
          log[0] = log[0].slice(over);
          kept -= over;
        }
      }
    };
    started.child.stdout?.on('data', keep(new StringDecoder('utf8')));
    started.child.stderr?.on('data', keep(new StringDecoder('utf8')));
    this.started.set(c.name, started);
  }

  /** Waits until the readinessProbe (or `which` probe) passes (httpGet, tcpSocket or exec), else until a declared port accepts. */
  private async waitReady(c: PreparedContainer, deadline: number, which: 'readinessProbe' | 'startupProbe' = 'readinessProbe'): Promise<void> {
    const probe = c.spec[which];
    const portOf = (p: number | string) => typeof p === 'number' ? p
      : (c.spec.ports ?? []).find((x: any) => x.name === p)?.containerPort;
    let check: () => Promise<boolean>;
    let what: string;
    // As the kubelet: from the node to the primary pod IP; without a network, inside the pod.
    const from = this.podNetwork?.nodeNetns ?? this.netns;
    if (probe?.httpGet) {
      what = `http://${hostPort(this.podNetwork?.podIPs[0] ?? '127.0.0.1', portOf(probe.httpGet.port))}${probe.httpGet.path ?? '/'}`;
      check = async () => {
        const r = await httpAsync(from, what, { timeoutSeconds: probe.timeoutSeconds ?? 1 });
        return r.status >= 200 && r.status < 400;
      };
    } else if (probe?.exec) {
      what = `exec ${probe.exec.command.join(' ')}`;
      check = async () => (await this.exec(c.name, probe.exec.command, (probe.timeoutSeconds ?? 1) * 1000)).status === 0;
    } else if (probe?.tcpSocket || c.spec.ports?.length) {
      // Without a probe the kubelet calls a container ready once it runs; the runner waits until its
      // first port accepts inside the pod, so tests start against a listening app.
      const port = probe?.tcpSocket ? portOf(probe.tcpSocket.port) : c.spec.ports[0].containerPort;
      const [netns, ip] = probe?.tcpSocket ? [from, this.podNetwork?.podIPs[0] ?? '127.0.0.1'] : [this.netns, '127.0.0.1'];
      what = `tcp ${hostPort(ip, port)}`;
      check = async () => spawnSync('ip', ['netns', 'exec', netns, 'bash', '-c', `exec 3<>/dev/tcp/${ip}/${port}`],
        { stdio: 'ignore' }).status === 0;
    } else {
      return;
    }
    for (;;) {
      if (!this.isRunning(c.name)) {
        await this.drained(c.name);
        throw new Error(`container "${c.name}" exited before it was ready:\n${this.log(c.name)}`);
      }
      if (await check()) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`container "${c.name}" not ready (${what}) in time:\n${this.log(c.name)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  }
}

/** Kills every process left in a network namespace. */
function killNetnsPids(netns: string): void {
  for (let i = 0; i < 20; i++) {
    const pids = (spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean);
    if (pids.length === 0) {
      break;
    }
    pids.forEach((pid) => signalPid(Number(pid), 'SIGKILL'));
    spawnSync('sleep', ['0.05']);
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  signalPid(-pgid, signal);
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
