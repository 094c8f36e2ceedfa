import { refuseTaken } from '../container-values';
import { ResolvedProps } from '../resolved-props';

/** A proxy route's own `port` must be another container's: never one nginx or its exporter listens on. */
export function refuseOwnPort(field: string, port: number | undefined, p: ResolvedProps): void {
  if (port === undefined) {
    return;
  }
  const own: Array<[string, number | undefined]> = [['port', p.port], ['tls.port', p.tls?.port], ['metrics.statusPort', p.metrics?.statusPort],
    ['metrics.exporterPort', p.metrics?.exporter?.port], ['clientAddress.proxyProtocolPort', p.proxyProtocol?.port]];
  refuseTaken(field, port, own.map(([name, taken]) => [`is nginx's own (${name}): name the port of the container to proxy to`, taken]));
}
