import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalid } from '../errors';
import { ISidecarHost } from '../host/host';
import { podTemplateJson } from '../k8s/pod-template-paths';
import { checkPort } from '../nginx/tokens';
import { sameNamespace } from '../k8s/namespaces';
import { scanOf } from './app-scan';
import { optionsObject } from './prop-values';

/** Options of `ReverseProxySidecar.retargetService`. */
export interface RetargetServiceOptions {
  /**
   * The Service port to move, by its current port number.
   * @default - the port whose targetPort is the app's port (by number or name), else the only port
   */
  readonly fromPort?: number;
  /**
   * The Service's new port number.
   * @default - the sidecar's port
   */
  readonly port?: number;
  /**
   * Also serve the sidecar's HTTPS port (`tls`) on the Service, at this port number (443 for
   * clients that omit the port): the Service's port of this number is moved to it (keeping its
   * nodePort), else a port is added.
   * @default - the Service gets no HTTPS port
   */
  readonly httpsPort?: number;
}

/** What the sidecar knows about the ports involved. */
export interface RetargetContext {
  readonly appPort?: number;
  readonly appPortNames: string[];
  readonly sidecarPort: number;
  readonly sidecarPortName: string;
  /** The sidecar's HTTPS port and its name, with `tls`. */
  readonly https?: { readonly port: number; readonly name: string };
  /**
   * Target nginx's ports by number, not name: Kubernetes resolves a named port of a native sidecar
   * (an init container) only from 1.32 on (kubernetes#127958).
   */
  readonly numericTarget: boolean;
}

interface ServicePortJson {
  port: number;
  name?: string;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
  appProtocol?: string;
}

/**
 * Moves one port of a Service to the sidecar with a JSON patch: new number and name, targetPort
 * the sidecar's named port; nodePort and protocol are kept, and an appProtocol becomes `http`. Works on cdk8s-plus Services and on
 * raw objects from `Include` alike, because both are ApiObjects.
 */
export function retargetService(service: ApiObject, ctx: RetargetContext, given: RetargetServiceOptions | undefined): void {
  const field = `retargetService(${service.kind} "${service.name}")`;
  if (service.kind !== 'Service') {
    throw invalid(field, service.kind, 'is not a Service');
  }
  const options: RetargetServiceOptions = optionsObject(`${field} options`, given);
  const ports: ServicePortJson[] = service.toJson()?.spec?.ports ?? [];
  const list = ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ') || 'none';
  let index: number;
  if (options.fromPort !== undefined) {
    checkPort(`${field} fromPort`, options.fromPort);
    index = ports.findIndex((p) => p.port === options.fromPort);
    if (index < 0) {
      throw invalid(`${field} fromPort`, options.fromPort, `is not a port of the Service (it has: ${list})`);
    }
  } else {
    const targetsApp = ports
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => {
        const target = p.targetPort ?? p.port;
        return target === ctx.appPort || (typeof target === 'string' && ctx.appPortNames.includes(target));
      });
    if (targetsApp.length === 1) {
      index = targetsApp[0].i;
    } else if (ports.length === 1) {
      index = 0;
    } else {
      throw invalid(`${field} fromPort`, undefined,
        `must be set: the Service has ports ${list} and ${targetsApp.length} of them target the app`);
    }
  }
  const protocol = ports[index].protocol ?? 'TCP';
  if (protocol !== 'TCP') {
    throw invalid(`${field} fromPort`, ports[index].port, `is a ${protocol} port; nginx serves HTTP over TCP`);
  }
  const newPort = checkPort(`${field} port`, options.port ?? ctx.sidecarPort);
  // A port that reaches nginx's plain port already under the name or number the moved one takes
  // (cdk8s-plus-27's exposeViaService() exposes every container port, nginx's "nginx-http" too) is
  // merged into it: it leads to nginx anyway. Any other port is kept.
  const merged = ports.findIndex((p, i) => i !== index && (p.protocol ?? 'TCP') === 'TCP'
    && reaches(p, ctx.sidecarPort, ctx.sidecarPortName) && (p.name === ctx.sidecarPortName || p.port === newPort));
  ports.forEach((p, i) => {
    if (i !== index && i !== merged && p.port === newPort) {
      throw invalid(`${field} port`, newPort, 'is already another port of the Service');
    }
    if (i !== index && i !== merged && p.name === ctx.sidecarPortName) {
      throw invalid(`${field} port name`, ctx.sidecarPortName, 'is already the name of another port of the Service');
    }
  });
  const old = ports[index];
  const nodePort = old.nodePort ?? (merged >= 0 ? ports[merged].nodePort : undefined);
  const moved: ServicePortJson = {
    name: ctx.sidecarPortName,
    port: newPort,
    targetPort: ctx.numericTarget ? ctx.sidecarPort : ctx.sidecarPortName,
    ...(old.protocol ? { protocol: old.protocol } : {}),
    // nginx speaks plain HTTP/1.1 on its port, whatever the app spoke (h2c, grpc, https).
    ...(old.appProtocol ? { appProtocol: 'http' } : {}),
    ...(nodePort !== undefined ? { nodePort } : {}),
  };
  // Generated typed objects (cdk8s-plus' KubeService, known by their static GVK) re-filter their
  // output after the patches and read targetPort as an IntOrString ({ value }): a plain string would
  // be dropped there. Raw objects (Include) write the patch as it is.
  const typed = (service.constructor as { GVK?: unknown }).GVK !== undefined;
  service.addJsonPatch(JsonPatch.replace(`/spec/ports/${index}`,
    typed ? { ...moved, targetPort: { value: moved.targetPort } } : moved));
  const removed = merged >= 0 ? [merged] : [];
  if (options.httpsPort !== undefined) {
    removed.push(...retargetHttps(service, ctx, { ports, moved: index, merged, newPort, httpsPort: options.httpsPort, field, typed }));
  }
  // Removed last, from the highest index down, so that every patch before names the original positions.
  for (const i of removed.sort((a, b) => b - a)) {
    service.addJsonPatch(JsonPatch.remove(`/spec/ports/${i}`));
  }
}

/** Whether a Service port leads to a container port, given by number and name. */
function reaches(p: ServicePortJson, port: number, name: string): boolean {
  const target = p.targetPort ?? p.port;
  return target === port || target === name;
}

/**
 * Moves the Service's port `httpsPort` to the sidecar's HTTPS port, or adds one; returns the index of
 * a port that reached the HTTPS port already and is merged into it (to be removed), if any.
 */
function retargetHttps(service: ApiObject, ctx: RetargetContext, s: {
  ports: ServicePortJson[]; moved: number; merged: number; newPort: number; httpsPort: number; field: string; typed: boolean;
}): number[] {
  const field = `${s.field} httpsPort`;
  const httpsPort = checkPort(field, s.httpsPort);
  if (!ctx.https) {
    throw invalid(field, httpsPort, 'needs the sidecar\'s tls option: nginx serves no HTTPS');
  }
  if (httpsPort === s.newPort) {
    throw invalid(field, httpsPort, 'is also the Service port that reaches nginx\'s plain HTTP port');
  }
  const index = s.ports.findIndex((p) => p.port === httpsPort);
  if (index >= 0 && index === s.merged) {
    throw invalid(field, httpsPort, 'is a port that reaches nginx\'s plain HTTP port already; choose another httpsPort');
  }
  if (index === s.moved) {
    throw invalid(field, httpsPort, 'is the port moved to nginx\'s plain HTTP port; choose another fromPort or httpsPort');
  }
  const https = ctx.https;
  const merged = s.ports.findIndex((p, i) => i !== index && i !== s.moved && i !== s.merged && (p.protocol ?? 'TCP') === 'TCP'
    && reaches(p, https.port, https.name) && (p.name === https.name || p.port === httpsPort));
  s.ports.forEach((p, i) => {
    if (i !== index && i !== s.moved && i !== merged && p.name === ctx.https!.name) {
      throw invalid(`${field} name`, ctx.https!.name, 'is already the name of another port of the Service');
    }
  });
  const old = index >= 0 ? s.ports[index] : undefined;
  if (old && (old.protocol ?? 'TCP') !== 'TCP') {
    throw invalid(field, httpsPort, `is a ${old.protocol} port; nginx serves HTTPS over TCP`);
  }
  const nodePort = old?.nodePort ?? (merged >= 0 ? s.ports[merged].nodePort : undefined);
  const port: ServicePortJson = {
    name: ctx.https.name,
    port: httpsPort,
    targetPort: ctx.numericTarget ? ctx.https.port : ctx.https.name,
    ...(old?.protocol ? { protocol: old.protocol } : {}),
    ...(old?.appProtocol ? { appProtocol: 'https' } : {}),
    ...(nodePort !== undefined ? { nodePort } : {}),
  };
  const value = s.typed ? { ...port, targetPort: { value: port.targetPort } } : port;
  if (old) {
    service.addJsonPatch(JsonPatch.replace(`/spec/ports/${index}`, value));
    return merged >= 0 ? [merged] : [];
  }
  if (merged >= 0) {
    // No port of that number: the one that reached the HTTPS port already takes it.
    service.addJsonPatch(JsonPatch.replace(`/spec/ports/${merged}`, value));
    return [];
  }
  service.addJsonPatch(JsonPatch.add('/spec/ports/-', value));
  return [];
}

/**
 * Checked at synthesis, when selectors are final: a retargeted Service that selects pods must select
 * the host's, in its namespace, and no other pods without the sidecar's named port (a stable/canary
 * pair sharing a label): those would silently drop out of its endpoints. A Service without a
 * selector (endpoints managed elsewhere) is left alone.
 */
export function retargetSelectorErrors(service: ApiObject, host: ISidecarHost, root: IConstruct, sidecarPortName: string): string[] {
  const field = `retargetService(${service.kind} "${service.name}")`;
  const namespace = service.metadata.namespace;
  const hostNamespace = host.apiObject.metadata.namespace;
  if (namespace && hostNamespace && namespace !== hostNamespace) {
    return [invalid(`${field} namespace`, namespace, `is not the namespace of ${host.description} ("${hostNamespace}")`).message];
  }
  const selector: Record<string, string> = service.toJson()?.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) {
    return [];
  }
  const template = podTemplateJson(host.apiObject.kind, host.apiObject.toJson());
  const labels: Record<string, string> = template?.metadata?.labels ?? {};
  const selects = (l: Record<string, string>) => Object.entries(selector).every(([k, v]) => l[k] === v);
  if (selects(labels)) {
    const without = scanOf(root).pods().filter((p) => p.object !== host.apiObject && sameNamespace(p.namespace, namespace)
      && selects(p.labels) && !p.declared.has(sidecarPortName));
    return without.length === 0 ? [] : [`${field} selector ${JSON.stringify(selector)} also selects the pods of `
      + `${without.map((p) => `${p.object.kind} "${p.object.name}" (${p.object.node.path})`).join(', ')}, which declare no port `
      + `"${sidecarPortName}": they would drop out of the Service's endpoints. Attach a sidecar to them too, or narrow the selector`];
  }
  return [`${field} selector ${JSON.stringify(selector)} does not select the pods of ${host.description} `
    + `(their labels: ${JSON.stringify(labels)})`];
}
