import { ApiObject, IAnyProducer, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';

/** A container port found on the host's pod template. */
export interface HostPort {
  readonly container: string;
  readonly port: number;
  readonly name?: string;
}

/** One ConfigMap key placed at a path inside the volume. */
export interface SidecarKeyToPath {
  readonly key: string;
  readonly path: string;
}

/** A ConfigMap volume source: the ConfigMap's object name and, optionally, key-to-path items. */
export interface SidecarConfigMapSource {
  readonly name: string;
  /** @default - every key, as a file of the same name */
  readonly items?: SidecarKeyToPath[];
}

/** A volume of the sidecar, in Kubernetes terms: an emptyDir or a ConfigMap. */
export interface SidecarVolume {
  readonly name: string;
  /** An emptyDir with this size limit, in MiB. @default - not an emptyDir */
  readonly emptyDirSizeMib?: number;
  /** @default - not a ConfigMap volume */
  readonly configMap?: SidecarConfigMapSource;
}

/** A mount of one of the sidecar's volumes. */
export interface SidecarMount {
  readonly volume: string;
  readonly path: string;
  readonly readOnly: boolean;
}

/** Everything a host needs to add the sidecar container to its pod template. */
export interface SidecarContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
  readonly port: number;
  readonly portName: string;
  readonly env: { [name: string]: string };
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequestMib: number;
  readonly memoryLimitMib: number;
  readonly uid: number;
  readonly gid: number;
  readonly probePath: string;
  readonly preStop: string[];
}

/**
 * The pod-template owner a sidecar attaches to: a cdk8s-plus workload, or a raw ApiObject (such as
 * a StatefulSet loaded with `Include`). Create one with `SidecarHost.fromWorkload` or
 * `SidecarHost.fromApiObject`.
 */
export interface ISidecarHost {
  /** The Kubernetes object that holds the pod template. */
  readonly apiObject: ApiObject;
  /** A name for messages, e.g. `StatefulSet "monitor-alertmanager"`. */
  readonly description: string;
  /** Ports declared by the containers now on the pod template. */
  containerPorts(): HostPort[];
  /** Names of the containers now on the pod template. */
  containerNames(): string[];
  /** Names of the volumes now on the pod template. */
  volumeNames(): string[];
  /** The pod's terminationGracePeriodSeconds (30 when unset). */
  terminationGracePeriodSeconds(): number;
  /** Adds the container, with the security settings the host's typed API cannot express. */
  addSidecar(spec: SidecarContainerSpec): void;
  /**
   * Adds a volume to the pod template and mounts it in the sidecar container.
   * @param scope where helper constructs (cdk8s-plus volume handles) are created
   */
  addSidecarVolume(scope: Construct, volume: SidecarVolume, mount: SidecarMount): void;
  /** Sets a pod-template annotation whose value is produced at synthesis. */
  annotatePodTemplate(key: string, value: IAnyProducer): void;
  /**
   * Gives one of the host's own containers a preStop exec hook, so it outlives the sidecar's drain.
   * Returns false, changing nothing, when that container already has a preStop hook.
   */
  delayContainerStop(container: string, command: string[]): boolean;
}

/** How often a probe runs, how long it may take, and how many failures count. */
export interface ProbeTiming {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

/** Probe timings, shared by both host kinds so their output agrees. */
export const PROBES: { readonly readiness: ProbeTiming; readonly liveness: ProbeTiming } = {
  readiness: { periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 2 },
  liveness: { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
};

/**
 * The sidecar container as Kubernetes JSON. The raw-object host adds exactly this; the cdk8s-plus
 * host builds the same container through the typed API (the tests compare the two).
 */
export function containerJson(spec: SidecarContainerSpec): Record<string, unknown> {
  const probe = (timing: ProbeTiming) => ({
    httpGet: { path: spec.probePath, port: spec.port, scheme: 'HTTP' },
    ...timing,
  });
  const env = Object.entries(spec.env).map(([name, value]) => ({ name, value }));
  return {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: spec.command,
    ports: [{ name: spec.portName, containerPort: spec.port }],
    ...(env.length > 0 ? { env } : {}),
    resources: {
      requests: { cpu: `${spec.cpuRequestMillis}m`, memory: `${spec.memoryRequestMib}Mi` },
      limits: { cpu: `${spec.cpuLimitMillis}m`, memory: `${spec.memoryLimitMib}Mi` },
    },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: spec.uid,
      runAsGroup: spec.gid,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      ...HARDENED_SECURITY_EXTRAS,
    },
    readinessProbe: probe(PROBES.readiness),
    livenessProbe: probe(PROBES.liveness),
    lifecycle: { preStop: { exec: { command: spec.preStop } } },
    volumeMounts: [],
  };
}

/** A sidecar volume as Kubernetes JSON. */
export function volumeJson(v: SidecarVolume): Record<string, unknown> {
  return v.configMap
    ? { name: v.name, configMap: { name: v.configMap.name, items: v.configMap.items } }
    : { name: v.name, emptyDir: { sizeLimit: `${v.emptyDirSizeMib}Mi` } };
}

/** Where the pod template sits in a workload object of each kind. */
export function podTemplatePath(kind: string): string | undefined {
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return '/spec/template';
    case 'CronJob':
      return '/spec/jobTemplate/spec/template';
    case 'Pod':
      return '';
    default:
      return undefined;
  }
}

/**
 * The pod template inside a workload's JSON (the object itself for a Pod), or undefined for kinds
 * without one or an object that lacks it.
 */
export function podTemplateJson(kind: string, json: any): any {
  const path = podTemplatePath(kind);
  if (path === undefined) {
    return undefined;
  }
  return path.split('/').slice(1).reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), json);
}

/** The container's securityContext fields cdk8s-plus-27 cannot express, as JSON. */
export const HARDENED_SECURITY_EXTRAS = {
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Escapes a key for a JSON pointer (RFC 6901). */
export function jsonPointerKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A value that cdk8s resolves only when the object is serialized. cdk8s clones JSON patch values
 * with JSON.stringify at synthesis, which calls `toJSON`; tests pin this behaviour.
 */
export class DeferredValue {
  constructor(private readonly producer: IAnyProducer) {}

  public toJSON(): unknown {
    return this.producer.produce();
  }
}

/** A container of a pod template as JSON, as far as its lifecycle goes. */
export interface ContainerLifecycleJson {
  readonly name?: string;
  readonly lifecycle?: { readonly preStop?: unknown };
}

/**
 * The JSON patch that gives the named container a preStop exec hook, or undefined when it has one
 * already (the user's own hook wins) or there is no such container.
 */
export function preStopPatch(specPath: string, containers: ContainerLifecycleJson[], name: string,
  command: string[]): JsonPatch | undefined {
  const index = containers.findIndex((c) => c.name === name);
  if (index < 0 || containers[index].lifecycle?.preStop) {
    return undefined;
  }
  const preStop = { exec: { command } };
  return containers[index].lifecycle
    ? JsonPatch.add(`${specPath}/containers/${index}/lifecycle/preStop`, preStop)
    : JsonPatch.add(`${specPath}/containers/${index}/lifecycle`, { preStop });
}
