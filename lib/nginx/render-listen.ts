import { ConfWriter } from './conf-writer';
import { Ipv6ListenModel } from './model';

/** The parameters of the HTTPS listener's `listen` (see renderTlsListener for why `http2` is one). */
export const TLS_LISTEN_PARAMS: readonly string[] = ['ssl', 'http2'];

/** The `listen` parameter of a port whose connections start with a PROXY protocol header (v1 or v2). */
export const PROXY_PROTOCOL = 'proxy_protocol';

/** A file the container's start writes where the pod has IPv6, and the rendered config includes. */
export interface Ipv6ListenFile {
  readonly path: string;
  readonly text: string;
}

/**
 * A public server's `listen` lines: the IPv4 one, and `[::]` (a socket of its own, IPv6 only, so the
 * client's address is never an IPv4-mapped `::ffff:` one) always, or through an include of the
 * directory the container's start fills only where the pod has IPv6 (a mask matching no file is
 * not an error, so the same config starts in both).
 */
export function renderListen(w: ConfWriter, ipv6: Ipv6ListenModel, port: number, params: readonly string[] = []): void {
  w.directive('listen', String(port), ...params);
  if (ipv6.mode === 'always') {
    w.directive('listen', `[::]:${port}`, ...params);
  } else if (ipv6.mode === 'where-available') {
    w.directive('include', `${ipv6.dir}/${port}/*.conf`);
  }
}

/** The file that makes `renderListen`'s include listen on `[::]:<port>`. */
export function ipv6ListenFile(ipv6: Ipv6ListenModel, port: number, params: readonly string[] = []): Ipv6ListenFile {
  return { path: `${ipv6.dir}/${port}/listen.conf`, text: ['listen', `[::]:${port}`, ...params].join(' ') + ';' };
}
