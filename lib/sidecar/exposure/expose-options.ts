/** Options of `ReverseProxySidecar.exposeViaService`, following cdk8s-plus' own `exposeViaService`. */
export interface ExposeViaServiceOptions {
  /**
   * The Service's `metadata.name` (and the Ingress', with `exposeViaIngress`).
   * @default - cdk8s names it from the construct path
   */
  readonly name?: string;
  /**
   * The Service type: `ClusterIP`, `NodePort` or `LoadBalancer` (a cdk8s-plus `ServiceType` of any
   * major fits, e.g. `kplus.ServiceType.NODE_PORT`).
   * @default 'ClusterIP'
   */
  readonly serviceType?: string;
  /**
   * The Service port that reaches nginx's plain HTTP port (`proxy.port`).
   * @default 80
   */
  readonly port?: number;
  /**
   * The node port of `port`, for a NodePort or LoadBalancer Service.
   * @default - Kubernetes picks one
   */
  readonly nodePort?: number;
  /**
   * With the sidecar's `tls`, the Service port that reaches nginx's HTTPS port (`proxy.httpsPort`).
   * @default 443 with `tls`; refused without
   */
  readonly httpsPort?: number;
  /**
   * The node port of `httpsPort`, for a NodePort or LoadBalancer Service.
   * @default - Kubernetes picks one
   */
  readonly httpsNodePort?: number;
  /**
   * Labels of the Service (and the Ingress).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the Service (and the Ingress).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** Options of `ReverseProxySidecar.exposeViaIngress`: the Service's, and the Ingress rule's. */
export interface ExposeViaIngressOptions extends ExposeViaServiceOptions {
  /**
   * How the Ingress matches the path: `Prefix`, `Exact` or `ImplementationSpecific` (a cdk8s-plus
   * `HttpIngressPathType` of any major fits).
   * @default 'Prefix'
   */
  readonly pathType?: string;
  /**
   * The IngressClass (`spec.ingressClassName`).
   * @default - the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
}
