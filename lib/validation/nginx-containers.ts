import { LoadedManifest } from './manifest-input';
import { PodContainer, podContainers, podTemplateOf } from './pod-templates';

/**
 * nginx's own command line in a container's command: `nginx ... -c <file>`, or the same handed to a
 * shell script as its arguments (`sh -c <script> <name> nginx ... -c <file>`, the sidecar's
 * certificate reload wrapper). Absent when the container does not run nginx that way.
 */
export function nginxCommand(container: any): string[] | undefined {
  const command: unknown[] = Array.isArray(container?.command) ? container.command : [];
  const isNginx = (argv: unknown[]) => typeof argv[0] === 'string' && /(^|\/)nginx$/.test(argv[0]) && argv.includes('-c');
  if (isNginx(command)) {
    return command.map(String);
  }
  const wrapped = command.slice(4);
  if (typeof command[0] === 'string' && /(^|\/)(ba)?sh$/.test(command[0]) && command[1] === '-c' && isNginx(wrapped)) {
    return wrapped.map(String);
  }
  return undefined;
}

/** A container whose command runs `nginx ... -c <file>` (see `nginxCommand`): the sidecar this library renders, or one like it. */
export function runsNginx(container: any): boolean {
  return nginxCommand(container) !== undefined;
}

/** One of the nginx container's volume mounts, resolved to its volume (and the ConfigMap, for ConfigMap volumes). */
export interface NginxMount {
  readonly mountPath: string;
  readonly subPath?: string;
  /** The pod's volume of that name. @default - none: the pod lacks it */
  readonly volume?: any;
  /** For a ConfigMap volume, the ConfigMap among the manifests. @default - none */
  readonly configMap?: LoadedManifest;
}

/** An nginx container of a workload, and where its nginx.conf comes from. */
export interface NginxContainer {
  readonly workload: LoadedManifest;
  readonly container: PodContainer;
  /** nginx's command line (`nginx ... -c <file>`), without a wrapper's shell. */
  readonly command: string[];
  /** The path given to `-c`, as the container sees it. */
  readonly confPath: string;
  readonly mounts: ReadonlyArray<NginxMount>;
  /** The mount that holds the conf, when it is a ConfigMap volume. @default - none: the conf is in the image */
  readonly confMount?: NginxMount;
}

/** Every container that runs nginx with `-c` in the workloads among the manifests. */
export function nginxContainers(manifests: ReadonlyArray<LoadedManifest>): NginxContainer[] {
  const out: NginxContainer[] = [];
  for (const workload of manifests) {
    const pod = podTemplateOf(workload.object);
    if (!pod) {
      continue;
    }
    const volumes = new Map<string, any>((pod.spec.volumes ?? []).map((v: any) => [v?.name, v]));
    for (const c of podContainers(pod).filter((x) => runsNginx(x.container))) {
      const command = nginxCommand(c.container)!;
      const confPath = String(command[command.indexOf('-c') + 1]);
      const mounts: NginxMount[] = (c.container.volumeMounts ?? []).map((m: any) => {
        const volume = volumes.get(m.name);
        const name = volume?.configMap?.name;
        const configMap = name === undefined ? undefined : manifests.find((o) => o.object.kind === 'ConfigMap'
          && o.object.metadata?.name === name && o.object.metadata?.namespace === workload.object.metadata?.namespace);
        return { mountPath: m.mountPath, ...(m.subPath ? { subPath: m.subPath } : {}), volume, configMap };
      });
      const confMount = mounts
        .filter((m) => m.volume?.configMap && (confPath === m.mountPath || confPath.startsWith(`${m.mountPath.replace(/\/$/, '')}/`)))
        .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
      out.push({ workload, container: c, command, confPath, mounts, ...(confMount ? { confMount } : {}) });
    }
  }
  return out;
}
