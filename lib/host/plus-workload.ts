import { IConstruct } from 'constructs';

/**
 * A container port of a cdk8s-plus container, as far as the sidecar reads it.
 * TypeScript only (structural typing): other languages pass a workload to `SidecarHost.fromConstruct`.
 * @jsii ignore
 */
export interface PlusContainerPort {
  /** The port number. */
  readonly number: number;
  /**
   * The port's name.
   * @default - unnamed
   */
  readonly name?: string;
}

/**
 * A cdk8s-plus container (any major 27–34), as far as the sidecar uses it.
 * TypeScript only (structural typing): other languages pass a workload to `SidecarHost.fromConstruct`.
 * @jsii ignore
 */
export interface IPlusContainer {
  /** The container's name. */
  readonly name: string;
  /** The ports it declares. */
  readonly ports: PlusContainerPort[];
  /**
   * `Always` for a native sidecar (an init container that runs beside the app; cdk8s-plus-28 and later).
   * @default - none
   */
  readonly restartPolicy?: string;
  /** Mounts a volume of the same cdk8s-plus major. */
  mount(path: string, storage: unknown, options?: PlusMountOptions): void;
}

/**
 * Options of `IPlusContainer.mount`, as far as the sidecar passes them.
 * TypeScript only (structural typing): other languages pass a workload to `SidecarHost.fromConstruct`.
 * @jsii ignore
 */
export interface PlusMountOptions {
  /**
   * Whether the mount is read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * A pod volume of a cdk8s-plus workload, as far as the sidecar reads it.
 * TypeScript only (structural typing): other languages pass a workload to `SidecarHost.fromConstruct`.
 * @jsii ignore
 */
export interface PlusVolume {
  /** The volume's name. */
  readonly name: string;
}

/**
 * The pod template metadata of a cdk8s-plus workload, as far as the sidecar uses it.
 * TypeScript only (structural typing): other languages pass a workload to `SidecarHost.fromConstruct`.
 * @jsii ignore
 */
export interface IPlusPodMetadata {
  /** Sets an annotation of the pod template. */
  addAnnotation(key: string, value: string): void;
}

/**
 * A cdk8s `Duration` as far as the sidecar reads it (so that any copy of cdk8s fits).
 * TypeScript only (structural typing): other languages pass a workload to `SidecarHost.fromConstruct`.
 * @jsii ignore
 */
export interface IPlusDuration {
  /** The period in seconds. */
  toSeconds(): number;
}

/**
 * The container props the sidecar passes to `addContainer`/`addInitContainer`. Every field is a
 * supertype of the same field of each major's `ContainerProps`, so any major's workload fits; the
 * values themselves come from the workload's own major (see `plusModuleOf`).
 * TypeScript only (structural typing): other languages pass a workload to `SidecarHost.fromConstruct`.
 * @jsii ignore
 */
export interface PlusContainerProps {
  /** The image. */
  readonly image: string;
  /**
   * The container's name.
   * @default - cdk8s-plus names it
   */
  readonly name?: string;
  /**
   * When the image is pulled.
   * @default - cdk8s-plus' default
   */
  readonly imagePullPolicy?: string;
  /**
   * The entrypoint.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Arguments to the entrypoint.
   * @default - the image's arguments
   */
  readonly args?: string[];
  /**
   * The container's ports.
   * @default - none
   */
  readonly ports?: PlusContainerPort[];
  /**
   * Environment variables (the major's `EnvValue`s).
   * @default - none
   */
  readonly envVariables?: { [name: string]: unknown };
  /**
   * Requests and limits (the major's `ContainerResources`).
   * @default - cdk8s-plus' default
   */
  readonly resources?: unknown;
  /**
   * The security context (the major's `ContainerSecurityContextProps`).
   * @default - cdk8s-plus' default
   */
  readonly securityContext?: unknown;
  /**
   * The readiness probe (the major's `Probe`).
   * @default - none
   */
  readonly readiness?: unknown;
  /**
   * The liveness probe (the major's `Probe`).
   * @default - none
   */
  readonly liveness?: unknown;
  /**
   * The startup probe (the major's `Probe`).
   * @default - none
   */
  readonly startup?: unknown;
  /**
   * Lifecycle hooks (the major's `ContainerLifecycle`).
   * @default - none
   */
  readonly lifecycle?: unknown;
  /** `Always` makes an init container a native sidecar (cdk8s-plus-28 and later). @default - none */
  readonly restartPolicy?: string;
}

/**
 * A cdk8s-plus workload of any major from 27 to 34 (Deployment, StatefulSet, DaemonSet, Job,
 * CronJob, Pod): the public members the sidecar host uses, and nothing private, so that the classes
 * of every major fit this one type.
 * TypeScript only (structural typing): other languages pass a workload to `SidecarHost.fromConstruct`.
 * @jsii ignore
 */
export interface IPlusWorkload extends IConstruct {
  /** The pod's containers. */
  readonly containers: IPlusContainer[];
  /** The pod's init containers. */
  readonly initContainers: IPlusContainer[];
  /** The pod's volumes. */
  readonly volumes: PlusVolume[];
  /** The pod template's metadata. */
  readonly podMetadata: IPlusPodMetadata;
  /**
   * The pod's terminationGracePeriodSeconds.
   * @default - 30 seconds
   */
  readonly terminationGracePeriod?: IPlusDuration;
  /** Adds a container. */
  addContainer(props: PlusContainerProps): IPlusContainer;
  /** Adds an init container. */
  addInitContainer(props: PlusContainerProps): IPlusContainer;
}
