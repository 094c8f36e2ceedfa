import { ApiObject, Duration, IAnyProducer, JsonPatch, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { podTemplatePointer } from '../k8s/pod-template-paths';
import { HARDENED_SECURITY_EXTRAS } from './container-json';
import { HostPort, ISidecarHost, SidecarContainerSpec, SidecarMount, SidecarProbe, SidecarVolume } from './host';
import { DeferredValue, LifecycleJson, lifecycleWithPreStop } from './json-patch';

/** What the drain reads of a cdk8s-plus container at synthesis: its rendered lifecycle. */
interface RenderableContainer {
  _toKube(): { lifecycle?: LifecycleJson };
}

/** A cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod) as a host. */
export class WorkloadHost implements ISidecarHost {
  public readonly apiObject: ApiObject;
  public readonly description: string;
  private readonly specPointer: string;
  private container?: kplus.Container;

  constructor(private readonly pod: kplus.AbstractPod) {
    this.apiObject = ApiObject.of(pod);
    this.description = `${this.apiObject.kind} "${pod.node.path}"`;
    this.specPointer = `${podTemplatePointer(this.apiObject.kind)}/spec`;
  }

  public containerPorts(): HostPort[] {
    return this.pod.containers.flatMap((c) => c.ports.map((p) => ({ container: c.name, port: p.number, name: p.name })));
  }

  public containerNames(): string[] {
    // Init containers share the namespace of names with the app's containers.
    return [...this.pod.initContainers, ...this.pod.containers].map((c) => c.name);
  }

  public volumeNames(): string[] {
    return this.pod.volumes.map((v) => v.name);
  }

  public terminationGracePeriodSeconds(): number {
    return this.pod.terminationGracePeriod?.toSeconds() ?? 30;
  }

  public addSidecar(spec: SidecarContainerSpec): void {
    const probe = (p: SidecarProbe) =>
      kplus.Probe.fromHttpGet(p.path, {
        port: p.port,
        periodSeconds: Duration.seconds(p.periodSeconds),
        timeoutSeconds: Duration.seconds(p.timeoutSeconds),
        failureThreshold: p.failureThreshold,
      });
    this.container = this.pod.addContainer({
      name: spec.name,
      image: spec.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: spec.command,
      ports: [{ number: spec.port, name: spec.portName }],
      envVariables: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
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
      readiness: probe(spec.readiness),
      liveness: probe(spec.liveness),
      lifecycle: { preStop: kplus.Handler.fromCommand(spec.preStop) },
    });
    // The typed API cannot set these: patch them in. The index is stable: containers added later
    // are appended after this one.
    const index = this.pod.containers.length - 1;
    for (const [field, value] of Object.entries(HARDENED_SECURITY_EXTRAS)) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/containers/${index}/securityContext/${field}`, value));
    }
  }

  public addSidecarVolume(scope: Construct, volume: SidecarVolume, mount: SidecarMount): void {
    if (!this.container) {
      throw new Error('internal: addSidecarVolume before addSidecar');
    }
    // Our ConfigMaps are plain ApiObjects (any cdk8s-plus major can mount them): refer by name.
    const v = volume.configMap
      ? kplus.Volume.fromConfigMap(scope, `${volume.name}-volume`,
        kplus.ConfigMap.fromConfigMapName(scope, `${volume.name}-ref`, volume.configMap.name), {
          name: volume.name,
          items: volume.configMap.items
            ? Object.fromEntries(volume.configMap.items.map((i) => [i.key, { path: i.path }]))
            : undefined,
        })
      : kplus.Volume.fromEmptyDir(scope, `${volume.name}-volume`, volume.name, {
        sizeLimit: Size.mebibytes(volume.emptyDirSizeMib ?? 0),
      });
    this.container.mount(mount.path, v, { readOnly: mount.readOnly });
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
    // if any, wins. The containers render in the order they were added, so the index holds.
    const c = this.pod.containers[index] as unknown as RenderableContainer;
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/containers/${index}/lifecycle`,
      new DeferredValue({ produce: () => lifecycleWithPreStop(c._toKube().lifecycle, command) })));
  }
}
