import { ApiObject, IAnyProducer } from 'cdk8s';
import { Construct } from 'constructs';
import { ISidecarResource, SidecarIngressSpec, SidecarServiceSpec } from './exposure';

/** A container port found on the host's pod template. */
export interface HostPort {
  /** The container that declares the port. */
  readonly container: string;
  /** The port number. */
  readonly port: number;
  /**
   * The port's name.
   * @default - unnamed
   */
  readonly name?: string;
  /**
   * Whether the container is a native sidecar (an init container with restartPolicy Always).
   * @default false
   */
  readonly nativeSidecar?: boolean;
}

/** One ConfigMap key placed at a path inside the volume. */
export interface SidecarKeyToPath {
  /** The ConfigMap key. */
  readonly key: string;
  /** The file's path inside the volume. */
  readonly path: string;
}

/** A ConfigMap volume source: the ConfigMap's object name and, optionally, key-to-path items. */
export interface SidecarConfigMapSource {
  /** The ConfigMap's `metadata.name`. */
  readonly name: string;
  /**
   * Which keys to place where.
   * @default - every key, as a file of the same name
   */
  readonly items?: SidecarKeyToPath[];
}

/** A Secret volume source: the Secret's name and the keys to place. */
export interface SidecarSecretSource {
  /** The Secret's `metadata.name`. */
  readonly secretName: string;
  /** Which keys to place where (the Secret must hold each). */
  readonly items: SidecarKeyToPath[];
}

/** A volume of the sidecar, in Kubernetes terms: an emptyDir, a ConfigMap or a Secret. */
export interface SidecarVolume {
  /** The volume's name in the pod. */
  readonly name: string;
  /**
   * An emptyDir with this size limit, in MiB.
   * @default - not an emptyDir
   */
  readonly emptyDirSizeMib?: number;
  /**
   * A ConfigMap volume.
   * @default - not a ConfigMap volume
   */
  readonly configMap?: SidecarConfigMapSource;
  /**
   * A Secret volume.
   * @default - not a Secret volume
   */
  readonly secret?: SidecarSecretSource;
}

/** A mount of one of the sidecar's volumes. */
export interface SidecarMount {
  /** The volume's name. */
  readonly volume: string;
  /** Where it is mounted in the sidecar container. */
  readonly path: string;
  /** Whether the mount is read-only. */
  readonly readOnly: boolean;
}

/** A named container port. */
export interface SidecarContainerPort {
  /** The port number. */
  readonly port: number;
  /** The port's name. */
  readonly name: string;
}

/** An HTTP GET probe of the sidecar, with its timing. */
export interface SidecarProbe {
  /** The path requested. */
  readonly path: string;
  /** The port requested. */
  readonly port: number;
  /** How often the probe runs. */
  readonly periodSeconds: number;
  /** How long one probe may take. */
  readonly timeoutSeconds: number;
  /** How many failures in a row count. */
  readonly failureThreshold: number;
}

/** What the sidecar and a helper container share: image, one named port, resources, the user, HTTP probes. */
export interface HardenedContainerSpec {
  /** The container's name. */
  readonly name: string;
  /** The image reference. */
  readonly image: string;
  /** The port the container listens on. */
  readonly port: number;
  /** The name of that container port. */
  readonly portName: string;
  /** CPU request, in millicores. */
  readonly cpuRequestMillicores: number;
  /** CPU limit, in millicores. */
  readonly cpuLimitMillicores: number;
  /** Memory request, in MiB. */
  readonly memoryRequestMib: number;
  /** Memory limit, in MiB. */
  readonly memoryLimitMib: number;
  /** The uid the container runs as (never 0). */
  readonly uid: number;
  /** The gid the container runs as. */
  readonly gid: number;
  /** The readiness probe. */
  readonly readiness: SidecarProbe;
  /** The liveness probe. */
  readonly liveness: SidecarProbe;
  /**
   * The startup probe: the kubelet starts the next container after a native sidecar only once it passes.
   * @default - none
   */
  readonly startup?: SidecarProbe;
  /**
   * Run as a native sidecar: an init container with `restartPolicy: Always`, which starts before
   * the app's containers (a helper: after the sidecar) and stops after them (Kubernetes 1.29 and
   * later by default); else a container of the pod.
   */
  readonly nativeSidecar: boolean;
}

/** Everything a host needs to add the sidecar container to its pod template. */
export interface SidecarContainerSpec extends HardenedContainerSpec {
  /** The command (entrypoint) with its arguments. */
  readonly command: string[];
  /**
   * More ports of the container, after `port` (the HTTPS port).
   * @default - none
   */
  readonly extraPorts?: SidecarContainerPort[];
  /** Environment variables. */
  readonly env: { [name: string]: string };
  /** The preStop exec hook's command. */
  readonly preStop: string[];
}

/**
 * A small helper container beside the sidecar (such as a metrics exporter): its image's own
 * entrypoint with arguments, one named port, HTTP probes, and the same hardening as the sidecar.
 */
export interface HelperContainerSpec extends HardenedContainerSpec {
  /** Arguments to the image's entrypoint. */
  readonly args: string[];
}

/** Whether a host can run the sidecar as a native sidecar, and whether it does unless told. */
export interface NativeSidecarSupport {
  /** Native unless `nativeSidecar: false`. */
  readonly byDefault: boolean;
  /**
   * Why `nativeSidecar: true` is refused on this host.
   * @default - it is not
   */
  readonly refusal?: string;
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
  /** Ports declared by the containers now on the pod template, native sidecars' (init containers with restartPolicy Always) included. */
  containerPorts(): HostPort[];
  /** Names of the containers and init containers now on the pod template. */
  containerNames(): string[];
  /** Names of the volumes now on the pod template. */
  volumeNames(): string[];
  /** The pod's terminationGracePeriodSeconds (30 when unset). */
  terminationGracePeriodSeconds(): number;
  /** Whether the sidecar can be, and is by default, a native sidecar (an init container). */
  nativeSidecarSupport(): NativeSidecarSupport;
  /**
   * Adds the container, with the security settings the host's typed API cannot express
   * (all capabilities dropped, seccomp RuntimeDefault).
   */
  addSidecar(spec: SidecarContainerSpec): void;
  /**
   * Adds a volume to the pod template and mounts it in the sidecar container.
   * @param scope where helper constructs (cdk8s-plus volume handles) are created
   * @param sidecarVolume the volume (named apart from `mount.volume`, which Python's keyword arguments would take for it)
   */
  addSidecarVolume(scope: Construct, sidecarVolume: SidecarVolume, mount: SidecarMount): void;
  /**
   * Adds a helper container after the sidecar (call `addSidecar` first), with the same hardening:
   * non-root, read-only root, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault.
   */
  addHelperContainer(spec: HelperContainerSpec): void;
  /** Sets a pod-template annotation whose value is produced at synthesis. */
  annotatePodTemplate(key: string, value: IAnyProducer): void;
  /**
   * Gives one of the host's own containers a preStop exec hook, so it outlives the sidecar's drain.
   * A container that has a preStop hook at synthesis keeps its own.
   */
  delayContainerStop(container: string, command: string[]): void;
  /**
   * Makes a Service that selects the host's pods, with ports to nginx: a cdk8s-plus `Service` of
   * the workload's own major, or a raw `v1` Service object.
   * @param scope where the Service is created
   */
  addService(scope: Construct, id: string, spec: SidecarServiceSpec): ISidecarResource;
  /**
   * Makes an Ingress with one rule to a Service that `addService` made: a cdk8s-plus `Ingress` of
   * the workload's own major, or a raw `networking.k8s.io/v1` Ingress object.
   * @param scope where the Ingress is created
   */
  addIngress(scope: Construct, id: string, service: ISidecarResource, spec: SidecarIngressSpec): ISidecarResource;
}
