import * as fs from 'fs';
import { findNginx, localConfDir } from '../validation/nginx-check';
import { SidecarLayout, layOut } from './sidecar-layout';
import { NginxProcess } from './nginx-process';
import { SidecarSource, pickSidecar } from './sources';
import { StubApp, StubHandler, StubRequest, StubRoutes } from './stub-app';
import { RawRequestOptions, TestRequestOptions, TestResponse, TestUpgrade, rawRequest, request, upgrade } from './test-client';

/** Options of `SidecarTestServer.start`. */
export interface SidecarTestServerOptions {
  /**
   * The app behind the sidecar: a handler, or canned answers by path.
   * @default - 200 "ok" for every request
   */
  readonly app?: StubHandler | StubRoutes;
  /**
   * The workload whose sidecar to run (its `metadata.name`), when the objects hold more than one.
   * @default - the only one
   */
  readonly workload?: string;
  /**
   * The nginx binary.
   * @default - `$SIDECAR_TEST_NGINX`, else `nginx` on the PATH, or in /usr/sbin, /usr/local/sbin, /usr/local/bin, /opt/homebrew/bin
   */
  readonly nginxBinary?: string;
  /**
   * The openssl that makes the throwaway certificate of a sidecar with `tls`.
   * @default 'openssl' on the PATH
   */
  readonly opensslBinary?: string;
  /**
   * The data of Secrets the sidecar mounts, by Secret name then key (e.g. a `basicAuth` htpasswd
   * file). A Secret not given here holds a throwaway certificate and key (a `tls` Secret's stand-in).
   * @default - none
   */
  readonly secrets?: { [secretName: string]: { [key: string]: string } };
  /**
   * How long nginx may take to answer its health endpoint, in milliseconds.
   * @default 10000
   */
  readonly startTimeoutMs?: number;
}

/** The install lines for a missing nginx. */
export const NGINX_INSTALL = 'install nginx (Debian/Ubuntu: apt-get install nginx-light; macOS: brew install nginx) or pass nginxBinary';

const live = new Set<SidecarTestServer>();
process.once('exit', () => live.forEach((s) => s._abandon()));

/**
 * The sidecar exactly as synthesized, run by the local nginx in front of a stub app the test
 * controls: no root, no Docker, no cluster. Its ConfigMaps and emptyDir are laid out as the pod
 * mounts them, each `listen` moved to a free port on 127.0.0.1, proxy routes sent to the stub app;
 * with `tls`, a throwaway certificate stands in for the Secret. `stop()` removes everything; nginx
 * also stops when the test process goes away.
 */
export class SidecarTestServer {
  /**
   * Starts the sidecar of a chart (or of a construct in it, such as a `ReverseProxySidecar`), of
   * synthesized objects, or of a YAML file, and the stub app behind it. Throws, with the install
   * line, when there is no local nginx.
   */
  public static async start(source: SidecarSource, options: SidecarTestServerOptions = {}): Promise<SidecarTestServer> {
    const nginx = findNginx(options.nginxBinary ?? (process.env.SIDECAR_TEST_NGINX || undefined));
    if (!nginx) {
      throw new Error(`SidecarTestServer needs a local nginx: ${NGINX_INSTALL}`);
    }
    const container = pickSidecar(source, options.workload);
    const app = new StubApp(options.app);
    await app.up();
    let layout: SidecarLayout | undefined;
    try {
      layout = await layOut(container, localConfDir(nginx), `127.0.0.1:${app.port}`, options.opensslBinary, undefined, options.secrets);
      // As root, nginx would run its workers as "nobody", which cannot read the test's files.
      const args = process.getuid?.() === 0 ? [...layout.args, '-g', 'user root;'] : layout.args;
      const server = new SidecarTestServer(app, layout, new NginxProcess(nginx, args, layout.workdir.root));
      live.add(server);
      await server.waitHealthy(options.startTimeoutMs ?? 10000);
      return server;
    } catch (e) {
      layout?.workdir.cleanup();
      await app.down();
      throw e;
    }
  }

  /** Whether a local nginx is there to run (to skip tests where it is not: `(SidecarTestServer.nginxAvailable() ? test : test.skip)`). */
  public static nginxAvailable(nginxBinary?: string): boolean {
    return findNginx(nginxBinary ?? (process.env.SIDECAR_TEST_NGINX || undefined)) !== undefined;
  }

  /** `http://127.0.0.1:<port>`: the sidecar's plain HTTP port. */
  public readonly url: string;
  /**
   * `https://127.0.0.1:<port>`: the HTTPS port, with `tls`.
   * @default - none: the sidecar serves no HTTPS
   */
  public readonly httpsUrl?: string;

  private constructor(
    /** The stub app behind the sidecar: its requests, `down()`, `up()`, `setHandler()`. */
    public readonly app: StubApp,
    private readonly layout: SidecarLayout,
    private readonly nginx: NginxProcess,
  ) {
    const plain = [...layout.ports].find(([pod]) => !layout.tlsPorts.has(pod));
    const tls = [...layout.ports].find(([pod]) => layout.tlsPorts.has(pod));
    this.url = `http://127.0.0.1:${plain?.[1]}`;
    this.httpsUrl = tls ? `https://127.0.0.1:${tls[1]}` : undefined;
  }

  /** Every request the app received, in order, as nginx sent it. */
  public get appRequests(): StubRequest[] {
    return this.app.requests;
  }

  /** The port on 127.0.0.1 that stands for the pod's `podPort` (e.g. 8080, 8443, the metrics status port). */
  public port(podPort: number): number {
    const local = this.layout.ports.get(podPort);
    if (local === undefined) {
      throw new Error(`nginx does not listen on ${podPort} (it listens on ${[...this.layout.ports.keys()].join(', ')})`);
    }
    return local;
  }

  /** What nginx wrote so far: its error log and the access log. */
  public get log(): string {
    return this.nginx.output;
  }

  /** A request to the sidecar (plain HTTP, or `https: true`), on a new connection. */
  public async request(path: string, options: TestRequestOptions = {}): Promise<TestResponse> {
    return request(this.portFor(options.https), path, options, this.layout.certificate);
  }

  /** A GET request to the sidecar. */
  public get(path: string, options: Omit<TestRequestOptions, 'method' | 'body'> = {}): Promise<TestResponse> {
    return this.request(path, { ...options, method: 'GET' });
  }

  /**
   * A WebSocket upgrade through the sidecar's plain port (the stub app accepts it and echoes what it
   * gets), from `sourceAddress` (any of 127.0.0.0/8 on Linux) when given.
   */
  public async upgrade(path: string, headers: { [name: string]: string } = {}, sourceAddress?: string): Promise<TestUpgrade> {
    return upgrade(this.portFor(false), path, headers, sourceAddress);
  }

  /** Bytes sent as they are on a new connection; everything the sidecar sent back until it closed. */
  public async raw(bytes: string | Buffer, options: RawRequestOptions = {}): Promise<Buffer> {
    return rawRequest(this.portFor(options.https), bytes, options, this.layout.certificate);
  }

  /** Stops nginx and the stub app, and removes every file laid out. */
  public async stop(): Promise<void> {
    live.delete(this);
    await this.nginx.stop();
    await this.app.down();
    this.layout.workdir.cleanup();
  }

  /** @internal The nginx master's pid, from its pid file (the benchmark reads its memory). */
  public _masterPid(): number {
    const pidFile = /(?:^|[\s;{}])pid\s+([^;\s]+);/.exec(fs.readFileSync(this.layout.workdir.confFile, 'utf8'))?.[1];
    return Number(fs.readFileSync(pidFile!, 'utf8').trim());
  }

  /** @internal The test process is exiting: nginx down at once, files removed. */
  public _abandon(): void {
    this.nginx.killGroup();
    fs.rmSync(this.layout.workdir.root, { recursive: true, force: true });
  }

  private portFor(https?: boolean): number {
    const url = https ? this.httpsUrl : this.url;
    if (!url) {
      throw new Error('the sidecar serves no HTTPS (no tls)');
    }
    return Number(new URL(url).port);
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.nginx.exited) {
        const output = this.layout.workdir.toPod(this.nginx.output);
        await this.stop();
        throw new Error(`nginx exited before it was ready:\n${output}`);
      }
      const ok = await this.get('/_sidecar/healthz', { timeoutMs: 1000 }).then((r) => r.status === 200, () => false);
      if (ok) {
        return;
      }
      if (Date.now() > deadline) {
        const output = this.layout.workdir.toPod(this.nginx.output);
        await this.stop();
        throw new Error(`nginx did not answer its health endpoint in ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
