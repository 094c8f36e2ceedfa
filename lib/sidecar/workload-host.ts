import { ApiObject, Duration, IAnyProducer, JsonPatch, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  HARDENED_SECURITY_EXTRAS, HostPort, ISidecarHost, PROBES, ProbeTiming, SidecarContainerSpec, SidecarMount, SidecarVolume,
  podTemplateJson, podTemplatePath, preStopPatch,
} from './host';

/** A cdk8s-plus-27 workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod) as a host. */
export class WorkloadHost implements ISidecarHost {
  public readonly apiObject: ApiObject;
  public readonly description: string;

  private container?: kplus.Container;

  constructor(private readonly pod: kplus.AbstractPod) {
    this.apiObject = ApiObject.of(pod);
    this.description = `${this.apiObject.kind} "${pod.node.path}"`;
  }

  public containerPorts(): HostPort[] {
    return this.pod.containers.flatMap((c) => c.ports.map((p) => ({ container: c.name, port: p.number, name: p.name })));
  }

  public containerNames(): string[] {
    return this.pod.containers.map((c) => c.name);
  }

  public volumeNames(): string[] {
    return this.pod.volumes.map((v) => v.name);
  }

  public terminationGracePeriodSeconds(): number {
    return this.pod.terminationGracePeriod?.toSeconds() ?? 30;
  }

  public addSidecar(spec: SidecarContainerSpec): void {
    const probe = (timing: ProbeTiming) =>
      kplus.Probe.fromHttpGet(spec.probePath, {
        port: spec.port,
        periodSeconds: Duration.seconds(timing.periodSeconds),
        timeoutSeconds: Duration.seconds(timing.timeoutSeconds),
        failureThreshold: timing.failureThreshold,
      });
    this.container = this.pod.addContainer({
      name: spec.name,
      image: spec.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: spec.command,
      ports: [{ number: spec.port, name: spec.portName }],
      envVariables: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
      resources: {
        cpu: { request: kplus.Cpu.millis(spec.cpuRequestMillis), limit: kplus.Cpu.millis(spec.cpuLimitMillis) },
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
      readiness: probe(PROBES.readiness),
      liveness: probe(PROBES.liveness),
      lifecycle: { preStop: kplus.Handler.fromCommand(spec.preStop) },
    });
    // cdk8s-plus-27 has no seccompProfile and cannot drop ALL capabilities: patch them in. The
    // index is stable: containers added later are appended after this one.
    const index = this.pod.containers.length - 1;
    const specPath = `${podTemplatePath(this.apiObject.kind)}/spec`;
    for (const [field, value] of Object.entries(HARDENED_SECURITY_EXTRAS)) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${specPath}/containers/${index}/securityContext/${field}`, value));
    }
  }

  public addSidecarVolume(scope: Construct, volume: SidecarVolume, mount: SidecarMount): void {
    if (!this.container) {
      throw new Error('internal: addSidecarVolume before addSidecar');
    }
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

  public delayContainerStop(container: string, command: string[]): boolean {
    // cdk8s-plus-27 keeps a container's lifecycle private: read it from the rendered object. The
    // containers render in the order they were added, so the index holds at synthesis.
    const template = podTemplateJson(this.apiObject.kind, this.apiObject.toJson());
    const patch = preStopPatch(`${podTemplatePath(this.apiObject.kind)}/spec`, template?.spec?.containers ?? [], container, command);
    if (patch) {
      this.apiObject.addJsonPatch(patch);
    }
    return patch !== undefined;
  }
}
