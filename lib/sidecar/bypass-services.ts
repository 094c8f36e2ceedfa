import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ISidecarHost } from '../host/host';
import { podTemplateJson } from '../k8s/pod-template-paths';

/** The annotation that marks a Service as meant to reach the app directly, past nginx. */
export const BYPASS_ANNOTATION = 'reverse-proxy-sidecar.cdk8s.io/bypass';

/** What the check needs to know about the sidecar. */
export interface BypassContext {
  readonly host: ISidecarHost;
  /** The app's port, once known. */
  readonly appPort?: number;
  /** The names the app's containers give that port. */
  readonly appPortNames: string[];
  readonly sidecarPort: number;
  /** Services moved to the sidecar with `retargetService`. */
  readonly retargeted: ReadonlySet<ApiObject>;
}

interface ServiceJson {
  metadata?: { namespace?: string; annotations?: Record<string, string> };
  spec?: { clusterIP?: string; selector?: Record<string, string>; ports?: Array<{ port?: number; targetPort?: number | string }> };
}

/**
 * Checked at synthesis: a Service anywhere in the app that selects the host's pods and sends a port
 * to the app's port goes past nginx (typically `exposeViaService()` called before the sidecar was
 * attached, or a chart's own Service). Each is an error naming the Service and the fix. Headless
 * Services (`clusterIP: None`, DNS for a StatefulSet's pods) carry no traffic and are left alone; so
 * is a Service annotated `reverse-proxy-sidecar.cdk8s.io/bypass: "true"`.
 */
export function bypassServiceErrors(root: IConstruct, ctx: BypassContext, hostJson: unknown): string[] {
  if (ctx.appPort === undefined) {
    return [];
  }
  const host = ctx.host.apiObject;
  const labels: Record<string, string> = podTemplateJson(host.kind, hostJson)?.metadata?.labels ?? {};
  const errors: string[] = [];
  const index = servicesOf(root);
  // Only Services whose first selector label the pods carry can select them: look those up.
  const candidates = new Set(Object.entries(labels).flatMap(([k, v]) => index.get(`${k}=${v}`) ?? []));
  for (const { service, json } of candidates) {
    if (ctx.retargeted.has(service)) {
      continue;
    }
    const selector = json.spec?.selector ?? {};
    const selects = Object.entries(selector).every(([k, v]) => labels[k] === v);
    if (!selects || json.spec?.clusterIP === 'None' || json.metadata?.annotations?.[BYPASS_ANNOTATION] === 'true'
      || (json.metadata?.namespace ?? '') !== (host.metadata.namespace ?? '')) {
      continue;
    }
    for (const p of json.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      if (target === ctx.appPort || (typeof target === 'string' && ctx.appPortNames.includes(target))) {
        errors.push(`Service "${service.name}" (${service.node.path}) sends port ${p.port} to the app's port ${ctx.appPort} on the pods of `
          + `${ctx.host.description}, past nginx: create it after the sidecar with targetPort ${ctx.sidecarPort} (the sidecar's port), `
          + `or call retargetService on it; if it is meant to reach the app directly, annotate it ${BYPASS_ANNOTATION}: "true"`);
      }
    }
  }
  return errors;
}

function isService(c: IConstruct): c is ApiObject {
  return ApiObject.isApiObject(c) && c.kind === 'Service';
}

/**
 * The app's Services and their JSON, read once per synthesis for all of its sidecars (every
 * sidecar's check reading every Service would be quadratic: 1,000 sidecars took minutes). A
 * sidecar's config ConfigMap, rendered after every validation, forgets them (`forgetServices`),
 * so the next synthesis reads them anew.
 */
type ServiceIndex = Map<string, Array<{ service: ApiObject; json: ServiceJson }>>;
const scans = new WeakMap<IConstruct, ServiceIndex>();

/** The app's Services with a selector, by their first selector label (`key=value`). */
function servicesOf(root: IConstruct): ServiceIndex {
  let scan = scans.get(root);
  if (!scan) {
    scan = new Map();
    for (const service of root.node.findAll().filter(isService)) {
      const json = service.toJson() as ServiceJson;
      const first = Object.entries(json.spec?.selector ?? {})[0];
      if (first) {
        const key = `${first[0]}=${first[1]}`;
        const list = scan.get(key) ?? [];
        list.push({ service, json });
        scan.set(key, list);
      }
    }
    scans.set(root, scan);
  }
  return scan;
}

/** Drops the Services read for this app's synthesis. */
export function forgetServices(root: IConstruct): void {
  scans.delete(root);
}
