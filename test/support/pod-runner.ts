import { ChildProcess, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { K8sObject, podTemplateOf } from './manifests';
import { ImageMapping, PreparedContainer, prepareContainer, startInContainer } from './pod-sandbox';

export interface PodRunOptions {
  /** How to run each image here, by image name without tag (e.g. `nginxinc/nginx-unprivileged`). */
  readonly images: Record<string, ImageMapping>;
  /** Values for `fieldRef` env sources. @default { 'status.podIP': '127.0.0.1' } */
  readonly fieldRefs?: Record<string, string>;
  /** How long to wait for every container to be ready. @default 20 s */
  readonly readyTimeoutMs?: number;
}

/** The answer of one HTTP request made inside the pod's network namespace. */
export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly seconds: number;
}

let counter = 0;

/**
 * A synthesized pod run on this machine: one network namespace (loopback up) shared by all
 * containers, each container in its own mount namespace with the pod's volumes, as its uid.
 */
export class RunningPod {
  private readonly processes = new Map<string, ChildProcess>();
  private readonly logs = new Map<string, string[]>();
  private readonly prepared: PreparedContainer[] = [];

  private constructor(public readonly netns: string, private readonly podDir: string) {}

  /** Starts every container of the workload's pod template and waits until each is ready. */
  public static async start(objects: K8sObject[], workload: K8sObject, opts: PodRunOptions): Promise<RunningPod> {
    const netns = `pod-${process.pid}-${++counter}`;
    run('ip', ['netns', 'add', netns]);
    run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    const podDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-'));
    const pod = new RunningPod(netns, podDir);
    try {
      const spec = podTemplateOf(workload).spec;
      for (const c of spec.containers) {
        const image = String(c.image).replace(/[:@].*$/, '');
        const mapping = opts.images[image];
        const prepared = prepareContainer(objects, workload, c.name, {
          podDir,
          image: mapping,
          fieldRefs: opts.fieldRefs ?? { 'status.podIP': '127.0.0.1' },
        });
        pod.prepared.push(prepared);
        pod.launch(prepared);
      }
      await pod.waitReady(spec.containers, opts.readyTimeoutMs ?? 20000);
      return pod;
    } catch (e) {
      await pod.stop();
      throw e;
    }
  }

  /** Output of a container so far (stdout and stderr). */
  public log(container: string): string {
    return (this.logs.get(container) ?? []).join('');
  }

  /** Whether the container's main process is still running. */
  public isRunning(container: string): boolean {
    const p = this.processes.get(container);
    return p !== undefined && p.exitCode === null && p.signalCode === null;
  }

  /** Makes an HTTP request from inside the pod's network namespace (curl). */
  public http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutSeconds?: number } = {}): HttpResult {
    const args = ['netns', 'exec', this.netns, 'curl', '-sS', '-D', '-', '-w', '\n%{time_total}',
      '--max-time', String(opts.timeoutSeconds ?? 10), '-X', opts.method ?? 'GET'];
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      args.push('-H', `${k}: ${v}`);
    }
    if (opts.body !== undefined) {
      args.push('--data-binary', opts.body);
    }
    args.push(url);
    const r = spawnSync('ip', args, { encoding: 'latin1' });
    const out = r.stdout ?? '';
    // Headers come first (-D -), then the body, then the time (-w).
    const headEnd = out.indexOf('\r\n\r\n');
    const head = headEnd < 0 ? '' : out.slice(0, headEnd);
    const rest = headEnd < 0 ? out : out.slice(headEnd + 4);
    const cut = rest.lastIndexOf('\n');
    const headers: Record<string, string> = {};
    for (const line of head.split('\r\n').slice(1)) {
      const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
      if (m) {
        headers[m[1].toLowerCase()] = m[2];
      }
    }
    return {
      status: Number(head.split(' ')[1] ?? 0),
      headers,
      body: Buffer.from(rest.slice(0, cut), 'latin1').toString('utf8'),
      seconds: Number(rest.slice(cut + 1)),
    };
  }

  /** Kills one container's processes (as if it crashed). */
  public async kill(container: string): Promise<void> {
    const p = this.processes.get(container);
    if (p && this.isRunning(container)) {
      const exited = new Promise((resolve) => p.once('exit', resolve));
      killGroup(p, 'SIGKILL');
      await exited;
    }
  }

  /** Starts a container again after `kill`. */
  public restart(container: string): void {
    const prepared = this.prepared.find((c) => c.name === container);
    if (!prepared) {
      throw new Error(`no container "${container}"`);
    }
    this.launch(prepared);
  }

  /** Stops every container and removes the namespace and the pod's directories. Safe to call twice. */
  public async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((name) => this.kill(name)));
    this.processes.clear();
    spawnSync('ip', ['netns', 'del', this.netns]);
    this.prepared.forEach((c) => c.cleanup());
    fs.rmSync(this.podDir, { recursive: true, force: true });
  }

  private launch(c: PreparedContainer): void {
    const child = startInContainer(c, c.command, { netns: this.netns, detached: true });
    const log = this.logs.get(c.name) ?? [];
    this.logs.set(c.name, log);
    child.stdout?.on('data', (d) => log.push(String(d)));
    child.stderr?.on('data', (d) => log.push(String(d)));
    this.processes.set(c.name, child);
  }

  private async waitReady(containers: any[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const c of containers) {
      const probe = c.readinessProbe?.httpGet;
      const portOf = (p: number | string) => typeof p === 'number' ? p
        : (c.ports ?? []).find((x: any) => x.name === p)?.containerPort;
      const port = probe ? portOf(probe.port) : c.ports?.[0]?.containerPort;
      if (!port) {
        continue;
      }
      const url = `http://127.0.0.1:${port}${probe?.path ?? '/'}`;
      for (;;) {
        if (!this.isRunning(c.name)) {
          throw new Error(`container "${c.name}" exited before it was ready:\n${this.log(c.name)}`);
        }
        const r = spawnSync('ip', ['netns', 'exec', this.netns, 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}',
          '--max-time', '1', url], { encoding: 'utf8' });
        const code = Number(r.stdout);
        if ((probe && code >= 200 && code < 400) || (!probe && code > 0)) {
          break;
        }
        if (Date.now() > deadline) {
          throw new Error(`container "${c.name}" not ready at ${url} within ${timeoutMs} ms:\n${this.log(c.name)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  }
}

function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-p.pid!, signal);
  } catch {
    // already gone
  }
}
