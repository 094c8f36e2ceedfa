import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { K8sObject } from '../test/support/manifests';
import { ImageMapping } from '../test/support/pod-sandbox';

/**
 * The proxies a user could pick instead of the sidecar, each from Debian, each as a container of
 * the alertmanager pod in front of the same AlertManager, configured for the same job (cache the
 * UI's assets, compress text, pass the API) as its own docs recommend; configs and the reasons in
 * bench/peers/.
 */
export interface Peer {
  /** The target's name in the report, e.g. `varnish`. */
  readonly name: string;
  readonly port: number;
  /** Whether it caches (Debian's Caddy cannot). */
  readonly caches: boolean;
  /** Its config file in bench/peers/ and where the container reads it. */
  readonly configFile: string;
  readonly configPath: string;
  /** The image this container stands for, run here as `image`. */
  readonly imageName: string;
  readonly image: ImageMapping;
  /** Writable directories the program needs (emptyDirs). */
  readonly scratch: string[];
  readonly env?: Record<string, string>;
  /** Asks the Debian binary its version, for the report (and whether it is installed). */
  readonly versionCommand: string[];
  /** The version in what that command printed. */
  readonly version: (printed: string) => string;
}

const PEERS_DIR = path.join(__dirname, 'peers');

export const PEERS: Peer[] = [
  {
    // No per-worker knob: Varnish serves each connection on a thread of its pool (one pool here).
    // `-j none`: it runs as the container's user, not switching users as it does when started as root.
    name: 'varnish', port: 8201, caches: true, configFile: 'varnish.vcl', configPath: '/etc/varnish/bench/default.vcl',
    imageName: 'varnish',
    image: {
      entrypoint: ['varnishd', '-F', '-j', 'none', '-n', '/var/lib/varnish/bench', '-a', ':8201',
        '-f', '/etc/varnish/bench/default.vcl', '-s', 'malloc,64m', '-p', 'thread_pools=1'],
    },
    scratch: ['/var/lib/varnish', '/tmp'],
    env: { TMPDIR: '/tmp' },
    versionCommand: ['varnishd', '-V'],
    version: (out) => /varnish-(\S+)/.exec(out)?.[1] ?? '?',
  },
  {
    name: 'haproxy', port: 8202, caches: true, configFile: 'haproxy.cfg', configPath: '/usr/local/etc/haproxy/haproxy.cfg',
    imageName: 'haproxy',
    image: { entrypoint: ['haproxy', '-W', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg'], stopSignal: 'SIGUSR1' },
    scratch: ['/var/lib/haproxy'],
    versionCommand: ['haproxy', '-v'],
    version: (out) => /version (\S+)/.exec(out)?.[1] ?? '?',
  },
  {
    // Go's scheduler: GOMAXPROCS=1 is its one-worker knob.
    name: 'caddy', port: 8203, caches: false, configFile: 'Caddyfile', configPath: '/etc/caddy/Caddyfile',
    imageName: 'caddy',
    image: { entrypoint: ['caddy', 'run', '--config', '/etc/caddy/Caddyfile', '--adapter', 'caddyfile'] },
    scratch: ['/data', '/config'],
    env: { GOMAXPROCS: '1', XDG_DATA_HOME: '/data', XDG_CONFIG_HOME: '/config', HOME: '/data' },
    versionCommand: ['caddy', 'version'],
    version: (out) => out.split(/\s/)[0],
  },
];

/** Fails with the install line when a peer's program is not on this machine (`--no-peers` runs without them). */
export function checkPeersInstalled(peers: Peer[]): void {
  const missing = peers.filter((p) => spawnSync(p.versionCommand[0], p.versionCommand.slice(1), { stdio: 'ignore' }).error);
  if (missing.length) {
    throw new Error(`the bench's peers need ${missing.map((p) => p.versionCommand[0]).join(', ')}: `
      + `apt-get install -y --no-install-recommends ${missing.map((p) => p.name).join(' ')} (or run with --no-peers)`);
  }
}

/** How the pod runner runs each peer's image: Debian's binary. */
export const PEER_IMAGES: Record<string, ImageMapping> = Object.fromEntries(PEERS.map((p) => [p.imageName, p.image]));

/** Adds each peer as a container of `spec` (the alertmanager pod), its config from a ConfigMap. */
export function addPeers(objects: K8sObject[], spec: any, namespace: string | undefined, securityContext: any, peers: Peer[]): void {
  if (peers.length === 0) {
    return;
  }
  objects.push({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench-peers', namespace },
    data: Object.fromEntries(peers.map((p) => [p.configFile, fs.readFileSync(path.join(PEERS_DIR, p.configFile), 'utf8')])),
  });
  for (const p of peers) {
    const scratch = p.scratch.map((mountPath, i) => ({ name: `${p.name}-scratch-${i}`, mountPath }));
    spec.volumes.push(
      { name: `${p.name}-config`, configMap: { name: 'bench-peers', items: [{ key: p.configFile, path: path.basename(p.configPath) }] } },
      ...scratch.map((s) => ({ name: s.name, emptyDir: {} })),
    );
    spec.containers.push({
      name: p.name,
      image: p.imageName,
      env: Object.entries(p.env ?? {}).map(([name, value]) => ({ name, value })),
      ports: [{ name: p.name, containerPort: p.port }],
      readinessProbe: { tcpSocket: { port: p.port }, periodSeconds: 1 },
      // The sidecar's: the same uid, read-only root and no capabilities.
      securityContext,
      volumeMounts: [
        { name: `${p.name}-config`, mountPath: path.dirname(p.configPath), readOnly: true },
        ...scratch,
      ],
    });
  }
}
