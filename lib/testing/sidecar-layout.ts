import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { AUTH_UPSTREAM_PREFIX } from '../nginx/render-auth';
import { NginxContainer } from '../validation/nginx-containers';
import { NginxWorkdir } from '../validation/nginx-workdir';

/** The sidecar's files laid out to run here, and where its ports went. */
export interface SidecarLayout {
  readonly workdir: NginxWorkdir;
  /** nginx's arguments (`-c` pointing into the workdir). */
  readonly args: string[];
  /** Each TCP port nginx listens on in the pod, and the free port on 127.0.0.1 it listens on here. */
  readonly ports: ReadonlyMap<number, number>;
  /** The pod ports of `listen ... ssl`. */
  readonly tlsPorts: ReadonlySet<number>;
  /** The throwaway certificate that stands in for the TLS Secret, to trust. @default - no TLS */
  readonly certificate?: Buffer;
}

/** The port of a `listen` address (`8080`, `127.0.0.1:8081`, `[::]:8443`); undefined for a Unix socket. */
function portOf(address: string): number | undefined {
  const m = /(?:^|:)(\d+)$/.exec(address.replace(/^["']|["']$/g, ''));
  return address.startsWith('unix:') || !m ? undefined : Number(m[1]);
}

/** `n` ports free on 127.0.0.1 now (bound to 0 together, so they differ, then released). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * Lays out one nginx container as the pod mounts it (the validation's NginxWorkdir: ConfigMaps,
 * emptyDirs, a throwaway certificate for a Secret), with each TCP `listen` moved to a free port on
 * 127.0.0.1 (or the port `fixed` gives) and the upstream of proxy routes pointed at `app` (`host:port`);
 * the rest of nginx.conf as it is.
 */
export async function layOut(c: NginxContainer, confDir: string, app: string, openssl?: string,
  fixed: ReadonlyMap<number, number> = new Map(), secrets: { [secretName: string]: { [key: string]: string } } = {}): Promise<SidecarLayout> {
  const key = path.posix.relative(c.confMount!.mountPath, c.confPath);
  const text: string = c.confMount!.configMap!.object.data?.[key] ?? Object.values(c.confMount!.configMap!.object.data ?? {})[0] ?? '';
  const listens = [...text.matchAll(/(?:^|[\s;{}])listen\s+([^\s;]+)([^;]*);/g)];
  const podPorts = [...new Set(listens.map((m) => portOf(m[1])).filter((p): p is number => p !== undefined))];
  const tlsPorts = new Set(listens.filter((m) => /\bssl\b/.test(m[2])).map((m) => portOf(m[1])).filter((p): p is number => p !== undefined));
  const local = await freePorts(podPorts.length);
  const ports = new Map(podPorts.map((p, i) => [p, fixed.get(p) ?? local[i]]));
  const workdir = new NginxWorkdir(c, confDir, openssl, (address) => {
    const port = portOf(address);
    return port === undefined ? address : `127.0.0.1:${ports.get(port)}`;
  }, 'rps-test-server-', secrets);
  try {
    if (workdir.missing) {
      throw new Error(`the sidecar serves TLS, and its throwaway certificate needs openssl (Debian: apt-get install openssl; `
        + 'macOS: brew install openssl) or the opensslBinary option');
    }
    // Proxy routes reach the app through the upstream block's server: the stub app here.
    const conf = fs.readFileSync(workdir.confFile, 'utf8')
      .replace(new RegExp(`(upstream\\s+(?!${AUTH_UPSTREAM_PREFIX})\\S+\\s*\\{[^}]*?\\bserver\\s+)127\\.0\\.0\\.1:\\d+`, 'g'),
        (_m, head: string) => `${head}${app}`);
    // A conf without an access_log (a custom nginxConf) would write to the host's /var/log/nginx.
    fs.writeFileSync(workdir.confFile, /(^|[\s;{}])access_log\s/.test(conf) ? conf : conf.replace(/(^|[\s;{}])(http\s*\{)/, '$1$2 access_log /dev/stdout;'));
    // The TLS Secret's volume: the one with a tls.crt (a basicAuth Secret's holds an htpasswd file).
    const crt = c.mounts.filter((m) => m.volume?.secret).map((m) => path.join(workdir.toLocal(m.mountPath.replace(/\/$/, '')), 'tls.crt'))
      .find((f) => fs.existsSync(f));
    const certificate = crt ? fs.readFileSync(crt) : undefined;
    const args = c.command.slice(1).map((a, i, all) => (all[i - 1] === '-c' ? workdir.confFile : a));
    return { workdir, args, ports, tlsPorts, ...(certificate ? { certificate } : {}) };
  } catch (e) {
    workdir.cleanup();
    throw e;
  }
}
