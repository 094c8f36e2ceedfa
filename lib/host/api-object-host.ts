import { ApiObject, IAnyProducer, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../errors';
import { POD_TEMPLATE_KINDS, podTemplateJson, podTemplatePointer } from '../k8s/pod-template-paths';
import { containerJson, volumeJson } from './container-json';
import { HostPort, ISidecarHost, SidecarContainerSpec, SidecarMount, SidecarVolume } from './host';
import { DeferredValue, LifecycleJson, jsonPointerKey, lifecycleWithPreStop } from './json-patch';

interface PodTemplateJson {
  metadata?: { annotations?: Record<string, string> };
  spec?: {
    containers?: Array<{ name?: string; lifecycle?: LifecycleJson; ports?: Array<{ containerPort?: number; name?: string }> }>;
    initContainers?: Array<{ name?: string }>;
    volumes?: Array<{ name?: string }>;
    terminationGracePeriodSeconds?: number;
  };
}

/**
 * A raw ApiObject with a pod template, e.g. a StatefulSet loaded with `Include`. It has no typed
 * setters, so the sidecar is added with JSON patches; the object is read once, at attach time.
 */
export class ApiObjectHost implements ISidecarHost {
  public readonly description: string;
  private readonly templatePointer: string;
  private readonly specPointer: string;
  private readonly template: PodTemplateJson;
  private hasVolumes: boolean;
  private sidecarIndex?: number;

  constructor(public readonly apiObject: ApiObject) {
    this.description = `${apiObject.kind} "${apiObject.name}"`;
    const pointer = podTemplatePointer(apiObject.kind);
    const template = podTemplateJson(apiObject.kind, apiObject.toJson());
    if (pointer === undefined || !template || typeof template !== 'object' || !Array.isArray(template.spec?.containers)) {
      throw invalid('SidecarHost.fromApiObject', `${apiObject.kind}/${apiObject.name}`,
        `has no pod template with containers (expected one of ${POD_TEMPLATE_KINDS.join(', ')})`);
    }
    this.templatePointer = pointer;
    this.specPointer = `${pointer}/spec`;
    this.template = template;
    this.hasVolumes = Array.isArray(template.spec?.volumes);
  }

  public containerPorts(): HostPort[] {
    return (this.template.spec?.containers ?? []).flatMap((c) => (c.ports ?? [])
      .filter((p) => typeof p.containerPort === 'number')
      .map((p) => ({ container: c.name ?? '', port: p.containerPort!, name: p.name })));
  }

  public containerNames(): string[] {
    // Init containers share the namespace of names with the app's containers.
    return [...(this.template.spec?.initContainers ?? []), ...(this.template.spec?.containers ?? [])].map((c) => c.name ?? '');
  }

  public volumeNames(): string[] {
    return (this.template.spec?.volumes ?? []).map((v) => v.name ?? '');
  }

  public terminationGracePeriodSeconds(): number {
    return this.template.spec?.terminationGracePeriodSeconds ?? 30;
  }

  public addSidecar(spec: SidecarContainerSpec): void {
    // Appended after the containers read at attach time, so its index is their count.
    this.sidecarIndex = (this.template.spec?.containers ?? []).length;
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/containers/-`, containerJson(spec)));
  }

  public addSidecarVolume(_scope: Construct, volume: SidecarVolume, mount: SidecarMount): void {
    if (this.sidecarIndex === undefined) {
      throw new Error('internal: addSidecarVolume before addSidecar');
    }
    if (!this.hasVolumes) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/volumes`, []));
      this.hasVolumes = true;
    }
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/volumes/-`, volumeJson(volume)));
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/containers/${this.sidecarIndex}/volumeMounts/-`,
      { name: mount.volume, mountPath: mount.path, readOnly: mount.readOnly }));
  }

  public annotatePodTemplate(key: string, value: IAnyProducer): void {
    const meta = `${this.templatePointer}/metadata`;
    if (!this.template.metadata) {
      this.apiObject.addJsonPatch(JsonPatch.add(meta, {}));
    }
    if (!this.template.metadata?.annotations) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${meta}/annotations`, {}));
    }
    this.apiObject.addJsonPatch(JsonPatch.add(`${meta}/annotations/${jsonPointerKey(key)}`, new DeferredValue(value)));
  }

  public delayContainerStop(container: string, command: string[]): void {
    const containers = this.template.spec?.containers ?? [];
    const index = containers.findIndex((c) => c.name === container);
    if (index < 0 || containers[index].lifecycle?.preStop) {
      return;
    }
    const lifecycle = lifecycleWithPreStop(containers[index].lifecycle, command);
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/containers/${index}/lifecycle`, lifecycle));
  }
}
