import { Duration } from 'cdk8s';
import { invalid } from '../../errors';
import { isDnsSubdomain } from '../../k8s/metadata-values';
import { checkInt, checkPort } from '../../nginx/tokens';
import { checkPortName } from '../container-values';
import { ResolvedMetrics } from '../metrics/metrics';
import { checkBoolean, checkDuration, optionsObject, wholeSeconds } from '../prop-values';

/** HTTPS on a port of its own, with the certificate from a `kubernetes.io/tls` Secret. */
export interface TlsOptions {
  /**
   * The name of a `kubernetes.io/tls` Secret in the workload's namespace (keys `tls.crt`, the
   * certificate chain, and `tls.key`), e.g. one cert-manager keeps. It is mounted into the nginx
   * container as a volume; the construct never reads it, and no key material reaches a ConfigMap.
   */
  readonly secretName: string;
  /**
   * The port nginx serves HTTPS on (1024 or above, as for `port`; give the Service 443).
   * @default 8443
   */
  readonly port?: number;
  /**
   * The name of that container port (an IANA service name).
   * @default 'nginx-https'
   */
  readonly portName?: string;
  /**
   * Answer plain HTTP with a permanent redirect (308) to the same URL over HTTPS. The health
   * endpoint stays on the plain port, where the probes ask; with `trustForwardedProto`, so does a
   * request a trusted TLS proxy forwarded (`X-Forwarded-Proto: https`), which would otherwise loop.
   * @default false
   */
  readonly redirectHttp?: boolean;
  /**
   * The port clients reach HTTPS on (the Service's or the load balancer's), which redirects point to.
   * @default 443
   */
  readonly redirectPort?: number;
  /**
   * Send `Strict-Transport-Security: max-age=<seconds>` on every HTTPS response (never over plain
   * HTTP, where browsers ignore it). Once a browser has seen it, it refuses plain HTTP to the host
   * for that long: start short.
   * @default - no HSTS header
   */
  readonly hsts?: Duration;
  /**
   * Reload nginx when the mounted certificate changes (the kubelet updates a Secret volume in place
   * after a renewal): a shell loop beside nginx compares the files every `rotationCheckInterval`
   * and, once a change has held for one interval, runs `nginx -s reload` (graceful: no request is
   * dropped). false: a renewed certificate is served only from the next rollout.
   * @default true
   */
  readonly reloadOnRotation?: boolean;
  /**
   * How often the reload loop compares the certificate files.
   * @default Duration.seconds(10)
   */
  readonly rotationCheckInterval?: Duration;
  /**
   * HTTP/2 requests one client connection may have in progress at once (each one a request to the
   * app); a client sends more as earlier ones finish. nginx's own 128 let ten browser-like clients
   * queue 400 requests at an app that serves 4 at a time, and a fifth of them ran out the route's
   * read timeout (504); 16 served all 400 in the same time. Size it to the app: how many
   * requests it serves at once, times the queueing you accept, over the clients you expect.
   * @default 16
   */
  readonly http2MaxConcurrentStreams?: number;
}

/** `TlsOptions` checked and reduced to plain values. */
export interface ResolvedTls {
  readonly secretName: string;
  readonly port: number;
  readonly portName: string;
  readonly redirectPort?: number;
  readonly hstsMaxAgeSeconds?: number;
  readonly http2MaxConcurrentStreams: number;
  /** Seconds between the reload loop's comparisons; absent: no loop. */
  readonly rotationCheckSeconds?: number;
}


/** The longest HSTS max-age accepted: two years, twice what the HSTS preload list asks for. */
const MAX_HSTS_SECONDS = 2 * 365 * 24 * 3600;

/** Checks `tls`; the plain listener's port and name and the app's port are what it must not clash with. */
export function resolveTls(value: TlsOptions | undefined,
  plain: { port: number; portName: string; appPort?: number }): ResolvedTls | undefined {
  if (value === undefined) {
    return undefined;
  }
  const t = optionsObject('tls', value) as Partial<TlsOptions>;
  const secretName = t.secretName as unknown;
  if (typeof secretName !== 'string') {
    throw invalid('tls.secretName', secretName, 'must be the name of a kubernetes.io/tls Secret');
  }
  if (secretName === '') {
    throw invalid('tls.secretName', secretName, 'is empty: name the kubernetes.io/tls Secret that holds tls.crt and tls.key');
  }
  if (!isDnsSubdomain(secretName)) {
    throw invalid('tls.secretName', secretName, 'is not a name Kubernetes accepts for a Secret: at most 253 lower-case '
      + 'letters, digits, "-" and ".", starting and ending with a letter or digit');
  }
  const port = checkPort('tls.port', t.port ?? 8443);
  if (port < 1024) {
    throw invalid('tls.port', port, 'is below 1024, which nginx cannot bind as uid 101 without capabilities; '
      + 'listen on 1024 or above and give the Service 443 (retargetService(service, { httpsPort: 443 }))');
  }
  if (port === plain.port) {
    throw invalid('tls.port', port, 'is also the plain HTTP port (port); HTTPS needs a port of its own');
  }
  if (port === plain.appPort) {
    throw invalid('tls.port', port, 'is the app\'s port (appPort); nginx and the app cannot both listen on it');
  }
  const portName = checkPortName('tls.portName', t.portName ?? 'nginx-https');
  if (portName === plain.portName) {
    throw invalid('tls.portName', portName, 'is also the plain HTTP port\'s name (portName); container port names are unique');
  }
  const redirect = checkBoolean('tls.redirectHttp', t.redirectHttp ?? false);
  if (t.redirectPort !== undefined && !redirect) {
    throw invalid('tls.redirectPort', t.redirectPort, 'is set, but tls.redirectHttp is not: nothing redirects');
  }
  const redirectPort = redirect ? checkPort('tls.redirectPort', t.redirectPort ?? 443) : undefined;
  const reload = checkBoolean('tls.reloadOnRotation', t.reloadOnRotation ?? true);
  if (t.rotationCheckInterval !== undefined && !reload) {
    throw invalid('tls.rotationCheckInterval', checkDuration('tls.rotationCheckInterval', t.rotationCheckInterval).toHumanString(),
      'is set, but tls.reloadOnRotation is false: nothing checks');
  }
  return {
    secretName,
    port,
    portName,
    redirectPort,
    hstsMaxAgeSeconds: t.hsts === undefined ? undefined : wholeSeconds('tls.hsts', t.hsts, 1, MAX_HSTS_SECONDS, '1 second to 730 days'),
    http2MaxConcurrentStreams: checkInt('tls.http2MaxConcurrentStreams', t.http2MaxConcurrentStreams ?? 16, 1, 1000),
    rotationCheckSeconds: reload ? wholeSeconds('tls.rotationCheckInterval', t.rotationCheckInterval ?? Duration.seconds(10), 1, 3600, '1 second to 1 hour') : undefined,
  };
}

/** The HTTPS port and name must not be the metrics listener's or the exporter's. */
export function checkTlsBesideMetrics(tls: ResolvedTls | undefined, metrics: ResolvedMetrics | undefined): void {
  if (!tls || !metrics) {
    return;
  }
  if (tls.port === metrics.statusPort) {
    throw invalid('tls.port', tls.port, 'is also metrics.statusPort');
  }
  if (tls.port === metrics.exporter?.port) {
    throw invalid('tls.port', tls.port, 'is also metrics.exporterPort');
  }
  if (tls.portName === metrics.exporter?.portName) {
    throw invalid('tls.portName', tls.portName, 'is also metrics.exporterPortName');
  }
}

