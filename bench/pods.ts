import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLE_IMAGES } from '../test/support/images';
import { K8sObject, loadYaml, podTemplateOf } from '../test/support/manifests';
import { RunningPod } from '../test/support/pod-runner';
import { ImageMapping } from '../test/support/pod-sandbox';
import { PEER_IMAGES, Peer, addPeers } from './peers';

export const ROOT = path.join(__dirname, '..');
export const SIDECAR_PORT = 8080;
export const CEILING_PORT = 8081;
export const AM_PORT = 9093;
/** The alertmanager example's config ConfigMap, before the hash of its content that ends its name. */
export const AM_CONFIG_MAP = 'alertmanager-proxy-config';

/** The generated alertmanager nginx.conf in dist/. */
export function generatedAlertmanagerConf(): string {
  const cm = loadYaml(path.join(ROOT, 'dist', 'alertmanager.k8s.yaml'))
    .find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${AM_CONFIG_MAP}-`));
  return cm!.data['nginx.conf'];
}

/** nginx's own static-file server for the same bytes: the ceiling a cache hit can approach. */
function ceilingConf(workers: string): string {
  return `worker_processes ${workers};
pid /var/cache/nginx/nginx.pid;
error_log stderr warn;
daemon off;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  server_tokens off;
  sendfile on;
  tcp_nopush off;
  access_log off;
  open_file_cache max=100;
  client_body_temp_path /var/cache/nginx/client_body_temp;
  proxy_temp_path /var/cache/nginx/proxy_temp;
  fastcgi_temp_path /var/cache/nginx/fastcgi_temp;
  uwsgi_temp_path /var/cache/nginx/uwsgi_temp;
  scgi_temp_path /var/cache/nginx/scgi_temp;
  gzip off;
  gzip_static on;
  gzip_vary on;
  server {
    listen ${CEILING_PORT};
    location /lib/ { root /usr/share/nginx/ceiling; }
    location = /stub_status { stub_status; }
  }
}
`;
}

/** Where the i-th sidecar config listens (the first keeps the example's 8080). */
export function sidecarPort(i: number): number {
  return i === 0 ? SIDECAR_PORT : 8100 + i;
}

/**
 * The alertmanager example's objects with `confs[0]` as the sidecar's nginx.conf; each further
 * config runs in a copy of the sidecar container (own ConfigMap and cache emptyDir) with its
 * `listen ${SIDECAR_PORT}` moved to `sidecarPort(i)`, so every config is measured in the same pod,
 * row by row. Plus a "ceiling" container: a second nginx serving the same stylesheet (and its .gz)
 * as static files on ${CEILING_PORT}, with as many workers as the first sidecar; and each of `peers`
 * (bench/peers.ts) as a container of its own.
 */
export function alertmanagerObjects(confs: string[], css: Buffer, gz: Buffer, peers: Peer[] = []): { objects: K8sObject[]; workload: K8sObject } {
  const objects = loadYaml(path.join(ROOT, 'dist', 'alertmanager.k8s.yaml'));
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith(`${AM_CONFIG_MAP}-`))!;
  cm.data['nginx.conf'] = confs[0];
  const workload = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'monitor-alertmanager')!;
  const spec = podTemplateOf(workload).spec;
  const sidecar = spec.containers.find((c: any) => c.name === 'nginx');
  const listen = new RegExp(`^(\\s*listen\\s+)${SIDECAR_PORT}([\\s;])`, 'gm');
  confs.slice(1).forEach((conf, k) => {
    const i = k + 1;
    const port = sidecarPort(i);
    if ((conf.match(listen) ?? []).length !== 1) {
      throw new Error(`config ${i}: expected exactly one "listen ${SIDECAR_PORT}" to move to ${port}`);
    }
    objects.push({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-sidecar-${i}`, namespace: cm.metadata.namespace },
      data: { ...cm.data, 'nginx.conf': conf.replace(listen, `$1${port}$2`) },
    });
    const volumes: Record<string, string> = { 'nginx-cache': `bench-cache-${i}`, 'nginx-config': `bench-config-${i}` };
    spec.volumes.push({ name: `bench-cache-${i}`, emptyDir: {} }, { name: `bench-config-${i}`, configMap: { name: `bench-sidecar-${i}` } });
    const probe = { ...sidecar.readinessProbe, httpGet: { ...sidecar.readinessProbe.httpGet, port } };
    spec.containers.push({
      ...sidecar,
      // nginx alone: the start's lines would write [::]:8080 listen lines, which the first sidecar holds.
      command: sidecar.command[0] === '/bin/sh' ? sidecar.command.slice(4) : sidecar.command,
      name: `nginx-${i}`,
      ports: [{ name: `bench-${i}`, containerPort: port }],
      readinessProbe: probe,
      livenessProbe: undefined,
      volumeMounts: sidecar.volumeMounts.map((m: any) => ({ ...m, name: volumes[m.name] ?? m.name })),
    });
  });
  const workers = /^\s*worker_processes\s+(\S+);/m.exec(confs[0])?.[1] ?? '1';
  objects.push({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench-ceiling', namespace: cm.metadata.namespace },
    data: { 'nginx.conf': ceilingConf(workers) },
    binaryData: { 'app.css': css.toString('base64'), 'app.css.gz': gz.toString('base64') },
  });
  spec.volumes.push(
    { name: 'ceiling-config', configMap: { name: 'bench-ceiling', items: [{ key: 'nginx.conf', path: 'nginx.conf' }] } },
    { name: 'ceiling-files', configMap: { name: 'bench-ceiling', items: [{ key: 'app.css', path: 'lib/app.css' }, { key: 'app.css.gz', path: 'lib/app.css.gz' }] } },
    { name: 'ceiling-cache', emptyDir: {} },
  );
  spec.containers.push({
    name: 'ceiling',
    image: sidecar.image,
    command: ['nginx', '-c', '/etc/nginx/ceiling/nginx.conf', '-e', 'stderr'],
    ports: [{ name: 'ceiling', containerPort: CEILING_PORT }],
    securityContext: sidecar.securityContext,
    volumeMounts: [
      { name: 'ceiling-config', mountPath: '/etc/nginx/ceiling', readOnly: true },
      { name: 'ceiling-files', mountPath: '/usr/share/nginx/ceiling', readOnly: true },
      { name: 'ceiling-cache', mountPath: '/var/cache/nginx' },
    ],
  });
  addPeers(objects, spec, cm.metadata.namespace, sidecar.securityContext, peers);
  return { objects, workload };
}

/** The example images, with AlertManager's UI directory replaced by `uiDir`. */
export function benchImages(uiDir: string): Record<string, ImageMapping> {
  const am = EXAMPLE_IMAGES['quay.io/prometheus/alertmanager'];
  return {
    ...EXAMPLE_IMAGES,
    ...PEER_IMAGES,
    'quay.io/prometheus/alertmanager': { ...am, files: am.files!.map((f) => ({ ...f, hostPath: uiDir })) },
  };
}

/** Access logs at tens of thousands of requests a second: keep only the tail in memory. */
const MAX_LOG_BYTES = 1 << 20;

export async function startAlertmanager(confs: string[], ui: { dir: string; css: Buffer; gz: Buffer }, peers: Peer[] = []): Promise<RunningPod> {
  const { objects, workload } = alertmanagerObjects(confs, ui.css, ui.gz, peers);
  return RunningPod.start(objects, workload, { images: benchImages(ui.dir), maxLogBytes: MAX_LOG_BYTES });
}

export async function startFlask(): Promise<RunningPod> {
  return RunningPod.fromYaml(path.join(ROOT, 'dist', 'flask-hello.k8s.yaml'), 'Deployment', 'flask-hello-web',
    { images: EXAMPLE_IMAGES, maxLogBytes: MAX_LOG_BYTES });
}

/**
 * The worker pids of the nginx in the pod's network namespace that listens on `port` (found by
 * reading each master's config through /proc/PID/root, as its container sees it).
 */
export function nginxWorkers(pod: RunningPod, port: number): number[] {
  const inPod = (spawnSync('ip', ['netns', 'pids', pod.netns], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).map(Number);
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  // nginx writes its title over argv as one string: "nginx: master process nginx -c FILE ...".
  const cmd = (pid: number) => read(`/proc/${pid}/cmdline`).split('\0')[0].split(' ');
  const ppid = (pid: number) => Number(/^PPid:\s+(\d+)/m.exec(read(`/proc/${pid}/status`))?.[1] ?? -1);
  const master = inPod.find((p) => {
    const argv = cmd(p);
    const conf = argv.indexOf('-c') >= 0 ? argv[argv.indexOf('-c') + 1] : '';
    return argv.slice(0, 3).join(' ') === 'nginx: master process' && conf !== ''
      && new RegExp(`^\\s*listen\\s+${port}[\\s;]`, 'm').test(read(`/proc/${p}/root${conf}`));
  });
  return master ? inPod.filter((p) => ppid(p) === master && cmd(p).slice(0, 2).join(' ') === 'nginx: worker') : [];
}

/** Resident memory of a process in KiB. */
export function rssKb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  } catch {
    return 0;
  }
}
