import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NginxContainer } from './nginx-containers';
import { TestCertificate, makeTestCertificate, writeGivenSecret, writeSecretVolume } from './test-certificate';

/**
 * The files an nginx container sees, laid out in a temporary directory so that an unprivileged
 * `nginx -t` can check them: each ConfigMap volume with its items (or all keys), each emptyDir (and
 * any other volume) as an empty directory. The pod's absolute paths in the config (pid file, temp
 * paths, cache, includes) are rewritten to these directories, and each `listen` address to a Unix
 * socket in the directory, so no port is bound and nothing outside it is written. A Secret volume
 * holds a throwaway certificate and key (see test-certificate.ts), never the Secret's, unless the
 * caller gives the Secret's data (the test server's `secrets`). Files the image
 * itself provides (`/etc/nginx/mime.types`) come from the local nginx's configuration directory.
 */
export class NginxWorkdir {
  public readonly root: string;
  /** The rewritten nginx.conf to give to `-c`. */
  public readonly confFile: string;
  /** Pod path → local path, longest pod path first. */
  private readonly mapping: Array<[string, string]> = [];
  /** Local socket → the `listen` address it replaced. */
  private readonly sockets = new Map<string, string>();
  /** A tool the layout needed and could not run: `openssl`, for a Secret volume's test certificate. */
  public missing?: string;
  /** The throwaway certificate that stands in for every Secret volume's files (null: openssl failed). */
  private certificate?: TestCertificate | null;

  /**
   * @param listen what a `listen` address becomes (after the pod's paths are made local): by
   * default a Unix socket in the directory, so nothing is bound (`nginx -t`); the test server maps
   * each TCP port to a free one on 127.0.0.1 instead.
   */
  constructor(nginx: NginxContainer, localConfDir: string, openssl?: string,
    private readonly listen?: (address: string) => string, prefix = 'rps-nginx-t-',
    secrets: { [secretName: string]: { [key: string]: string } } = {}) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    try {
      nginx.mounts.forEach((m, i) => {
        const dir = path.join(this.root, `m${i}`);
        fs.mkdirSync(dir, { recursive: true });
        if (m.volume?.configMap && m.configMap) {
          writeConfigMap(m.volume.configMap, m.configMap.object, dir);
        }
        const given = m.volume?.secret && secrets[m.volume.secret.secretName];
        if (given) {
          writeGivenSecret(m.volume!.secret, given, dir);
        } else if (m.volume?.secret) {
          this.certificate ??= makeTestCertificate(this.root, openssl) ?? null;
          if (this.certificate) {
            writeSecretVolume(m.volume.secret, dir, this.certificate);
          } else {
            this.missing = 'openssl';
          }
        }
        this.mapping.push([m.mountPath.replace(/\/$/, ''), m.subPath ? path.join(dir, m.subPath) : dir]);
      });
      if (localConfDir !== '/etc/nginx') {
        this.mapping.push(['/etc/nginx', localConfDir]);
      }
      this.mapping.sort((a, b) => b[0].length - a[0].length);
      // Every .conf file from a ConfigMap (the main one and what it includes) gets the local paths.
      nginx.mounts.forEach((m, i) => {
        if (m.volume?.configMap) {
          for (const file of listFiles(path.join(this.root, `m${i}`)).filter((f) => f.endsWith('.conf'))) {
            fs.writeFileSync(file, this.rewrite(fs.readFileSync(file, 'utf8')));
          }
        }
      });
      this.confFile = this.toLocal(nginx.confPath);
    } catch (e) {
      this.cleanup();
      throw e;
    }
  }

  /** A pod path as the local path it is laid out at (unchanged when no mount covers it). */
  public toLocal(podPath: string): string {
    return podPath.replace(this.pattern(this.mapping.map(([pod]) => pod)), (p) => this.mapping.find(([pod]) => pod === p)![1]);
  }

  /** nginx's output with the local paths and sockets named as the pod sees them. */
  public toPod(output: string): string {
    const pairs: Array<[string, string]> = [
      ...[...this.sockets].map(([socket, address]): [string, string] => [`unix:${socket}`, address]),
      ...this.mapping.map(([pod, local]): [string, string] => [local, pod]),
    ].sort((a, b) => b[0].length - a[0].length);
    return output.replace(this.pattern(pairs.map(([local]) => local)), (p) => pairs.find(([local]) => local === p)![1]);
  }

  public cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * The config with pod paths made local (in one pass, so a replaced path is never replaced again),
   * `listen` on sockets, and an upstream server named by a host name (a Service's, which only the
   * cluster's DNS resolves, and nginx resolves when it reads the config) on 127.0.0.1, same port.
   */
  private rewrite(conf: string): string {
    const local = this.toLocal(conf).replace(/(upstream\s+\S+\s*\{[^}]*?\bserver\s+)([a-z0-9.-]*[a-z][a-z0-9.-]*)(:\d+)/g,
      (_m, head: string, _host: string, port: string) => `${head}127.0.0.1${port}`);
    return local.replace(/(^|[\s;{}])listen(\s+)([^\s;]+)/g, (_m, before: string, space: string, address: string) => {
      if (this.listen) {
        return `${before}listen${space}${this.listen(address)}`;
      }
      const known = [...this.sockets].find(([, a]) => a === address);
      const socket = known ? known[0] : path.join(this.root, `listen-${this.sockets.size + 1}.sock`);
      this.sockets.set(socket, address);
      return `${before}listen${space}unix:${socket}`;
    });
  }

  /** A regular expression that matches any of `paths` as a whole path (followed by `/`, a delimiter or the end). */
  private pattern(paths: string[]): RegExp {
    if (paths.length === 0) {
      return /(?!)/g;
    }
    const alternatives = paths.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`(?:${alternatives.join('|')})(?=[/\\s;"'{}:,)]|$)`, 'gm');
  }
}

/** Writes a ConfigMap volume's files as the kubelet would: its `items` (key → path), or every key. */
function writeConfigMap(source: any, configMap: any, dir: string): void {
  const text: Record<string, string> = configMap.data ?? {};
  const binary: Record<string, string> = configMap.binaryData ?? {};
  const items: Array<{ key: string; path: string }> = source.items
    ?? [...Object.keys(text), ...Object.keys(binary)].map((key) => ({ key, path: key }));
  for (const item of items) {
    const bytes = item.key in text ? Buffer.from(text[item.key], 'utf8')
      : item.key in binary ? Buffer.from(binary[item.key], 'base64') : undefined;
    const file = path.join(dir, item.path);
    if (bytes === undefined || !file.startsWith(`${dir}${path.sep}`)) {
      continue; // the schema and the kubelet report these; nginx -t sees the file missing
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
