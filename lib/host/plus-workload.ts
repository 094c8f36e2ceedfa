import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../errors';

/** A container port of a cdk8s-plus container, as far as the sidecar reads it. */
export interface PlusContainerPort {
  /** The port number. */
  readonly number: number;
  /**
   * The port's name.
   * @default - unnamed
   */
  readonly name?: string;
}

/** A cdk8s-plus container (any major 27–34), as far as the sidecar uses it. */
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

/** Options of `IPlusContainer.mount`, as far as the sidecar passes them. */
export interface PlusMountOptions {
  /**
   * Whether the mount is read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** A pod volume of a cdk8s-plus workload, as far as the sidecar reads it. */
export interface PlusVolume {
  /** The volume's name. */
  readonly name: string;
}

/** The pod template metadata of a cdk8s-plus workload, as far as the sidecar uses it. */
export interface IPlusPodMetadata {
  /** Sets an annotation of the pod template. */
  addAnnotation(key: string, value: string): void;
}

/** A cdk8s `Duration` as far as the sidecar reads it (so that any copy of cdk8s fits). */
export interface IPlusDuration {
  /** The period in seconds. */
  toSeconds(): number;
}

/**
 * The container props the sidecar passes to `addContainer`/`addInitContainer`. Every field is a
 * supertype of the same field of each major's `ContainerProps`, so any major's workload fits; the
 * values themselves come from the workload's own major (see `plusModuleOf`).
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

/** The factories of one cdk8s-plus major that the host calls; every major 27–34 has them, with these signatures. */
export interface PlusModule {
  readonly Probe: {
    fromHttpGet(path: string, options: { port: number; periodSeconds: Duration; timeoutSeconds: Duration; failureThreshold: number }): unknown;
  };
  readonly Cpu: { millis(amount: number): unknown };
  readonly EnvValue: { fromValue(value: string): unknown };
  readonly Handler: { fromCommand(command: string[]): unknown };
  readonly ImagePullPolicy: { readonly IF_NOT_PRESENT: string };
  /** cdk8s-plus-28 and later. */
  readonly ContainerRestartPolicy?: { readonly ALWAYS: string };
  readonly ConfigMap: { fromConfigMapName(scope: Construct, id: string, name: string): unknown };
  readonly Secret: { fromSecretName(scope: Construct, id: string, name: string): unknown };
  readonly Volume: {
    fromSecret(scope: Construct, id: string, secret: unknown,
      options: { name: string; items?: { [key: string]: { path: string } } }): unknown;
    fromEmptyDir(scope: Construct, id: string, name: string, options: { sizeLimit: Size }): unknown;
    fromConfigMap(scope: Construct, id: string, configMap: unknown,
      options: { name: string; items?: { [key: string]: { path: string } } }): unknown;
  };
  readonly Service: new (scope: Construct, id: string, props: {
    metadata: PlusMetadataProps; selector: unknown; type: string;
    ports: Array<{ port: number; targetPort: number; name: string; nodePort?: number }>;
  }) => IConstruct;
  readonly Ingress: new (scope: Construct, id: string, props: {
    metadata: PlusMetadataProps; className?: string; rules: Array<{ path: string; pathType: string; backend: unknown }>;
  }) => IConstruct;
  readonly IngressBackend: { fromService(service: unknown, options: { port: number }): unknown };
}

/** The metadata the host gives a Service or Ingress it makes. */
export interface PlusMetadataProps {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly annotations: { [key: string]: string };
}

/** One cdk8s-plus major: its number and its module. */
export interface PlusMajor {
  readonly major: number;
  readonly module: PlusModule;
}

/** jsii's runtime type information: every cdk8s-plus class carries its fully qualified name here. */
const JSII_RTTI = Symbol.for('jsii.rtti');
const PLUS_FQN = /^(cdk8s-plus-(\d+))\.(\w+)$/;

/**
 * The cdk8s-plus major a workload was made with, and that major's module, so that the values passed
 * to the workload (probes, CPU, volumes, handlers) are of its own major and its own copy. The package
 * comes from the class's jsii name (`cdk8s-plus-34.Deployment`); the copy is the loaded one whose
 * class the workload's is (an app may hold two copies of one major: a monorepo, `npm link`), else the
 * one this library resolves.
 */
export function plusMajorOf(workload: IPlusWorkload, field: string): PlusMajor {
  const ctor = (workload as unknown as { constructor?: Record<symbol, { fqn?: string } | undefined> }).constructor;
  const fqn = ctor?.[JSII_RTTI]?.fqn ?? '';
  const m = PLUS_FQN.exec(fqn);
  if (!m) {
    throw invalid(field, workload.node.path, `is not a class of a cdk8s-plus package (${fqn || 'no jsii name'}); `
      + 'use SidecarHost.fromApiObject for a raw object');
  }
  const [, pkg, major, className] = m;
  // The copy this library resolves first (one lookup, and the usual case); the loaded copies only when it is not that.
  const mod = resolvedCopyOf(pkg, className, ctor) ?? loadedCopyOf(pkg, className, ctor);
  if (!mod) {
    throw invalid(field, workload.node.path, `is a ${pkg} ${className} from a copy of ${pkg} that is not loaded through `
      + `require (a bundle?), and not the one this library resolves; install one copy (npm dedupe)`);
  }
  return { major: Number(major), module: mod as unknown as PlusModule };
}

/** The exports of a copy of `pkg` already loaded (`require.cache`) that the class comes from. */
function loadedCopyOf(pkg: string, className: string, ctor: unknown): Record<string, unknown> | undefined {
  const index = path.join(pkg, 'lib', 'index.js');
  for (const [file, loaded] of Object.entries(require.cache ?? {})) {
    const exports = loaded?.exports as Record<string, unknown> | undefined;
    if (file.endsWith(path.sep + index) && exports && inheritsFrom(ctor, exports[className])) {
      return exports;
    }
  }
  return undefined;
}

/** The exports of the copy of `pkg` this library resolves, if the class comes from it. */
function resolvedCopyOf(pkg: string, className: string, ctor: unknown): Record<string, unknown> | undefined {
  try {
    const exports = require(pkg) as Record<string, unknown>;
    return inheritsFrom(ctor, exports[className]) ? exports : undefined;
  } catch {
    return undefined;
  }
}

function inheritsFrom(ctor: unknown, base: unknown): boolean {
  for (let c = ctor; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    if (c === base) {
      return true;
    }
  }
  return false;
}
