import * as http from 'http';
import { findNginx, localConfDir } from '../validation/nginx-check';
import { NginxProcess } from './nginx-process';
import { layOut } from './sidecar-layout';
import { NGINX_INSTALL } from './sidecar-test-server';
import { pickSidecar } from './sources';

const USAGE = 'usage: cdk8s-reverse-proxy-sidecar serve <file.k8s.yaml> --app <host:port> [--workload <name>] [--port <port>]';

/** A running `serve`: its URLs, and how to stop it. */
export interface Served {
  readonly url: string;
  readonly httpsUrl?: string;
  stop(): Promise<void>;
}

/**
 * `cdk8s-reverse-proxy-sidecar serve`: the sidecar of a synthesized YAML file, run by the local nginx
 * in front of an app already running (`--app 127.0.0.1:5000`), on `--port` (else a free port) of
 * 127.0.0.1, so what will be deployed is what one clicks through today. Throws with the usage on bad
 * arguments.
 */
export async function serve(argv: string[]): Promise<Served> {
  const flags = new Map<string, string>();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      if (argv[i + 1] === undefined) {
        throw new Error(`${argv[i]} needs a value\n${USAGE}`);
      }
      flags.set(argv[i].slice(2), argv[++i]);
    } else {
      files.push(argv[i]);
    }
  }
  const app = flags.get('app');
  const unknown = [...flags.keys()].filter((k) => !['app', 'workload', 'port'].includes(k));
  if (files.length !== 1 || !app || !/^[\w.-]+:\d+$/.test(app) || unknown.length > 0) {
    throw new Error(USAGE);
  }
  const nginx = findNginx(process.env.SIDECAR_TEST_NGINX || undefined);
  if (!nginx) {
    throw new Error(`serve needs a local nginx: ${NGINX_INSTALL}`);
  }
  const container = pickSidecar(files[0], flags.get('workload'));
  // The plain port (the first listen of the container's first port) on --port when given.
  const podPort = Number(container.container.container.ports?.[0]?.containerPort);
  const fixed = new Map(flags.has('port') ? [[podPort, Number(flags.get('port'))]] : []);
  const layout = await layOut(container, localConfDir(nginx), app, undefined, fixed);
  const args = process.getuid?.() === 0 ? [...layout.args, '-g', 'user root;'] : layout.args;
  const proc = new NginxProcess(nginx, args, layout.workdir.root);
  const stop = async () => {
    await proc.stop();
    layout.workdir.cleanup();
  };
  const plain = layout.ports.get(podPort) ?? [...layout.ports.values()][0];
  const tls = [...layout.ports].find(([p]) => layout.tlsPorts.has(p))?.[1];
  for (const deadline = Date.now() + 10000; ;) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: plain, path: '/_sidecar/healthz', timeout: 1000 },
        (res) => { res.resume(); resolve(res.statusCode === 200); });
      req.on('timeout', () => req.destroy()).on('error', () => resolve(false));
    });
    // (an answer from a port nginx could not bind is someone else's: nginx has exited then)
    if (ok && !proc.exited) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (ok && !proc.exited) {
      break;
    }
    if (proc.exited || Date.now() > deadline) {
      const output = layout.workdir.toPod(proc.output);
      await stop();
      throw new Error(`nginx did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `http://127.0.0.1:${plain}`, ...(tls ? { httpsUrl: `https://127.0.0.1:${tls}` } : {}), stop };
}

/** The command line: serves until interrupted. */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] !== 'serve') {
    throw new Error(USAGE);
  }
  const served = await serve(argv.slice(1));
  // eslint-disable-next-line no-console
  console.log(`serving the sidecar on ${served.url}${served.httpsUrl ? ` and ${served.httpsUrl} (a throwaway certificate)` : ''}; Ctrl-C stops it`);
  await new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((s) => process.once(s, () => resolve())));
  await served.stop();
}
