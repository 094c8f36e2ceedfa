import { ApiObject, Duration, IAnyProducer, JsonPatch, Lazy, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { podTemplatePointer } from '../k8s/pod-template-paths';
import { HARDENED_SECURITY_EXTRAS } from './container-json';
import {
  HardenedContainerSpec, HelperContainerSpec, HostPort, ISidecarHost, NativeSidecarSupport, SidecarContainerSpec, SidecarMount,
  SidecarProbe, SidecarVolume,
} from './host';
import { ISidecarResource, SidecarIngressSpec, SidecarServiceSpec } from './exposure';
import { DeferredValue, LifecycleJson, lifecycleWithPreStop } from './json-patch';
import { PlusMajor, PlusMetadataProps, plusMajorOf } from './plus-major';
import { IPlusContainer, IPlusWorkload, PlusContainerProps } from './plus-workload';
import { restoreStatefulSetVolumes } from './stateful-set-volumes';

/** What the drain reads of a cdk8s-plus container at synthesis: its rendered lifecycle. */
interface RenderableContainer {
  _toKube(): { lifecycle?: LifecycleJson };
}

/**
 * A cdk8s-plus workload of any major 27–34 (Deployment, StatefulSet, DaemonSet, Job, CronJob or
 * Pod) as a host. The container, its probes, resources and volumes are made with the workload's own
 * major, so cdk8s-plus knows the container and its port (`exposeViaService`, a StatefulSet's
 * Service) exactly as if the user had added it.
 */
export class WorkloadHost implements ISidecarHost {
  public readonly apiObject: ApiObject;
  public readonly description: string;
  private readonly specPointer: string;
  private readonly plus: PlusMajor;
  private container?: IPlusContainer;

  constructor(private readonly pod: IPlusWorkload) {
    this.plus = plusMajorOf(pod, 'SidecarHost.fromWorkload');
    this.apiObject = ApiObject.of(pod);
    this.description = `${this.apiObject.kind} "${pod.node.path}"`;
    this.specPointer = `${podTemplatePointer(this.apiObject.kind)}/spec`;
  }

  /** The workload's cdk8s-plus major (27 for cdk8s-plus-27). */
  public get plusMajor(): number {
    return this.plus.major;
  }

  public containerPorts(): HostPort[] {
    // Native sidecars (init containers with restartPolicy Always) run beside the app: their ports count.
    const ports = (c: IPlusContainer, nativeSidecar: boolean) => c.ports.map((p) => ({
      container: c.name, port: p.number, name: p.name, ...(nativeSidecar ? { nativeSidecar } : {}),
    }));
    return [...this.pod.containers.flatMap((c) => ports(c, false)),
      ...this.pod.initContainers.filter((c) => c.restartPolicy === 'Always').flatMap((c) => ports(c, true))];
  }

  public containerNames(): string[] {
    return [...this.pod.containers, ...this.pod.initContainers].map((c) => c.name);
  }

  public volumeNames(): string[] {
    return this.pod.volumes.map((v) => v.name);
  }

  public terminationGracePeriodSeconds(): number {
    return this.pod.terminationGracePeriod?.toSeconds() ?? 30;
  }

  public nativeSidecarSupport(): NativeSidecarSupport {
    if (this.plus.major < 28 || !this.plus.module.ContainerRestartPolicy) {
      return {
        byDefault: false,
        refusal: `needs cdk8s-plus-28 or later: ${this.description} is a cdk8s-plus-${this.plus.major} workload, whose `
          + `Kubernetes 1.${this.plus.major} types drop an init container's restartPolicy; use cdk8s-plus-29 or later `
          + '(clusters 1.29+), or leave nativeSidecar unset',
      };
    }
    // Native sidecars are on by default from Kubernetes 1.29 (alpha and off in 1.28, where an init
    // container that never exits would block the pod).
    return { byDefault: this.plus.major >= 29 };
  }

  public addSidecar(spec: SidecarContainerSpec): void {
    const kplus = this.plus.module;
    restoreStatefulSetVolumes(this.pod);
    const { head, tail } = this.hardenedProps(spec);
    this.container = this.addHardened(spec.nativeSidecar, {
      ...head,
      command: spec.command,
      ports: [{ number: spec.port, name: spec.portName }, ...(spec.extraPorts ?? []).map((p) => ({ number: p.port, name: p.name }))],
      envVariables: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
      ...tail,
      lifecycle: { preStop: kplus.Handler.fromCommand(spec.preStop) },
    });
  }

  public addSidecarVolume(scope: Construct, sidecarVolume: SidecarVolume, mount: SidecarMount): void {
    if (!this.container) {
      throw new Error('internal: addSidecarVolume before addSidecar');
    }
    const kplus = this.plus.module;
    // Our ConfigMaps are plain ApiObjects (any cdk8s-plus major can mount them): refer by name.
    const v = sidecarVolume.secret
      // The Secret is referred to by name: the construct never reads it.
      ? kplus.Volume.fromSecret(scope, `${sidecarVolume.name}-volume`,
        kplus.Secret.fromSecretName(scope, `${sidecarVolume.name}-ref`, sidecarVolume.secret.secretName), {
          name: sidecarVolume.name,
          items: Object.fromEntries(sidecarVolume.secret.items.map((i) => [i.key, { path: i.path }])),
        })
      : sidecarVolume.configMap
      ? kplus.Volume.fromConfigMap(scope, `${sidecarVolume.name}-volume`,
        kplus.ConfigMap.fromConfigMapName(scope, `${sidecarVolume.name}-ref`, sidecarVolume.configMap.name), {
          name: sidecarVolume.name,
          items: sidecarVolume.configMap.items
            ? Object.fromEntries(sidecarVolume.configMap.items.map((i) => [i.key, { path: i.path }]))
            : undefined,
        })
      : kplus.Volume.fromEmptyDir(scope, `${sidecarVolume.name}-volume`, sidecarVolume.name, {
        sizeLimit: Size.mebibytes(sidecarVolume.emptyDirSizeMib ?? 0),
      });
    this.container.mount(mount.path, v, { readOnly: mount.readOnly });
  }

  public addHelperContainer(spec: HelperContainerSpec): void {
    if (!this.container) {
      throw new Error('internal: addHelperContainer before addSidecar');
    }
    const { head, tail } = this.hardenedProps(spec);
    this.addHardened(spec.nativeSidecar, { ...head, args: spec.args, ports: [{ number: spec.port, name: spec.portName }], ...tail });
  }

  /** What the sidecar and a helper share, as typed props of the workload's own major (see `hardenedContainerJson`). */
  private hardenedProps(spec: HardenedContainerSpec) {
    const kplus = this.plus.module;
    const probe = (p: SidecarProbe) =>
      kplus.Probe.fromHttpGet(p.path, {
        port: p.port,
        periodSeconds: Duration.seconds(p.periodSeconds),
        timeoutSeconds: Duration.seconds(p.timeoutSeconds),
        failureThreshold: p.failureThreshold,
      });
    return {
      head: { name: spec.name, image: spec.image, imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT },
      tail: {
        resources: {
          cpu: { request: kplus.Cpu.millis(spec.cpuRequestMillicores), limit: kplus.Cpu.millis(spec.cpuLimitMillicores) },
          memory: { request: Size.mebibytes(spec.memoryRequestMib), limit: Size.mebibytes(spec.memoryLimitMib) },
        },
        securityContext: {
          ensureNonRoot: true,
          user: spec.uid,
          group: spec.gid,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
        },
        ...(spec.startup ? { startup: probe(spec.startup) } : {}),
        readiness: probe(spec.readiness),
        liveness: probe(spec.liveness),
      },
    };
  }

  /**
   * Adds a hardened container, as a native sidecar (an init container with restartPolicy Always;
   * the caller checked nativeSidecarSupport(), so ContainerRestartPolicy exists) or a regular one.
   * Not every major's typed API can set the rest of the hardening (plus-27 has neither a seccomp
   * profile nor `ALL`): it is patched in. The index is stable: containers added later come after it.
   */
  private addHardened(native: boolean, props: PlusContainerProps): IPlusContainer {
    const kplus = this.plus.module;
    const container = native
      ? this.pod.addInitContainer({ ...props, restartPolicy: kplus.ContainerRestartPolicy!.ALWAYS })
      : this.pod.addContainer(props);
    const list = native ? 'initContainers' : 'containers';
    const index = (native ? this.pod.initContainers : this.pod.containers).length - 1;
    for (const [field, value] of Object.entries(HARDENED_SECURITY_EXTRAS)) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/${list}/${index}/securityContext/${field}`, value));
    }
    return container;
  }

  public annotatePodTemplate(key: string, value: IAnyProducer): void {
    // cdk8s resolves Lazy values anywhere in the object at synthesis, annotations included.
    this.pod.podMetadata.addAnnotation(key, Lazy.any(value) as unknown as string);
  }

  public delayContainerStop(container: string, command: string[]): void {
    const index = this.pod.containers.findIndex((c) => c.name === container);
    if (index < 0) {
      return;
    }
    // cdk8s-plus keeps a container's lifecycle private and hooks can be given only at construction,
    // so the container's own lifecycle is read when the patch is written, at synthesis: its hook,
    // if any, wins. `_toKube()` is the one cdk8s-plus member outside the public API the host uses;
    // every major 27–34 has it (the host tests run on each). The containers render in the order
    // they were added, so the index holds.
    const c = this.pod.containers[index] as unknown as RenderableContainer;
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/containers/${index}/lifecycle`,
      new DeferredValue({ produce: () => lifecycleWithPreStop(c._toKube().lifecycle, command) })));
  }

  public addService(scope: Construct, id: string, spec: SidecarServiceSpec): ISidecarResource {
    // A Service of the workload's own major, so the user can go on with its API (exposeViaIngress, bind).
    return new this.plus.module.Service(scope, id, {
      metadata: this.metadata(spec),
      selector: this.pod,
      type: spec.type,
      ports: spec.ports.map((p) => ({ port: p.port, targetPort: p.targetPort, name: p.name, nodePort: p.nodePort })),
    }) as ISidecarResource;
  }

  public addIngress(scope: Construct, id: string, service: ISidecarResource, spec: SidecarIngressSpec): ISidecarResource {
    const kplus = this.plus.module;
    return new kplus.Ingress(scope, id, {
      metadata: this.metadata(spec),
      className: spec.className,
      rules: [{ path: spec.path, pathType: spec.pathType, backend: kplus.IngressBackend.fromService(service, { port: spec.servicePort }) }],
    }) as ISidecarResource;
  }

  private metadata(spec: SidecarServiceSpec | SidecarIngressSpec): PlusMetadataProps {
    // Only the fields given: a name of undefined would replace the name cdk8s makes.
    const namespace = this.apiObject.metadata.namespace;
    return {
      ...(spec.name !== undefined ? { name: spec.name } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      labels: spec.labels,
      annotations: spec.annotations,
    };
  }
}
