import { IConstruct } from 'constructs';
import { invalid } from '../../errors';
import { SidecarIngressSpec, SidecarServicePort, SidecarServiceSpec } from '../../host/exposure';
import { checkAnnotations, checkDnsSubdomain, checkLabels, checkServiceName } from '../../k8s/metadata-values';
import { checkPort } from '../../nginx/tokens';
import { checkString, optionsObject } from '../prop-values';
import { ExposeViaIngressOptions, ExposeViaServiceOptions } from './expose-options';

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'];
const PATH_TYPES = ['Prefix', 'Exact', 'ImplementationSpecific'];
/** An Ingress path: `/`, then the characters of an RFC 3986 path. */
const INGRESS_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** The sidecar's ports a Service can reach. */
export interface SidecarPorts {
  readonly port: number;
  readonly portName: string;
  /** With `tls`. */
  readonly https?: { readonly port: number; readonly name: string };
}

/** Checks the options of `exposeViaService` and makes the Service's spec; every error names `field` and the value. */
export function serviceSpecOf(field: string, given: ExposeViaServiceOptions | undefined, sidecar: SidecarPorts): SidecarServiceSpec {
  const o: ExposeViaServiceOptions = optionsObject(field, given);
  const type = o.serviceType === undefined ? 'ClusterIP' : checkString(`${field} serviceType`, o.serviceType);
  if (!SERVICE_TYPES.includes(type)) {
    throw invalid(`${field} serviceType`, type, `must be one of ${SERVICE_TYPES.join(', ')}: the Service must select the pods`);
  }
  const nodePort = (name: 'nodePort' | 'httpsNodePort'): number | undefined => {
    if (o[name] === undefined) {
      return undefined;
    }
    if (type === 'ClusterIP') {
      throw invalid(`${field} ${name}`, o[name], 'needs serviceType NodePort or LoadBalancer');
    }
    return checkPort(`${field} ${name}`, o[name]!);
  };
  const ports: SidecarServicePort[] = [{
    port: checkPort(`${field} port`, o.port ?? 80), targetPort: sidecar.port, name: sidecar.portName, nodePort: nodePort('nodePort'),
  }];
  if (sidecar.https) {
    const httpsPort = checkPort(`${field} httpsPort`, o.httpsPort ?? 443);
    if (httpsPort === ports[0].port) {
      throw invalid(`${field} httpsPort`, httpsPort, 'is also the port that reaches nginx\'s plain HTTP port');
    }
    ports.push({ port: httpsPort, targetPort: sidecar.https.port, name: sidecar.https.name, nodePort: nodePort('httpsNodePort') });
  } else {
    for (const name of ['httpsPort', 'httpsNodePort'] as const) {
      if (o[name] !== undefined) {
        throw invalid(`${field} ${name}`, o[name], 'needs the sidecar\'s tls option: nginx serves no HTTPS');
      }
    }
  }
  if (ports.length > 1 && ports[0].nodePort !== undefined && ports[0].nodePort === ports[1].nodePort) {
    throw invalid(`${field} httpsNodePort`, ports[1].nodePort, 'is also the node port of port');
  }
  return {
    name: o.name === undefined ? undefined : checkServiceName(`${field} name`, o.name),
    type,
    ports,
    labels: checkLabels(`${field} labels`, o.labels),
    annotations: checkAnnotations(`${field} annotations`, o.annotations),
  };
}

/** Checks the Ingress options of `exposeViaIngress` (the Service's are `serviceSpecOf`'s) and makes the Ingress' spec. */
export function ingressSpecOf(field: string, path: unknown, given: ExposeViaIngressOptions | undefined, service: SidecarServiceSpec): SidecarIngressSpec {
  const o: ExposeViaIngressOptions = optionsObject(field, given);
  if (typeof path !== 'string' || !INGRESS_PATH.test(path)) {
    throw invalid(`${field} path`, path, 'must start with "/" and hold only the characters of a URL path');
  }
  const pathType = o.pathType === undefined ? 'Prefix' : checkString(`${field} pathType`, o.pathType);
  if (!PATH_TYPES.includes(pathType)) {
    throw invalid(`${field} pathType`, pathType, `must be one of ${PATH_TYPES.join(', ')}`);
  }
  return {
    name: service.name,
    path,
    pathType,
    // The Ingress controller terminates TLS itself and speaks plain HTTP to nginx.
    servicePort: service.ports[0].port,
    className: o.ingressClassName === undefined ? undefined : checkDnsSubdomain(`${field} ingressClassName`, o.ingressClassName),
    labels: service.labels,
    annotations: service.annotations,
  };
}

/** `service`, `service-2`, ... (or `service-<name>`): a construct id under `scope` for each call. */
export function exposureId(scope: IConstruct, kind: string, name: string | undefined): string {
  const base = name === undefined ? kind : `${kind}-${name}`;
  let id = base;
  for (let n = 2; scope.node.tryFindChild(id); n++) {
    id = `${base}-${n}`;
  }
  return id;
}
