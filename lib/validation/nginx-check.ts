import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FindingCheck, ValidationFinding, describeObject, finding, jsonPath } from './finding';
import { LoadedManifest } from './manifest-input';
import { NginxContainer, nginxContainers } from './nginx-containers';
import { NginxWorkdir } from './nginx-workdir';

/** Options of `checkNginxConfs`. */
export interface NginxCheckOptions {
  /**
   * The nginx binary that runs `nginx -t`.
   * @default - `nginx` on the PATH, or in /usr/sbin, /usr/local/sbin, /usr/local/bin, /opt/homebrew/bin
   */
  readonly nginxBinary?: string;
  /**
   * The `openssl` that makes a throwaway certificate for configs that serve TLS from a Secret volume.
   * @default 'openssl' on the PATH
   */
  readonly opensslBinary?: string;
}

const INSTALL_HINT = 'install nginx (Debian/Ubuntu: apt-get install nginx-light; macOS: brew install nginx) or pass nginxBinary';

/**
 * Runs the local `nginx -t` on the nginx.conf of every container that runs `nginx -c <file>` from a
 * ConfigMap, as the current user and without namespaces: the container's volumes are laid out in a
 * temporary directory and the config's paths and `listen` addresses point there (see NginxWorkdir).
 * This checks syntax, directives and their arguments, includes, and that the pid, temp and cache
 * paths can be created, with the local nginx's version and modules, which may differ from the
 * image's. It does not check the uid, the read-only root or what the kubelet mounts: the project's
 * own tests do that in a mount namespace.
 */
export function checkNginxConfs(manifests: ReadonlyArray<LoadedManifest>, options: NginxCheckOptions = {}): ValidationFinding[] {
  const containers = nginxContainers(manifests);
  if (containers.length === 0) {
    return [];
  }
  const nginx = findNginx(options.nginxBinary);
  const out: ValidationFinding[] = [];
  for (const c of containers) {
    const where = `container "${c.container.container.name}" of ${describeObject(c.workload.ref)}`;
    const containerPath = jsonPath(c.container.path);
    if (!c.confMount) {
      continue; // the config is in the image: nothing of the manifests to check
    }
    if (!c.confMount.configMap) {
      out.push(finding({
        check: FindingCheck.NGINX, rule: 'nginx-conf-source', object: c.workload.ref, path: containerPath,
        reason: `${where} reads ${c.confPath} from ConfigMap "${c.confMount.volume.configMap.name}", which is not among the manifests`,
        value: c.confMount.volume.configMap.name,
      }));
      continue;
    }
    if (!nginx) {
      out.push(finding({
        check: FindingCheck.NGINX, rule: 'nginx-not-installed', object: c.workload.ref, path: containerPath,
        reason: `nginx -t cannot run for ${where}: no nginx binary found (${INSTALL_HINT})`,
        value: options.nginxBinary,
      }));
      continue;
    }
    out.push(...testConf(c, nginx, where, options.opensslBinary));
  }
  return out;
}

/** `nginx -t` on one container's config; a finding on the ConfigMap key when it fails. */
function testConf(c: NginxContainer, nginx: string, where: string, openssl?: string): ValidationFinding[] {
  const workdir = new NginxWorkdir(c, localConfDir(nginx), openssl);
  try {
    if (workdir.missing) {
      return [finding({
        check: FindingCheck.NGINX, rule: 'openssl-not-installed', object: c.workload.ref, path: jsonPath(c.container.path),
        reason: `nginx -t cannot run for ${where}: it mounts a Secret (TLS), and a throwaway certificate for it needs `
          + 'openssl (Debian: apt-get install openssl) or opensslBinary',
        value: openssl,
      })];
    }
    const log = path.join(workdir.root, 'nginx-t.log');
    const fd = fs.openSync(log, 'w');
    let status: number | null;
    try {
      // A file, not a pipe, for stdout and stderr: `access_log /dev/stdout` must be openable by path.
      const r = spawnSync(nginx, argv(c, workdir), { stdio: ['ignore', fd, fd], timeout: 20000 });
      status = r.error ? null : r.status;
    } finally {
      fs.closeSync(fd);
    }
    if (status === 0) {
      return [];
    }
    const output = workdir.toPod(fs.readFileSync(log, 'utf8'));
    const problems = output.split('\n').map(normalize).filter((l) => /\[(emerg|alert|crit|error)\]/.test(l));
    const key = confKey(c);
    const conf: string = c.confMount!.configMap!.object.data?.[key] ?? '';
    const line = /in (\S+):(\d+)/.exec(problems[0] ?? '');
    const offending = line && line[1] === c.confPath ? conf.split('\n')[Number(line[2]) - 1]?.trim() : undefined;
    return [finding({
      check: FindingCheck.NGINX,
      rule: 'nginx-t',
      object: c.confMount!.configMap!.ref,
      path: jsonPath(['data', key]),
      reason: `nginx -t failed for ${where}: `
        + (problems.length > 0 ? problems.join('; ') : `exit status ${status}: ${output.trim() || 'no output'}`),
      value: offending,
    })];
  } finally {
    workdir.cleanup();
  }
}

/** The container's nginx arguments with `-c`, `-p` and `-e` made local, and `-t`. */
function argv(c: NginxContainer, workdir: NginxWorkdir): string[] {
  const args: string[] = [...c.command.slice(1), ...(c.container.container.args ?? [])].map(String);
  return [...args.map((a, i) => {
    const flag = args[i - 1];
    if (flag === '-c') {
      return workdir.confFile;
    }
    return (flag === '-p' || (flag === '-e' && a !== 'stderr')) ? workdir.toLocal(a) : a;
  }), '-t'];
}

/** The ConfigMap key that holds the conf (through the volume's items, if any). */
function confKey(c: NginxContainer): string {
  const mount = c.confMount!;
  // The file's path inside the volume: below the mount point, under the subPath if one is mounted.
  const rel = path.posix.join(mount.subPath ?? '', path.posix.relative(mount.mountPath, c.confPath));
  const item = (mount.volume.configMap.items ?? []).find((i: any) => i.path === rel);
  return item ? item.key : rel;
}

/** `2026/01/02 03:04:05 [emerg] 12#12: msg` and `nginx: [emerg] msg` as `[emerg] msg`. */
function normalize(line: string): string {
  return line
    .replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d (\[\w+\]) \d+#\d+: /, '$1 ')
    .replace(/^nginx: (\[\w+\]) /, '$1 ')
    .trim();
}

const confDirs = new Map<string, string>();

/** The local nginx's configuration directory (where its mime.types is), from `nginx -V`. */
export function localConfDir(nginx: string): string {
  if (!confDirs.has(nginx)) {
    const r = spawnSync(nginx, ['-V'], { encoding: 'utf8', timeout: 10000 });
    const confPath = /--conf-path=(\S+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1];
    confDirs.set(nginx, confPath ? path.dirname(confPath) : '/etc/nginx');
  }
  return confDirs.get(nginx)!;
}

/** The nginx binary: the one given, or the first on the PATH and in the usual sbin directories. */
export function findNginx(explicit?: string): string | undefined {
  const candidates = explicit !== undefined ? [explicit]
    : [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/opt/homebrew/bin']
      .map((d) => path.join(d, 'nginx'));
  return candidates.find((f) => {
    try {
      fs.accessSync(f, fs.constants.X_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}
