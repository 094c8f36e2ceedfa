import { invalid } from '../../errors';
import { checkPort } from '../../nginx/tokens';
import { checkPortName, refuseTaken } from '../container-values';
import { ResolvedMetrics } from '../metrics/metrics';
import { ResolvedTls } from '../tls/tls-options';

/** The port where a load balancer's PROXY protocol header gives the client's address. */
export interface ResolvedProxyProtocol {
  readonly port: number;
  readonly portName: string;
}

/** The ports it must not take. */
export interface ProxyProtocolContext {
  readonly port: number;
  readonly portName: string;
  readonly appPort?: number;
  readonly tls?: ResolvedTls;
  readonly metrics?: ResolvedMetrics;
}

/** `clientAddress.proxyProtocolPort` and its name, checked against the sidecar's other ports; undefined without it. */
export function resolveProxyProtocol(options: { proxyProtocolPort?: unknown; proxyProtocolPortName?: unknown },
  ctx: ProxyProtocolContext): ResolvedProxyProtocol | undefined {
  if (options.proxyProtocolPort === undefined) {
    if (options.proxyProtocolPortName !== undefined) {
      throw invalid('clientAddress.proxyProtocolPortName', options.proxyProtocolPortName, 'is set, but clientAddress.proxyProtocolPort is not');
    }
    return undefined;
  }
  const field = 'clientAddress.proxyProtocolPort';
  const port = checkPort(field, options.proxyProtocolPort as number);
  if (port < 1024) {
    throw invalid(field, port, 'is below 1024, which nginx cannot bind as uid 101 without capabilities; '
      + 'listen on 1024 or above and give the load balancer\'s Service the low port');
  }
  const taken: Array<[string, number | undefined]> = [
    ['is also the plain HTTP port (port), where the probes speak plain HTTP: the PROXY protocol needs a port of its own', ctx.port],
    ['is the app\'s port (appPort)', ctx.appPort], ['is also tls.port', ctx.tls?.port],
    ['is also metrics.statusPort', ctx.metrics?.statusPort], ['is also metrics.exporterPort', ctx.metrics?.exporter?.port],
  ];
  refuseTaken(field, port, taken);
  const nameField = 'clientAddress.proxyProtocolPortName';
  const portName = checkPortName(nameField, (options.proxyProtocolPortName ?? 'nginx-proxy') as string);
  const names: Array<[string, string | undefined]> = [['portName', ctx.portName], ['tls.portName', ctx.tls?.portName],
    ['metrics.exporterPortName', ctx.metrics?.exporter?.portName]];
  const sameName = names.find(([, n]) => n === portName);
  if (sameName) {
    throw invalid(nameField, portName, `is also ${sameName[0]}; container port names are unique`);
  }
  return { port, portName };
}
