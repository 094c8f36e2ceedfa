import { spawnSync } from 'child_process';

/**
 * The pod's network as a CNI would give it, beside the loopback every pod has (127.0.0.1 and, where
 * IPv6 is on, ::1):
 * - `ipv4`: one IPv4 address, as most clusters;
 * - `dual-stack`: an IPv4 and an IPv6 address, IPv4 the primary (`status.podIP`, the one probed);
 * - `ipv6-only`: one IPv6 address, the one the kubelet probes (127.0.0.1 stays on loopback, as in
 *   an IPv6-only cluster's pods);
 * - `ipv6-disabled`: one IPv4 address, and IPv6 turned off in the pod's namespace
 *   (`net.ipv6.conf.*.disable_ipv6=1`, as a CNI or a pod sysctl does): `[::]` can still be bound,
 *   nothing reaches it. (A kernel booted without IPv6, where `/proc/net/if_inet6` is absent and an
 *   IPv6 socket cannot be made, cannot be made by a namespace.)
 */
export type PodNetworkKind = 'ipv4' | 'dual-stack' | 'ipv6-only' | 'ipv6-disabled';

/** The node's side of a pod network: where the kubelet's probes and node-local clients come from. */
export interface PodNetwork {
  readonly kind: PodNetworkKind;
  /** The node's network namespace, joined to the pod's `eth0` by a veth pair. */
  readonly nodeNetns: string;
  /** The pod's addresses, primary first (`status.podIP`). */
  readonly podIPs: string[];
  /** The node's addresses on the pair, in the same families and order. */
  readonly nodeIPs: string[];
}

const V4 = { pod: '10.250.0.2', node: '10.250.0.1', prefix: 24 };
const V6 = { pod: 'fd00:250::2', node: 'fd00:250::1', prefix: 64 };

/** `host:port` for a URL or /dev/tcp, an IPv6 address in brackets. */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function run(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`ip ${args.join(' ')} failed: ${r.stderr}`);
  }
}

/** Sets `net.ipv6.conf.<iface>.disable_ipv6` inside a network namespace. */
function disableIpv6(netns: string, ifaces: string[]): void {
  for (const i of ifaces) {
    run(['netns', 'exec', netns, 'sysctl', '-q', '-w', `net.ipv6.conf.${i}.disable_ipv6=1`]);
  }
}

/** Makes the node namespace and the veth pair into the pod's namespace (loopback already up), with the kind's addresses. */
export function setUpPodNetwork(podNetns: string, kind: PodNetworkKind): PodNetwork {
  const nodeNetns = `${podNetns}-node`;
  run(['netns', 'add', nodeNetns]);
  run(['-n', nodeNetns, 'link', 'set', 'lo', 'up']);
  if (kind === 'ipv6-disabled') {
    disableIpv6(podNetns, ['all', 'default', 'lo']);
  }
  run(['-n', nodeNetns, 'link', 'add', 'veth-pod', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', podNetns]);
  const families = kind === 'ipv6-only' ? [V6] : kind === 'dual-stack' ? [V4, V6] : [V4];
  for (const f of families) {
    // nodad: usable at once, not after duplicate address detection's second or two.
    const opts = f === V6 ? ['nodad'] : [];
    run(['-n', nodeNetns, 'addr', 'add', `${f.node}/${f.prefix}`, 'dev', 'veth-pod', ...opts]);
    run(['-n', podNetns, 'addr', 'add', `${f.pod}/${f.prefix}`, 'dev', 'eth0', ...opts]);
  }
  run(['-n', nodeNetns, 'link', 'set', 'veth-pod', 'up']);
  run(['-n', podNetns, 'link', 'set', 'eth0', 'up']);
  return { kind, nodeNetns, podIPs: families.map((f) => f.pod), nodeIPs: families.map((f) => f.node) };
}
