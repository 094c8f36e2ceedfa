/**
 * The construct, its hosts, routes and options: `import { ReverseProxySidecar } from 'cdk8s-reverse-proxy-sidecar'`.
 * Named export by export: nothing internal leaks through `export *`.
 * @module cdk8s-reverse-proxy-sidecar
 */
export { ConfigError } from './errors';
export {
  HardenedContainerSpec, HelperContainerSpec, HostPort, ISidecarHost, NativeSidecarSupport, SidecarConfigMapSource,
  SidecarContainerPort, SidecarContainerSpec, SidecarKeyToPath, SidecarMount, SidecarProbe, SidecarSecretSource, SidecarVolume,
} from './host/host';
export { ISidecarResource, SidecarIngressSpec, SidecarServicePort, SidecarServiceSpec } from './host/exposure';
export { IPlusContainer, IPlusDuration, IPlusPodMetadata, IPlusWorkload, PlusContainerPort, PlusContainerProps, PlusMountOptions, PlusVolume } from './host/plus-workload';
export { SidecarHost } from './host/sidecar-host';
export { ClientAddressOptions } from './sidecar/access/client-address';
export { ClientLimitsOptions } from './sidecar/access/client-limits';
export { ClientTimeoutsOptions } from './sidecar/access/client-timeouts';
export { CorsOptions } from './sidecar/access/cors';
export { ExternalAuthOptions } from './sidecar/access/external-auth';
export { AccessOptions, BasicAuthOptions } from './sidecar/access/route-access';
export { Directive, DirectiveContext } from './sidecar/directive';
export { ExposeViaIngressOptions, ExposeViaServiceOptions } from './sidecar/exposure/expose-options';
export { MetricsOptions } from './sidecar/metrics/metrics-options';
export { Ipv6Mode } from './sidecar/network/ipv6';
export { ReverseProxySidecar } from './sidecar/reverse-proxy-sidecar';
export { FileRouteOptions } from './sidecar/routes/file-route';
export { ProxyRouteOptions, RouteCacheOptions } from './sidecar/routes/proxy-route';
export { Route } from './sidecar/routes/route';
export { RouteBaseOptions } from './sidecar/routes/route-options';
export { RouteKind } from './sidecar/routes/route-spec';
export { StaticFilesOptions } from './sidecar/routes/static-files-route';
export { RetargetServiceOptions } from './sidecar/service-retarget';
export { TlsOptions } from './sidecar/tls/tls-options';
export { AccessLogFormat, CacheOptions, GzipOptions, ReverseProxySidecarProps, SidecarResources } from './sidecar/sidecar-props';
