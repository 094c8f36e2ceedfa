import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../errors';
import { yamlUnsafeCharacter } from '../k8s/yaml-text';
import { ISidecarResource } from '../host/exposure';
import { ISidecarHost } from '../host/host';
import { DirectiveModel, RouteModel } from '../nginx/model';
import { AppPort } from './app-port';
import { forgetScan } from './app-scan';
import { checksumOf } from './checksum';
import { contentNamedConfigMap } from './content-name';
import { ContentVolumes } from './content-volumes';
import { DEFAULT_EXPORTER_IMAGE, DEFAULT_GZIP_TYPES, DEFAULT_IMAGE } from './defaults';
import { Directive, DirectiveContext } from './directive';
import { checkAddedDirective } from './directive-rules';
import { DEFAULT_ERROR_PAGE } from './error-page';
import { ExposeViaIngressOptions, ExposeViaServiceOptions } from './exposure/expose-options';
import { SidecarPorts, exposureId, ingressSpecOf, serviceSpecOf } from './exposure/exposure-specs';
import { claimHost } from './host-checks';
import { CONFIG_FILES } from './layout';
import { checkCustomConf, checkRenderOnlyProps, renderOnlyError } from './custom-conf';
import { readText } from './local-files';
import { addMetricsExporter } from './metrics/metrics';
import { addNginxContainer } from './nginx-container';
import { RenderedFiles, SidecarFiles, nginxConfText } from './rendered-files';
import { ResolvedProps, resolveProps } from './resolved-props';
import { Route } from './routes/route';
import { RouteKind } from './routes/route-spec';
import { RetargetServiceOptions, retargetService } from './service-retarget';
import { synthChecks } from './synth-checks';
import { AuthSecretVolumes } from './access/auth-secrets';
import { checkRouteAccess, checkSidecarAccess } from './access/access-checks';
import { refuseOwnPort } from './routes/route-port';
import { ReverseProxySidecarProps } from './sidecar-props';

/**
 * An NGINX reverse-proxy sidecar in the pods of a workload: the container (non-root, read-only
 * root, probes, graceful stop), an emptyDir for its writable paths and cache, and ConfigMaps for
 * nginx.conf and static files. nginx.conf is rendered at synthesis from the routes; a checksum of
 * everything rendered goes on the pod template so that any change rolls the pods.
 */
export class ReverseProxySidecar extends Construct {
  /** The pod-template annotation that changes whenever anything rendered changes. */
  public static readonly CHECKSUM_ANNOTATION = 'reverse-proxy-sidecar.cdk8s.io/config-checksum';
  /** The default image: the official unprivileged build (uid 101, port 8080), pinned. */
  public static readonly DEFAULT_IMAGE = DEFAULT_IMAGE;
  /** MIME types compressed by default besides text/html (which nginx always compresses); never raster images. */
  public static readonly DEFAULT_GZIP_TYPES = DEFAULT_GZIP_TYPES;
  /** The default metrics exporter image: NGINX's Prometheus exporter, pinned. */
  public static readonly DEFAULT_EXPORTER_IMAGE = DEFAULT_EXPORTER_IMAGE;

  /** The port nginx listens on. */
  public readonly port: number;
  /** The name of that container port. */
  public readonly portName: string;
  /** The port nginx serves HTTPS on, with `tls`. */
  public readonly httpsPort?: number;
  /** The name of that container port, with `tls`. */
  public readonly httpsPortName?: string;
  /** The port whose connections start with a PROXY protocol header, with `clientAddress.proxyProtocolPort`. */
  public readonly proxyProtocolPort?: number;
  /** The name of the nginx container. */
  public readonly containerName: string;
  /** Whether nginx runs as a native sidecar (an init container with `restartPolicy: Always`). */
  public readonly nativeSidecar: boolean;
  /**
   * The port of the `stub_status` listener on 127.0.0.1.
   * @default - none: `metrics` is not set
   */
  public readonly statusPort?: number;
  /**
   * The name of the metrics exporter's container port, for a PodMonitor or a Service.
   * @default - none: `metrics.exporter` is not true
   */
  public readonly metricsPortName?: string;
  /**
   * The ConfigMap holding nginx.conf and the error page: immutable, named by its content (its name
   * resolves at synthesis, e.g. `web-proxy-config-1a2b3c4d5e`).
   */
  public readonly configMap: ApiObject;

  private readonly host: ISidecarHost;
  private readonly props: ResolvedProps;
  private readonly app: AppPort;
  private readonly content: ContentVolumes;
  private readonly authSecrets: AuthSecretVolumes;
  private readonly files: RenderedFiles;
  private readonly customConf?: string;
  private readonly errorPage: string;
  private readonly routes: Route[] = [];
  private readonly retargeted = new Set<ApiObject>();
  private readonly routeModels: RouteModel[] = [];
  private readonly directives: Record<DirectiveContext, DirectiveModel[]> = { http: [], server: [] };
  private checksummed?: { files: SidecarFiles; value: string };

  constructor(scope: Construct, id: string, props: ReverseProxySidecarProps) {
    super(scope, id);
    // 1. Check every prop, and that the sidecar fits the host; nothing is added before this.
    if (!props || !props.host) {
      throw invalid('host', props?.host, 'is required: use SidecarHost.fromWorkload(...) or SidecarHost.fromApiObject(...)');
    }
    this.host = props.host;
    this.props = resolveProps(props);
    this.port = this.props.port;
    this.portName = this.props.portName;
    this.httpsPort = this.props.tls?.port;
    this.httpsPortName = this.props.tls?.portName;
    this.proxyProtocolPort = this.props.proxyProtocol?.port;
    this.containerName = this.props.containerName;
    this.nativeSidecar = this.props.nativeSidecar;
    this.statusPort = this.props.metrics?.statusPort;
    this.metricsPortName = this.props.metrics?.exporter?.portName;
    this.customConf = checkCustomConf(props.nginxConf, this.port, this.props.tls?.port);
    checkRenderOnlyProps(props);
    this.errorPage = props.errorPage === undefined ? DEFAULT_ERROR_PAGE : readText('errorPage', props.errorPage);
    if (props.routes !== undefined && !Array.isArray(props.routes)) {
      throw invalid('routes', props.routes, 'must be a list of Routes');
    }
    claimHost(this.host, this.props, this.node.path);

    // 2. What is rendered at synthesis, once: the files, their ConfigMaps and their checksum.
    this.files = new RenderedFiles(() => this.renderFiles());
    this.configMap = contentNamedConfigMap(this, 'config', this.host.apiObject.metadata.namespace,
      () => ({ data: this.files.get().config, binaryData: this.files.get().configBinary }),
      // Rendered after every validation of a synthesis: the app scan read for it is stale now.
      () => forgetScan(this.node.root));
    this.content = new ContentVolumes(this, this.host, this.containerName, () => this.files.get().content, this.props.gzip);
    const exporter = this.props.metrics?.exporter;
    this.app = new AppPort(this.host, [this.containerName, ...exporter ? [exporter.containerName] : []], this.props.appPort,
      { keepApp: this.props.keepAppDuringDrain, drainSeconds: this.props.drainSeconds });

    // 3. The container with its volumes, and the annotation that rolls the pods.
    addNginxContainer(this, this.host, this.props, this.configMap);
    this.authSecrets = new AuthSecretVolumes(this, this.host, this.containerName);
    this.authSecrets.use(this.props.access);
    checkSidecarAccess(this.props.access, this.props.headers);
    addMetricsExporter(this.host, this.props.metrics, this.nativeSidecar);
    this.host.annotatePodTemplate(ReverseProxySidecar.CHECKSUM_ANNOTATION, { produce: () => this.checksum });

    // 4. The routes; rules a later change can break are checked at synthesis.
    this.node.addValidation(synthChecks({
      root: this.node.root, host: this.host, props: this.props, retargeted: this.retargeted,
      appPort: () => this.app.port, appPortNames: () => this.app.names(), files: () => this.files.get(),
      routes: () => this.routes.map((r, i) => ({ name: `routes[${i}] ${r}`, model: this.routeModels[i] })),
    }));
    for (const route of props.routes ?? []) {
      this.addRoute(route);
    }
  }

  /** Adds a route. Files of static and file routes are read now; nginx.conf is rendered at synthesis. */
  public addRoute(route: Route): void {
    if (typeof (route as Partial<Route> | undefined)?._toModel !== 'function') {
      throw invalid(`routes[${this.routes.length}]`, route, 'is not a Route: make one with Route.proxy, Route.staticFiles or Route.file');
    }
    const field = `routes[${this.routes.length}] ${route}`;
    const renderOnly = this.customConf === undefined ? [] : route._renderOnlyOptions();
    if (renderOnly.length > 0) {
      throw route.kind === RouteKind.PROXY ? renderOnlyError(field, route.path) : renderOnlyError(`${field} options`, renderOnly);
    }
    const key = `${route.exact ? '=' : ''}${route.path}`;
    const clash = this.routes.find((r) => `${r.exact ? '=' : ''}${r.path}` === key);
    if (clash) {
      throw invalid(`${field} path`, route.path, `is already served by ${clash}`);
    }
    const hsts = route._headerNames().find((n) => n.toLowerCase() === 'strict-transport-security');
    if (hsts && this.props.tls?.hstsMaxAgeSeconds !== undefined) {
      // The route's header would go out on plain HTTP too, and beside tls.hsts on HTTPS.
      throw invalid(`${field} headers header name`, hsts, 'is also sent by tls.hsts on HTTPS; nginx would send both: keep one');
    }
    const model = route._toModel({
      field,
      sidecarHeaders: this.props.headers,
      addContent: (files) => this.content.mount(field, files),
      useApp: () => this.app.use(field),
    });
    this.authSecrets.use(model.access);
    checkRouteAccess(field, model, this.props.access, this.props.headers);
    if (model.kind === 'proxy') {
      refuseOwnPort(`${field} port`, model.port, this.props);
    }
    this.routes.push(route);
    this.routeModels.push(model);
    this.files.invalidate();
  }

  /** Adds a directive at the http or server level of nginx.conf. */
  public addDirective(context: DirectiveContext, directive: Directive): void {
    checkAddedDirective(context, directive, { tls: this.props.tls !== undefined, customConf: this.customConf !== undefined });
    this.directives[context].push(directive._toModel());
    this.files.invalidate();
  }

  /**
   * Makes a Service that selects the host's pods and sends `port` (80) to nginx's plain port and,
   * with `tls`, `httpsPort` (443) to its HTTPS port, and returns it: for a cdk8s-plus host a
   * `Service` of the workload's own major (`as kplus.Service` to go on with its API), for a raw host
   * a raw Service object. It works whether nginx is a regular container or a native sidecar, where
   * cdk8s-plus' own `exposeViaService` sees only regular containers' ports.
   */
  public exposeViaService(options?: ExposeViaServiceOptions): ISidecarResource {
    const spec = serviceSpecOf('exposeViaService options', options, this.sidecarPorts());
    return this.host.addService(this, exposureId(this, 'service', spec.name), spec);
  }

  /**
   * Makes a Service as `exposeViaService` does, and an Ingress whose one rule sends `path` to the
   * Service's plain HTTP port (the Ingress controller terminates TLS); returns the Ingress.
   */
  public exposeViaIngress(path: string, options?: ExposeViaIngressOptions): ISidecarResource {
    const field = 'exposeViaIngress options';
    const spec = serviceSpecOf(field, options, this.sidecarPorts());
    const ingress = ingressSpecOf('exposeViaIngress', path, options, spec); // checked before anything is made
    const service = this.host.addService(this, exposureId(this, 'service', spec.name), spec);
    return this.host.addIngress(this, exposureId(this, 'ingress', spec.name), service, ingress);
  }

  /**
   * Points a Service (cdk8s-plus, or a raw object from `Include`) at the sidecar: the chosen port
   * gets the sidecar's port number and name, and targets the sidecar's named port.
   */
  public retargetService(service: IConstruct, options: RetargetServiceOptions = {}): void {
    if (typeof (service as IConstruct | undefined)?.node?.path !== 'string') {
      throw invalid('retargetService service', service, 'is not a Service: pass a cdk8s-plus Service or an ApiObject of kind Service');
    }
    const target = ApiObject.of(service);
    retargetService(target, {
      appPort: this.app.port,
      appPortNames: this.app.names(),
      sidecarPort: this.port,
      sidecarPortName: this.portName,
      https: this.props.tls && { port: this.props.tls.port, name: this.props.tls.portName },
      numericTarget: this.nativeSidecar,
    }, options);
    this.retargeted.add(target);
  }

  /** The ConfigMap with the files of the static and file routes, immutable and named by its content; created with the first such route. */
  public get staticConfigMap(): ApiObject | undefined {
    return this.content.configMap;
  }

  /** The routes, in the order they were added. */
  public get routeList(): Route[] {
    return [...this.routes];
  }

  /** nginx.conf as it will be written: your own `nginxConf`, or rendered from the routes. */
  public renderNginxConf(): string {
    return this.files.get().config[CONFIG_FILES.nginxConf];
  }

  /** SHA-256 of everything rendered into the ConfigMaps: nginx.conf, the error page and the static files. */
  public get checksum(): string {
    // Read at validation and at output: hashed once per render.
    const files = this.files.get();
    if (this.checksummed?.files !== files) {
      this.checksummed = { files, value: checksumOf(files) };
    }
    return this.checksummed.value;
  }

  private sidecarPorts(): SidecarPorts {
    return { port: this.port, portName: this.portName, https: this.props.tls && { port: this.props.tls.port, name: this.props.tls.portName } };
  }

  private renderFiles(): SidecarFiles {
    const conf = nginxConfText({
      props: this.props,
      routes: this.routeModels,
      directives: this.directives,
      upstreamPort: this.app.inUse ? this.app.port : undefined,
    }, this.customConf);
    const pageIsText = yamlUnsafeCharacter(this.errorPage) === undefined;
    return {
      config: { [CONFIG_FILES.nginxConf]: conf, ...(pageIsText ? { [CONFIG_FILES.errorPage]: this.errorPage } : {}) },
      configBinary: pageIsText ? {} : { [CONFIG_FILES.errorPage]: Buffer.from(this.errorPage, 'utf8').toString('base64') },
      content: this.content.toData(),
    };
  }
}
