export * from './nginx/model';
export { renderNginxConf } from './nginx/render';
export { ConfigError } from './nginx/tokens';
export * from './sidecar/directive';
export type {
  HostPort, ISidecarHost, SidecarConfigMapSource, SidecarContainerSpec, SidecarKeyToPath, SidecarMount, SidecarVolume,
} from './sidecar/host';
export * from './sidecar/route';
export * from './sidecar/sidecar-host';
export * from './sidecar/sidecar-props';
export * from './sidecar/service-retarget';
export { ReverseProxySidecar, CHECKSUM_ANNOTATION, LAYOUT } from './sidecar/reverse-proxy-sidecar';
