import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { podTemplateJson, podTemplatePath } from '../k8s/pod-template-paths';
import { IngressJson } from './exposure/ingress-backends';

/** A Service as far as the synth-time checks read it. */
export interface ServiceJson {
  metadata?: { namespace?: string; annotations?: Record<string, string> };
  spec?: { clusterIP?: string; selector?: Record<string, string>; ports?: Array<{ port?: number; name?: string; targetPort?: number | string }> };
}

interface PodSpecPorts {
  containers?: Array<{ ports?: Array<{ containerPort?: number; name?: string }> }>;
  initContainers?: Array<{ restartPolicy?: string; ports?: Array<{ containerPort?: number; name?: string }> }>;
}

/** A pod template of the app: its object, namespace, labels and the ports its containers declare. */
export interface PodTemplateScan {
  readonly object: ApiObject;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Port numbers and names, native sidecars (init containers with restartPolicy Always) included. */
  readonly declared: ReadonlySet<number | string>;
}

/**
 * The app's Services, Ingresses and pod templates with their JSON, read once per synthesis for all of
 * its sidecars (every sidecar's check reading every object would be quadratic: 1,000 sidecars took
 * minutes). A sidecar's config ConfigMap, rendered after every validation, forgets them
 * (`forgetScan`), so the next synthesis reads them anew.
 */
export interface AppScan {
  /** Services with a selector, by their first selector label (`key=value`). */
  readonly services: Map<string, Array<{ service: ApiObject; json: ServiceJson }>>;
  readonly ingresses: Array<{ ingress: ApiObject; json: IngressJson }>;
  /** The pod templates, read at the first call (only retargeted Services need them). */
  pods(): PodTemplateScan[];
}

const scans = new WeakMap<IConstruct, AppScan>();

/** The port numbers and names a pod spec's containers declare, native sidecars included. */
export function declaredPorts(spec: PodSpecPorts | undefined): Set<number | string> {
  const running = [...spec?.containers ?? [], ...(spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  return new Set(running.flatMap((c) => (c.ports ?? []).flatMap((p) => [p.containerPort, p.name]))
    .filter((v): v is number | string => v !== undefined));
}

/** The scan of the app under `root`, made at the first call of a synthesis. */
export function scanOf(root: IConstruct): AppScan {
  let scan = scans.get(root);
  if (!scan) {
    const workloads: ApiObject[] = [];
    let pods: PodTemplateScan[] | undefined;
    scan = {
      services: new Map(),
      ingresses: [],
      pods: () => (pods ??= workloads.map(podTemplateScan)),
    };
    for (const o of root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c))) {
      if (o.kind === 'Ingress') {
        scan.ingresses.push({ ingress: o, json: o.toJson() as IngressJson });
      } else if (o.kind === 'Service') {
        const json = o.toJson() as ServiceJson;
        const first = Object.entries(json.spec?.selector ?? {})[0];
        if (first) {
          const key = `${first[0]}=${first[1]}`;
          scan.services.set(key, [...scan.services.get(key) ?? [], { service: o, json }]);
        }
      } else if (podTemplatePath(o.kind) !== undefined && o.kind !== 'PodTemplate') {
        workloads.push(o);
      }
    }
    scans.set(root, scan);
  }
  return scan;
}

function podTemplateScan(o: ApiObject): PodTemplateScan {
  const template = podTemplateJson(o.kind, o.toJson());
  return { object: o, namespace: o.metadata.namespace ?? '', labels: template?.metadata?.labels ?? {}, declared: declaredPorts(template?.spec) };
}

/** Drops the scan of this app's synthesis. */
export function forgetScan(root: IConstruct): void {
  scans.delete(root);
}
