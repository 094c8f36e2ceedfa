import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ISidecarHost } from '../host/host';
import { podTemplateJson } from '../k8s/pod-template-paths';
import { sameNamespace } from '../k8s/namespaces';
import { declaredPorts, scanOf } from './app-scan';
import { ingressBackendErrors } from './exposure/ingress-backends';

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

/**
 * Checked at synthesis: a Service anywhere in the app that selects the host's pods and sends a port
 * to the app's port goes past nginx (typically `exposeViaService()` called before the sidecar was
 * attached, or a chart's own Service); one that sends a port to a port no container of the pod
 * declares reaches nothing (a `ports: [{ port: 80 }]` without targetPort). Each is an error naming
 * the Service and the fix. Headless
 * Services (`clusterIP: None`, DNS for a StatefulSet's pods) carry no traffic and are left alone; so
 * is a Service annotated `reverse-proxy-sidecar.cdk8s.io/bypass: "true"`.
 */
export function bypassServiceErrors(root: IConstruct, ctx: BypassContext, hostJson: unknown): string[] {
  const host = ctx.host.apiObject;
  const labels: Record<string, string> = podTemplateJson(host.kind, hostJson)?.metadata?.labels ?? {};
  const errors: string[] = [];
  const declared = declaredPorts(podTemplateJson(host.kind, hostJson)?.spec);
  const scan = scanOf(root);
  // Only Services whose first selector label the pods carry can select them: look those up.
  const candidates = new Set(Object.entries(labels).flatMap(([k, v]) => scan.services.get(`${k}=${v}`) ?? []));
  const checked = new Set<ApiObject>();
  for (const { service, json } of candidates) {
    const selector = json.spec?.selector ?? {};
    const selects = Object.entries(selector).every(([k, v]) => labels[k] === v);
    if (!selects || json.spec?.clusterIP === 'None' || json.metadata?.annotations?.[BYPASS_ANNOTATION] === 'true'
      || !sameNamespace(json.metadata?.namespace, host.metadata.namespace)) {
      continue;
    }
    errors.push(...ingressBackendErrors(scan.ingresses, service, json, ctx.retargeted.has(service)));
    checked.add(service);
    for (const p of json.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      const where = `Service "${service.name}" (${service.node.path}) sends port ${p.port} to`;
      // A named port that these pods do not declare just leaves them out of the Service's endpoints
      // (it may select other pods that declare it); a number is sent to these pods too.
      if (typeof target === 'number' && !declared.has(target)) {
        errors.push(`${where} ${typeof target === 'string' ? 'the port named' : 'port'} ${JSON.stringify(target)} of the pods of `
          + `${ctx.host.description}, which no container of the pod declares: nothing listens there. Make it with `
          + `proxy.exposeViaService(), or give it targetPort ${ctx.sidecarPort} (proxy.port); if something of yours listens there `
          + `undeclared, declare the port, or annotate the Service ${BYPASS_ANNOTATION}: "true"`);
      } else if (ctx.appPort !== undefined && (target === ctx.appPort || (typeof target === 'string' && ctx.appPortNames.includes(target)))) {
        // A retargeted Service is checked too: another of its ports, or one bound later, can still reach the app.
        errors.push(`${where} the app's port ${ctx.appPort} on the pods of ${ctx.host.description}, past nginx: `
          + (ctx.retargeted.has(service)
            ? `retargetService moved another port of this Service; remove this one, or move it too (retargetService with fromPort ${p.port})`
            : `make the Service with proxy.exposeViaService() instead (or give it targetPort ${ctx.sidecarPort}, the sidecar's port), or call `
              + 'proxy.retargetService on it')
          + `; if it is meant to reach the app directly, annotate it ${BYPASS_ANNOTATION}: "true"`);
      }
    }
  }
  // A retargeted Service moved a port whatever it selects (headless, no selector): its Ingresses too.
  for (const service of ctx.retargeted) {
    if (!checked.has(service)) {
      errors.push(...ingressBackendErrors(scan.ingresses, service, service.toJson(), true));
    }
  }
  return errors;
}
