import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../errors';
import { IPlusWorkload } from './plus-workload';

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
