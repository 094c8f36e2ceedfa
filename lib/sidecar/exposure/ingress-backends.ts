import { ApiObject } from 'cdk8s';
import { sameNamespace } from '../../k8s/namespaces';

interface BackendJson {
  service?: { name?: string; port?: { number?: number; name?: string } };
}

/** An Ingress as far as its Service backends go. */
export interface IngressJson {
  metadata?: { namespace?: string };
  spec?: {
    defaultBackend?: BackendJson;
    rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string; backend?: BackendJson }> } }>;
  };
}

/** A Service as far as its ports go. */
export interface ServicePortsJson {
  metadata?: { namespace?: string };
  spec?: { ports?: Array<{ port?: number; name?: string }> };
}

/**
 * Checked at synthesis for each Service that leads to the sidecar's pods: an Ingress backend that
 * names the Service and a port it does not have (by number or name) reaches nothing, and Kubernetes
 * accepts it. The usual cause: cdk8s-plus' `exposeViaIngress` made the Ingress to the app's port,
 * then `retargetService` moved that port to nginx. Each is an error naming the Ingress, the rule,
 * the port and the fix.
 */
export function ingressBackendErrors(ingresses: ReadonlyArray<{ ingress: ApiObject; json: IngressJson }>,
  service: ApiObject, serviceJson: ServicePortsJson, retargeted: boolean): string[] {
  const namespace = serviceJson.metadata?.namespace;
  const ports = serviceJson.spec?.ports ?? [];
  const list = ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ') || 'none';
  const errors: string[] = [];
  for (const { ingress, json } of ingresses) {
    if (!sameNamespace(json.metadata?.namespace, namespace)) {
      continue;
    }
    const backends = [
      { where: 'its default backend', backend: json.spec?.defaultBackend },
      ...(json.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => ({
        where: `path ${JSON.stringify(p.path ?? '/')}${r.host ? ` of host ${JSON.stringify(r.host)}` : ''}`, backend: p.backend,
      }))),
    ];
    for (const { where, backend } of backends) {
      const port = backend?.service?.port;
      if (backend?.service?.name !== service.name || !port) {
        continue;
      }
      const found = port.number !== undefined ? ports.some((p) => p.port === port.number) : ports.some((p) => p.name === port.name);
      if (!found) {
        const named = port.number !== undefined ? `port ${port.number}` : `the port named ${JSON.stringify(port.name)}`;
        errors.push(`Ingress "${ingress.name}" (${ingress.node.path}) sends ${where} to ${named} of Service "${service.name}", which `
          + `the Service does not have${retargeted ? ' (retargetService moved it)' : ''}: it reaches nothing. The Service's ports: `
          + `${list}. Make both with proxy.exposeViaIngress(path), or point the backend at one of those ports`);
      }
    }
  }
  return errors;
}
