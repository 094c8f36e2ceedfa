import { ApiObjectMetadataDefinition } from 'cdk8s';
import { IConstruct } from 'constructs';

/** One port of a Service the host makes for the sidecar: a Service port sent to a port of nginx. */
export interface SidecarServicePort {
  /** The Service's port number. */
  readonly port: number;
  /** The nginx container port it reaches. */
  readonly targetPort: number;
  /** The name of that container port, which the Service port takes too. */
  readonly name: string;
  /**
   * The node port, for a NodePort or LoadBalancer Service.
   * @default - Kubernetes picks one
   */
  readonly nodePort?: number;
}

/** A Service that selects the host's pods and sends its ports to nginx, checked by the sidecar. */
export interface SidecarServiceSpec {
  /**
   * The Service's `metadata.name`.
   * @default - cdk8s names it from the construct path
   */
  readonly name?: string;
  /** `ClusterIP`, `NodePort` or `LoadBalancer`. */
  readonly type: string;
  /** The ports, each to a port of nginx. */
  readonly ports: SidecarServicePort[];
  /** Labels of the Service. */
  readonly labels: { [key: string]: string };
  /** Annotations of the Service. */
  readonly annotations: { [key: string]: string };
}

/** An Ingress with one rule to a Service the host made for the sidecar, checked by the sidecar. */
export interface SidecarIngressSpec {
  /**
   * The Ingress's `metadata.name`.
   * @default - cdk8s names it from the construct path
   */
  readonly name?: string;
  /** The HTTP path of the rule. */
  readonly path: string;
  /** `Prefix`, `Exact` or `ImplementationSpecific`. */
  readonly pathType: string;
  /** The Service port the rule sends to (nginx's plain HTTP port behind it). */
  readonly servicePort: number;
  /**
   * The IngressClass.
   * @default - the cluster's default IngressClass
   */
  readonly className?: string;
  /** Labels of the Ingress. */
  readonly labels: { [key: string]: string };
  /** Annotations of the Ingress. */
  readonly annotations: { [key: string]: string };
}

/**
 * A Service or Ingress made for the sidecar: for a cdk8s-plus host, a `Service` or `Ingress` of the
 * workload's own cdk8s-plus major (cast to it to go on with its own API, e.g. `as kplus.Service`);
 * for a raw host, an `ApiObject`. `ApiObject.of(resource)` gives the Kubernetes object of either.
 */
export interface ISidecarResource extends IConstruct {
  /** The object's `metadata.name`. */
  readonly name: string;
  /** The object's metadata, to add labels or annotations. */
  readonly metadata: ApiObjectMetadataDefinition;
}
