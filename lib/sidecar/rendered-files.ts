import { DirectiveModel, NginxConfModel, RouteModel } from '../nginx/model';
import { renderNginxConf } from '../nginx/render';
import { StaticData } from './content-volumes';
import { DirectiveContext } from './directive';
import { CONFIG_FILES, LAYOUT, TLS_FILES } from './layout';
import { ResolvedProps } from './resolved-props';

/** Everything the sidecar writes into its ConfigMaps. */
export interface SidecarFiles {
  /** The config ConfigMap's data: nginx.conf and the error page, by file name. */
  readonly config: Record<string, string>;
  /**
   * The config ConfigMap's binaryData: the error page when it holds characters YAML readers
   * outside JavaScript read differently (CR, U+2028, ...), base64.
   */
  readonly configBinary: Record<string, string>;
  /** The static ConfigMap's data. */
  readonly content: StaticData;
}

/** What nginx.conf is rendered from. */
export interface ConfSources {
  readonly props: ResolvedProps;
  readonly routes: RouteModel[];
  readonly directives: Record<DirectiveContext, DirectiveModel[]>;
  /** The app's port, when a route proxies to it. */
  readonly upstreamPort?: number;
}

/** The renderer's model for the sidecar's options, routes and extra directives. */
export function nginxConfModel(s: ConfSources): NginxConfModel {
  const p = s.props;
  return {
    listenPort: p.port,
    ipv6: p.ipv6,
    workerProcesses: Math.max(1, Math.ceil(p.cpuLimitMillicores / 1000)),
    workerConnections: p.workerConnections,
    workerRlimitNofile: 2 * p.workerConnections,
    layout: { varDir: LAYOUT.varDir, errorPage: `${LAYOUT.confDir}/${CONFIG_FILES.errorPage}`, mimeTypes: LAYOUT.mimeTypes },
    upstreamPort: s.upstreamPort,
    upstreamKeepalive: p.upstreamKeepalive,
    clientMaxBodySizeKib: p.clientMaxBodySizeKib,
    gzip: p.gzip,
    cache: s.routes.some((r) => r.kind === 'proxy' && r.cache) ? p.cache : undefined,
    headers: p.headers,
    accessLog: p.accessLog,
    trustForwardedProto: p.trustForwardedProto,
    trustedProxies: p.clientAddress?.trustedProxies,
    proxyProtocolPort: p.proxyProtocol?.port,
    clientTimeouts: p.clientTimeouts,
    limits: p.clientLimits,
    access: p.access,
    routes: s.routes,
    httpDirectives: s.directives.http,
    serverDirectives: s.directives.server,
    statusPort: p.metrics?.statusPort,
    tls: p.tls && {
      listenPort: p.tls.port,
      certificate: `${LAYOUT.tlsDir}/${TLS_FILES.certificate}`,
      key: `${LAYOUT.tlsDir}/${TLS_FILES.key}`,
      redirectPort: p.tls.redirectPort,
      hstsMaxAgeSeconds: p.tls.hstsMaxAgeSeconds,
      http2MaxConcurrentStreams: p.tls.http2MaxConcurrentStreams,
    },
  };
}

/** nginx.conf as written: the user's own, or rendered from the model. */
export function nginxConfText(s: ConfSources, customConf: string | undefined): string {
  return customConf ?? renderNginxConf(nginxConfModel(s));
}

/**
 * The sidecar's files, rendered at most once per state: the ConfigMaps, the checksum and the
 * checks at synthesis all read the same render. Any change (a route, a directive) drops it.
 */
export class RenderedFiles {
  private cached?: SidecarFiles;

  constructor(private readonly produce: () => SidecarFiles) {}

  public get(): SidecarFiles {
    this.cached ??= this.produce();
    return this.cached;
  }

  /** Forgets the render: the next read renders again. */
  public invalidate(): void {
    this.cached = undefined;
  }
}
