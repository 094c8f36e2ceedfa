import { invalid } from '../../errors';
import { Ipv6ListenModel } from '../../nginx/model';
import { ipv6ListenFile } from '../../nginx/render-listen';
import { LAYOUT } from '../layout';

/** Whether nginx listens on IPv6 as well as IPv4. */
export enum Ipv6Mode {
  /**
   * On `[::]` too wherever the pod has IPv6 (dual-stack and IPv6-only clusters), IPv4 only where it
   * has none (a kernel without IPv6, or IPv6 disabled in the pod): the container's start looks for
   * an address in `/proc/net/if_inet6` (nginx's own images look for the file) and writes the
   * `[::]` listen lines the rendered nginx.conf includes. Needs `/bin/sh` in the image (nginx's
   * images, Debian's and Alpine's have it).
   */
  WHERE_AVAILABLE = 'where-available',
  /**
   * On `[::]` too, written into nginx.conf: no shell needed, but nginx fails to start on a kernel
   * without IPv6 ("Address family not supported by protocol").
   */
  ALWAYS = 'always',
  /** On IPv4 only: in an IPv6-only cluster the kubelet's probes never reach nginx. */
  IPV4_ONLY = 'ipv4-only',
}

/** Where the container's start writes the `[::]` listen lines, one directory per port. */
const DIR = `${LAYOUT.varDir}/listen-ipv6`;

/** `ipv6` checked, as the renderer's model; with your own `nginxConf` it is refused elsewhere and `off` here. */
export function resolveIpv6(value: unknown, customConf: boolean): Ipv6ListenModel {
  const mode = value ?? Ipv6Mode.WHERE_AVAILABLE;
  if (!Object.values(Ipv6Mode).includes(mode as Ipv6Mode)) {
    throw invalid('ipv6', mode, `must be one of ${Object.values(Ipv6Mode).map((m) => `"${m}"`).join(', ')} (Ipv6Mode)`);
  }
  return { mode: customConf || mode === Ipv6Mode.IPV4_ONLY ? 'off' : mode as Ipv6ListenModel['mode'], dir: DIR };
}

/**
 * The container start's lines (sh) for `where-available`: the `[::]` listen files of each port
 * nginx serves clients on (`listens`) where the pod has an IPv6 address, none otherwise (an emptyDir outlives a container
 * restart: the directory is made afresh), and one line in the log saying which.
 */
export function ipv6StartLines(ipv6: Ipv6ListenModel, listens: Array<{ port: number; params: readonly string[] }>): string[] {
  if (ipv6.mode !== 'where-available') {
    return [];
  }
  const files = listens.map((l) => ipv6ListenFile(ipv6, l.port, l.params));
  return [
    `rm -rf ${ipv6.dir}`,
    // A line in if_inet6 is an IPv6 address (loopback's ::1 at least); none where IPv6 is disabled.
    'if read -r _ 2>/dev/null < /proc/net/if_inet6; then',
    `  mkdir -p ${files.map((f) => f.path.replace(/\/[^/]+$/, '')).join(' ')}`,
    ...files.map((f) => `  echo '${f.text}' > ${f.path}`),
    '  echo "nginx-start: IPv6 in this pod: listening on [::] too" >&2',
    'else',
    '  echo "nginx-start: no IPv6 address in this pod (/proc/net/if_inet6 absent or empty): listening on IPv4 only" >&2',
    'fi',
  ];

}
