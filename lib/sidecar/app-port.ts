import { invalid } from '../errors';
import { ISidecarHost } from '../host/host';

/** How the app is kept up while nginx drains. */
export interface DrainPolicy {
  /** Give the app's containers a preStop sleep. */
  readonly keepApp: boolean;
  /** nginx's drain delay, in seconds. */
  readonly drainSeconds: number;
}

/**
 * The app's port on 127.0.0.1 that proxy routes forward to: the one configured, or the only port the
 * host's other containers declare, found when the first proxy route is added. Once it is known, the
 * containers declaring it sleep in preStop while nginx drains, so requests nginx still takes are not
 * answered with errors (Kubernetes stops every container of a pod at once).
 */
export class AppPort {
  private _port?: number;
  private used = false;

  constructor(
    private readonly host: ISidecarHost,
    /** The sidecar's own containers (nginx, the metrics exporter): never the app. */
    private readonly sidecarContainers: string[],
    configured: number | undefined,
    private readonly drain: DrainPolicy,
  ) {
    this._port = configured;
  }

  /** The port, once configured or found. */
  public get port(): number | undefined {
    return this._port;
  }

  /** Whether a route proxies to the app. */
  public get inUse(): boolean {
    return this.used;
  }

  /** The names the app's containers give the port (a Service may target it by name). */
  public names(): string[] {
    return this.host.containerPorts().filter((p) => p.port === this._port && p.name).map((p) => p.name!);
  }

  /** A route proxies to the app: finds the port if needed (an error naming `field` if it cannot), and keeps the app during the drain. */
  public use(field: string): void {
    if (this._port === undefined) {
      // The app's containers only: the app's own native sidecars (log shippers, agents) are not the app.
      const ports = this.host.containerPorts().filter((p) => !this.sidecarContainers.includes(p.container) && !p.nativeSidecar);
      const distinct = [...new Set(ports.map((p) => p.port))];
      if (distinct.length !== 1) {
        throw invalid('appPort', undefined, `must be set for ${field}: ${this.host.description} declares `
          + `${distinct.length === 0 ? 'no container ports' : `ports ${distinct.join(', ')}`}, so the app's port is not known`);
      }
      this._port = distinct[0];
    }
    if (!this.used && this.drain.keepApp) {
      const hold = ['sleep', String(this.drain.drainSeconds + 1)];
      const app = this.host.containerPorts().filter((p) => p.port === this._port && !this.sidecarContainers.includes(p.container) && !p.nativeSidecar);
      new Set(app.map((p) => p.container)).forEach((c) => this.host.delayContainerStop(c, hold));
    }
    this.used = true;
  }
}
