import { ApiObject, IAnyProducer, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../errors';
import { POD_TEMPLATE_KINDS, podTemplateJson, podTemplatePointer } from '../k8s/pod-template-paths';
import { containerJson, helperContainerJson, isTypedObject, typedObjectShape, volumeJson } from './container-json';
import {
  HelperContainerSpec, HostPort, ISidecarHost, NativeSidecarSupport, SidecarContainerSpec, SidecarMount, SidecarVolume,
} from './host';
import { ISidecarResource, SidecarIngressSpec, SidecarServiceSpec } from './exposure';
import { DeferredValue, LifecycleJson, jsonPointerKey, lifecycleWithPreStop } from './json-patch';
import { podSelectorOf } from './pod-selector';

interface PodTemplateJson {
  metadata?: { annotations?: Record<string, string> };
  spec?: {
    containers?: Array<{ name?: string; lifecycle?: LifecycleJson; ports?: Array<{ containerPort?: number; name?: string }> }>;
    initContainers?: Array<{ name?: string; restartPolicy?: string; ports?: Array<{ containerPort?: number; name?: string }> }>;
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
  private readonly shape: (json: Record<string, unknown>) => Record<string, unknown>;
  private hasVolumes: boolean;
  private sidecarPointer?: string;

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
    this.shape = isTypedObject(apiObject) ? typedObjectShape : (json) => json;
  }

  public containerPorts(): HostPort[] {
    // Native sidecars (init containers with restartPolicy Always) run beside the app: their ports count.
    const ports = (c: { name?: string; ports?: Array<{ containerPort?: number; name?: string }> }, nativeSidecar: boolean) => (c.ports ?? [])
      .filter((p) => typeof p.containerPort === 'number')
      .map((p) => ({ container: c.name ?? '', port: p.containerPort!, name: p.name, ...(nativeSidecar ? { nativeSidecar } : {}) }));
    return [...(this.template.spec?.containers ?? []).flatMap((c) => ports(c, false)),
      ...(this.template.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').flatMap((c) => ports(c, true))];
  }

  public containerNames(): string[] {
    return [...this.template.spec?.containers ?? [], ...this.template.spec?.initContainers ?? []].map((c) => c.name ?? '');
  }

  public volumeNames(): string[] {
    return (this.template.spec?.volumes ?? []).map((v) => v.name ?? '');
  }

  public terminationGracePeriodSeconds(): number {
    return this.template.spec?.terminationGracePeriodSeconds ?? 30;
  }

  public nativeSidecarSupport(): NativeSidecarSupport {
    // Which Kubernetes the object is for is not known: native only on request. (A generated typed
    // object of Kubernetes < 1.28 would drop restartPolicy; the sidecar checks it at synthesis.)
    return { byDefault: false };
  }

  public addSidecar(spec: SidecarContainerSpec): void {
    // Appended after the (init) containers read at attach time, so its index is their count.
    const list = spec.nativeSidecar ? 'initContainers' : 'containers';
    const existing = this.template.spec?.[list];
    if (!existing) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/${list}`, []));
    }
    this.sidecarPointer = `${this.specPointer}/${list}/${existing?.length ?? 0}`;
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/${list}/-`, this.shape(containerJson(spec))));
  }

  public addSidecarVolume(_scope: Construct, sidecarVolume: SidecarVolume, mount: SidecarMount): void {
    if (this.sidecarPointer === undefined) {
      throw new Error('internal: addSidecarVolume before addSidecar');
    }
    if (!this.hasVolumes) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/volumes`, []));
      this.hasVolumes = true;
    }
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/volumes/-`, this.shape(volumeJson(sidecarVolume))));
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.sidecarPointer}/volumeMounts/-`,
      { name: mount.volume, mountPath: mount.path, readOnly: mount.readOnly }));
  }

  public addHelperContainer(spec: HelperContainerSpec): void {
    if (this.sidecarPointer === undefined) {
      throw new Error('internal: addHelperContainer before addSidecar');
    }
    const list = spec.nativeSidecar ? 'initContainers' : 'containers';
    // The list exists when the object had it, or when the sidecar went into it (addSidecar made it).
    if (!this.template.spec?.[list] && !this.sidecarPointer.startsWith(`${this.specPointer}/${list}/`)) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/${list}`, []));
    }
    this.apiObject.addJsonPatch(JsonPatch.add(`${this.specPointer}/${list}/-`, this.shape(helperContainerJson(spec))));
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

  public addService(scope: Construct, id: string, spec: SidecarServiceSpec): ISidecarResource {
    const selector = podSelectorOf(this.apiObject);
    if (!selector) {
      throw invalid('exposeViaService', this.description, 'has no labels on its pods for a Service to select: give its pod template labels');
    }
    return new ApiObject(scope, id, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: this.metadata(spec),
      spec: {
        type: spec.type,
        selector,
        ports: spec.ports.map((p) => ({
          // By number: Kubernetes resolves a native sidecar's named port only from 1.32 on (kubernetes#127958).
          name: p.name, port: p.port, targetPort: p.targetPort, protocol: 'TCP', ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
        })),
      },
    });
  }

  public addIngress(scope: Construct, id: string, service: ISidecarResource, spec: SidecarIngressSpec): ISidecarResource {
    const backend = { service: { name: ApiObject.of(service).name, port: { number: spec.servicePort } } };
    return new ApiObject(scope, id, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: this.metadata(spec),
      spec: {
        ...(spec.className !== undefined ? { ingressClassName: spec.className } : {}),
        rules: [{ http: { paths: [{ path: spec.path, pathType: spec.pathType, backend }] } }],
      },
    });
  }

  private metadata(spec: SidecarServiceSpec | SidecarIngressSpec): Record<string, unknown> {
    const namespace = this.apiObject.metadata.namespace;
    return {
      ...(spec.name !== undefined ? { name: spec.name } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(Object.keys(spec.labels).length > 0 ? { labels: { ...spec.labels } } : {}),
      ...(Object.keys(spec.annotations).length > 0 ? { annotations: { ...spec.annotations } } : {}),
    };
  }
}
