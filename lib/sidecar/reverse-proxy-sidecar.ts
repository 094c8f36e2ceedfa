import { createHash } from 'crypto';
import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DirectiveModel, HeaderModel, RouteModel, SIDECAR_ENDPOINTS } from '../nginx/model';
import { renderNginxConf } from '../nginx/render';
import { ConfigError, invalid } from '../nginx/tokens';
import { Directive, DirectiveContext } from './directive';
import { DEFAULT_ERROR_PAGE } from './error-page';
import { ISidecarHost } from './host';
import { Route, RouteKind } from './route';
import { RetargetServiceOptions, retargetSelectorErrors, retargetService } from './service-retarget';
import { ResolvedOptions, resolveOptions } from './sidecar-options';
import { ReverseProxySidecarProps } from './sidecar-props';
import { CONFIG_MAP_MAX_BYTES, StaticContent, readDirectory, readFile } from './static-content';

/** The pod-template annotation that changes whenever anything rendered changes. */
export const CHECKSUM_ANNOTATION = 'reverse-proxy-sidecar.cdk8s.io/config-checksum';

/** Where things live in the nginx container. */
export const LAYOUT = {
  /** The writable emptyDir: pid file, temp paths and cache. */
  varDir: '/var/cache/nginx',
  /** The nginx.conf ConfigMap (with the error page). */
  confDir: '/etc/nginx/sidecar',
  /** Each static route's ConfigMap volume is mounted at `<staticDir>/<n>`. */
  staticDir: '/usr/share/nginx/html',
  mimeTypes: '/etc/nginx/mime.types',
} as const;

const ATTACHED = 'reverse-proxy-sidecar:attached';

/**
 * An NGINX reverse-proxy sidecar in the pods of a workload: the container (non-root, read-only
 * root, probes, graceful stop), an emptyDir for its writable paths and cache, and ConfigMaps for
 * nginx.conf and static files. nginx.conf is rendered at synthesis from the routes; a checksum of
 * everything rendered goes on the pod template so that any change rolls the pods.
 */
export class ReverseProxySidecar extends Construct {
  /** The port nginx listens on. */
  public readonly port: number;
  /** The name of that container port. */
  public readonly portName: string;
  /** The name of the nginx container. */
  public readonly containerName: string;
  /** The ConfigMap holding nginx.conf and the error page. */
  public readonly configMap: ApiObject;

  private readonly host: ISidecarHost;
  private readonly options: ResolvedOptions;
  private readonly customConf?: string;
  private readonly errorPage: string;
  private readonly routes: Route[] = [];
  private readonly routeModels: RouteModel[] = [];
  private readonly content = new StaticContent();
  private readonly directives: Record<DirectiveContext, DirectiveModel[]> = { http: [], server: [] };
  private appPort?: number;
  private appKept = false;
  private contentRoutes = 0;
  private _staticConfigMap?: ApiObject;

  constructor(scope: Construct, id: string, props: ReverseProxySidecarProps) {
    super(scope, id);
    if (!props || !props.host) {
      throw invalid('host', props?.host, 'is required: use SidecarHost.fromWorkload(...) or SidecarHost.fromApiObject(...)');
    }
    this.host = props.host;
    this.options = resolveOptions(props);
    this.port = this.options.port;
    this.portName = this.options.portName;
    this.containerName = this.options.containerName;
    this.appPort = this.options.appPort;
    if (props.nginxConf !== undefined && props.nginxConf.trim() === '') {
      throw invalid('nginxConf', props.nginxConf, 'is empty');
    }
    this.customConf = props.nginxConf;
    this.errorPage = props.errorPage ? readFile('errorPage', props.errorPage).bytes.toString('utf8') : DEFAULT_ERROR_PAGE;

    this.checkHost();
    const namespace = this.host.apiObject.metadata.namespace;
    this.configMap = new ApiObject(this, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace },
      data: Lazy.any({ produce: () => this.configData() }),
    });
    this.attach();
    this.node.addValidation({ validate: () => this.validateAtSynth() });
    for (const route of props.routes ?? []) {
      this.addRoute(route);
    }
  }

  /** Adds a route. Files of static and file routes are read now; nginx.conf is rendered at synthesis. */
  public addRoute(route: Route): void {
    const field = `routes[${this.routes.length}] ${route}`;
    const key = `${route.exact ? '=' : ''}${route.path}`;
    const clash = this.routes.find((r) => `${r.exact ? '=' : ''}${r.path}` === key);
    if (clash) {
      throw invalid(`${field} path`, route.path, `is already served by ${clash}`);
    }
    const o = route._options;
    const common = { path: route.path, headers: this.routeHeaders(route), directives: (o.directives ?? []).map((d) => d._toModel()) };
    switch (route.kind) {
      case RouteKind.PROXY:
        this.resolveAppPort(field);
        this.keepAppDuringDrain();
        this.routeModels.push({
          kind: 'proxy',
          ...common,
          stripPrefix: o.stripPrefix ?? false,
          connectTimeoutMs: o.connectTimeout?.toMilliseconds() ?? 5000,
          readTimeoutMs: o.readTimeout?.toMilliseconds() ?? 60000,
          sendTimeoutMs: o.sendTimeout?.toMilliseconds() ?? 60000,
          interceptErrors: o.interceptErrors ?? false,
          cache: o.cache ? {
            validMs: o.cache.validFor?.toMilliseconds() ?? 600000,
            ignoreUpstreamCacheHeaders: o.cache.ignoreUpstreamCacheHeaders ?? false,
          } : undefined,
        });
        break;
      case RouteKind.STATIC_FILES: {
        const files = readDirectory(`${field} directory`, o.directory!);
        if (o.spaFallback && !files.some((f) => f.relPath === (o.index ?? 'index.html'))) {
          throw invalid(`${field} index`, o.index ?? 'index.html', `is not a file at the top of directory ${JSON.stringify(o.directory)}; `
            + 'spaFallback would answer unknown paths with a redirect loop (500)');
        }
        const prefix = route.path.slice(1);
        const root = this.addContentVolume(field, files.map((f) => ({ ...f, relPath: `${prefix}${f.relPath}` })));
        this.routeModels.push({ kind: 'static', ...common, root, index: o.index ?? 'index.html', spaFallback: o.spaFallback ?? false });
        break;
      }
      case RouteKind.FILE: {
        const file = readFile(`${field} path`, o.path!);
        const root = this.addContentVolume(field, [{ ...file, relPath: route.path.slice(1) }]);
        this.routeModels.push({ kind: 'file', ...common, root });
        break;
      }
    }
    this.routes.push(route);
  }

  /** Adds a directive at the http or server level of nginx.conf. */
  public addDirective(context: DirectiveContext, directive: Directive): void {
    if (!Object.values(DirectiveContext).includes(context)) {
      throw invalid('addDirective context', context, 'must be DirectiveContext.HTTP or DirectiveContext.SERVER');
    }
    if (directive.name === 'add_header' || directive.name === 'proxy_set_header') {
      // Every location sets its own, and nginx then ignores the outer level's: it would do nothing.
      throw invalid(`addDirective(${context})`, directive.name, 'would be ignored in every location; use '
        + (directive.name === 'add_header' ? 'responseHeaders or a route\'s headers' : 'a route\'s directives'));
    }
    this.directives[context].push(directive._toModel());
  }

  /**
   * Points a Service (cdk8s-plus, or a raw object from `Include`) at the sidecar: the chosen port
   * gets the sidecar's port number and name, and targets the sidecar's named port.
   */
  public retargetService(service: IConstruct, options: RetargetServiceOptions = {}): void {
    const target = ApiObject.of(service);
    retargetService(target, {
      appPort: this.appPort,
      appPortNames: this.host.containerPorts().filter((p) => p.port === this.appPort && p.name).map((p) => p.name!),
      sidecarPort: this.port,
      sidecarPortName: this.portName,
    }, options);
    // Selectors can still change (e.g. kplus Service.select), so this is checked at synthesis.
    this.node.addValidation({ validate: () => retargetSelectorErrors(target, this.host) });
  }

  /** The ConfigMap with the files of the static and file routes; created with the first such route. */
  public get staticConfigMap(): ApiObject | undefined {
    return this._staticConfigMap;
  }

  /** The routes, in the order they were added. */
  public get routeList(): Route[] {
    return [...this.routes];
  }

  /** nginx.conf as it will be written: your own `nginxConf`, or rendered from the routes. */
  public renderNginxConf(): string {
    if (this.customConf !== undefined) {
      return this.customConf;
    }
    return renderNginxConf({
      listenPort: this.port,
      workerProcesses: Math.max(1, Math.ceil(this.options.cpuLimitMillis / 1000)),
      workerConnections: this.options.workerConnections,
      layout: { varDir: LAYOUT.varDir, errorPage: `${LAYOUT.confDir}/50x.html`, mimeTypes: LAYOUT.mimeTypes },
      upstreamPort: this.routeModels.some((r) => r.kind === 'proxy') ? this.appPort : undefined,
      upstreamKeepalive: this.options.upstreamKeepalive,
      clientMaxBodySizeKib: this.options.clientMaxBodySizeKib,
      gzip: this.options.gzip,
      cache: this.routeModels.some((r) => r.kind === 'proxy' && r.cache) ? this.options.cache : undefined,
      headers: this.options.headers,
      accessLog: this.options.accessLog,
      trustForwardedProto: this.options.trustForwardedProto,
      routes: this.routeModels,
      httpDirectives: this.directives.http,
      serverDirectives: this.directives.server,
    });
  }

  /** The config ConfigMap's data: nginx.conf and the error page, by file name. */
  private configData(): Record<string, string> {
    return { 'nginx.conf': this.renderNginxConf(), '50x.html': this.errorPage };
  }

  /** SHA-256 of everything rendered into the ConfigMaps: nginx.conf, the error page and the static files. */
  public get checksum(): string {
    const hash = createHash('sha256');
    const { data, binaryData } = this.content.toConfigMap();
    const parts: Array<[string, string]> = [
      ...Object.entries(this.configData()).map(([k, v]) => [`conf:${k}`, v] as [string, string]),
      ...Object.entries(data).map(([k, v]) => [`data:${k}`, v] as [string, string]),
      ...Object.entries(binaryData).map(([k, v]) => [`binary:${k}`, v] as [string, string]),
    ];
    for (const [k, v] of parts) {
      // Length-prefixed, so no two different inputs give the same byte stream.
      hash.update(`${k.length}:${k}${Buffer.byteLength(v)}:`).update(v);
    }
    return hash.digest('hex');
  }

  private checkHost(): void {
    const target = this.host.apiObject;
    const existing = target.node.metadata.find((m) => m.type === ATTACHED);
    if (existing) {
      throw new ConfigError(`host ${this.host.description} already has a ReverseProxySidecar (${existing.data}); attach one per workload`);
    }
    if (this.host.containerNames().includes(this.containerName)) {
      throw invalid('containerName', this.containerName, `is already a container of ${this.host.description}`);
    }
    const conflicts = this.portConflicts();
    if (conflicts.length > 0) {
      throw new ConfigError(conflicts[0]);
    }
    const grace = this.host.terminationGracePeriodSeconds();
    if (this.options.drainSeconds + 5 > grace) {
      throw invalid('drainDelay', `${this.options.drainSeconds}s`, `leaves less than 5s of ${this.host.description}'s `
        + `terminationGracePeriodSeconds (${grace}) for the requests in flight; shorten it or raise the grace period`);
    }
    for (const v of this.host.volumeNames()) {
      if (v.startsWith(`${this.containerName}-`)) {
        throw invalid('containerName', this.containerName,
          `prefixes the sidecar's volume names, and ${this.host.description} already has a volume "${v}"`);
      }
    }
    // Marked only once every check passed, so a caught error leaves the host free.
    target.node.addMetadata(ATTACHED, this.node.path);
  }

  /** The sidecar's port number or name, where another container of the host already uses it. */
  private portConflicts(): string[] {
    const errors: string[] = [];
    for (const p of this.host.containerPorts().filter((x) => x.container !== this.containerName)) {
      if (p.port === this.port) {
        errors.push(invalid('port', this.port, `is already used by container "${p.container}" of ${this.host.description}`).message);
      }
      if (p.name === this.portName) {
        errors.push(invalid('portName', this.portName, `is already used by container "${p.container}" of ${this.host.description}`).message);
      }
    }
    return errors;
  }

  private attach(): void {
    const o = this.options;
    const conf = `${LAYOUT.confDir}/nginx.conf`;
    const pid = `${LAYOUT.varDir}/nginx.pid`;
    const nginx = ['nginx', '-c', conf, '-e', 'stderr'];
    this.host.addSidecar({
      name: o.containerName,
      image: o.image,
      command: nginx,
      port: o.port,
      portName: o.portName,
      env: o.env,
      cpuRequestMillis: o.cpuRequestMillis,
      cpuLimitMillis: o.cpuLimitMillis,
      memoryRequestMib: o.memoryRequestMib,
      memoryLimitMib: o.memoryLimitMib,
      uid: 101,
      gid: 101,
      probePath: SIDECAR_ENDPOINTS.health,
      // Keep serving while endpoints drop the pod, then quit gracefully (SIGQUIT via the same -c)
      // and wait for the workers to finish their requests.
      // If the mounted config no longer parses, -s quit fails: signal the master from its pid file.
      preStop: ['/bin/sh', '-c', `sleep ${o.drainSeconds}; ${nginx.join(' ')} -s quit `
        + `|| kill -QUIT "$(cat ${pid})"; while [ -e ${pid} ]; do sleep 1; done`],
    });
    this.host.addSidecarVolume(this, { name: `${o.containerName}-cache`, emptyDirSizeMib: o.volumeSizeLimitMib },
      { volume: `${o.containerName}-cache`, path: LAYOUT.varDir, readOnly: false });
    this.host.addSidecarVolume(this, { name: `${o.containerName}-config`, configMap: { name: this.configMap.name } },
      { volume: `${o.containerName}-config`, path: LAYOUT.confDir, readOnly: true });
    this.host.annotatePodTemplate(CHECKSUM_ANNOTATION, { produce: () => this.checksum });
  }

  /** Mounts a new volume of the static ConfigMap holding `files`; returns the directory to serve from. */
  private addContentVolume(field: string, files: Array<{ relPath: string; source: string; bytes: Buffer }>): string {
    const n = this.contentRoutes + 1;
    const keyPrefix = `${n}-`;
    this.content.addAll(field, files.map((f) => ({ itemPath: `${keyPrefix}${f.relPath}`, source: f.source, bytes: f.bytes })));
    this.contentRoutes = n;
    const name = `${this.containerName}-static-${n}`;
    const dir = `${LAYOUT.staticDir}/${n}`;
    this.host.addSidecarVolume(this, {
      name,
      configMap: {
        name: this.staticConfigMapOrNew().name,
        items: files.map((f) => ({ key: StaticContent.keyOf(`${keyPrefix}${f.relPath}`), path: f.relPath })),
      },
    }, { volume: name, path: dir, readOnly: true });
    return dir;
  }

  /**
   * A route's headers. Files from ConfigMaps change with a deploy under the same URL, so unless a
   * Cache-Control is set, browsers are told to revalidate (cheap: nginx answers 304 by ETag).
   */
  private routeHeaders(route: Route): HeaderModel[] {
    const all = [...this.options.headers, ...route._headers];
    const ownCaching = all.some((h) => h.name.toLowerCase() === 'cache-control')
      || (route._options.directives ?? []).some((d) => d.name === 'expires' || d.name === 'add_header');
    if (route.kind === RouteKind.PROXY || ownCaching) {
      return route._headers;
    }
    return [...route._headers, { name: 'Cache-Control', value: 'no-cache' }];
  }

  private staticConfigMapOrNew(): ApiObject {
    this._staticConfigMap ??= new ApiObject(this, 'static', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: this.host.apiObject.metadata.namespace },
      data: Lazy.any({ produce: () => omitEmpty(this.content.toConfigMap().data) }),
      binaryData: Lazy.any({ produce: () => omitEmpty(this.content.toConfigMap().binaryData) }),
    });
    return this._staticConfigMap;
  }

  private resolveAppPort(field: string): void {
    if (this.appPort !== undefined) {
      return;
    }
    const ports = this.host.containerPorts().filter((p) => p.container !== this.containerName);
    const distinct = [...new Set(ports.map((p) => p.port))];
    if (distinct.length !== 1) {
      throw invalid('appPort', undefined, `must be set for ${field}: ${this.host.description} declares `
        + `${distinct.length === 0 ? 'no container ports' : `ports ${distinct.join(', ')}`}, so the app's port is not known`);
    }
    this.appPort = distinct[0];
  }

  /**
   * Once the app's port is known: the containers declaring it sleep in preStop while nginx drains,
   * so requests nginx still takes are not answered with errors.
   */
  private keepAppDuringDrain(): void {
    if (this.appKept || !this.options.keepAppDuringDrain) {
      return;
    }
    this.appKept = true;
    const hold = ['sleep', String(this.options.drainSeconds + 1)];
    const app = this.host.containerPorts().filter((p) => p.port === this.appPort && p.container !== this.containerName);
    new Set(app.map((p) => p.container)).forEach((c) => this.host.delayContainerStop(c, hold));
  }

  /** Rules that containers or files added after construction can break; they surface at synthesis. */
  private validateAtSynth(): string[] {
    const errors = this.portConflicts();
    if (this.host.containerNames().filter((n) => n === this.containerName).length > 1) {
      errors.push(invalid('containerName', this.containerName, `is also the name of a container added to ${this.host.description} later`).message);
    }
    if (this.appPort === this.port) {
      errors.push(invalid('appPort', this.appPort, 'is the sidecar\'s own port').message);
    }
    const confBytes = Object.entries(this.configData())
      .reduce((sum, [key, value]) => sum + key.length + Buffer.byteLength(value), 0);
    if (confBytes > CONFIG_MAP_MAX_BYTES) {
      errors.push(`nginx.conf and the error page take ${confBytes} bytes, over the ConfigMap limit of ${CONFIG_MAP_MAX_BYTES} bytes`);
    }
    return errors;
  }
}

function omitEmpty(record: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(record).length > 0 ? record : undefined;
}
