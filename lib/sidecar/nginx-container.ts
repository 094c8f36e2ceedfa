import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ISidecarHost, SidecarContainerSpec, SidecarProbe } from '../host/host';
import { SIDECAR_ENDPOINTS } from '../nginx/model';
import { PROXY_PROTOCOL, TLS_LISTEN_PARAMS } from '../nginx/render-listen';
import { CONFIG_FILES, LAYOUT, NGINX_UID, TLS_FILES } from './layout';
import { ResolvedProps } from './resolved-props';
import { ipv6StartLines } from './network/ipv6';
import { tlsReloadLines } from './tls/tls-reloader';

/**
 * Probe timings: readiness reacts within ~10 s, liveness restarts only a stuck nginx. A native
 * sidecar also has a startup probe, polled every second for up to 60 s: the kubelet starts the
 * app's containers once it passes (without one, as soon as nginx's process has started).
 */
const PROBE_TIMING = {
  readiness: { periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 2 },
  liveness: { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
  startup: { periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 60 },
};

/**
 * The nginx container: the image run with the rendered config, non-root, probes on the sidecar's
 * own health endpoint, and a preStop that drains before a graceful quit.
 */
export function nginxContainerSpec(p: ResolvedProps): SidecarContainerSpec {
  const conf = `${LAYOUT.confDir}/${CONFIG_FILES.nginxConf}`;
  const pid = `${LAYOUT.varDir}/nginx.pid`;
  const nginx = ['nginx', '-c', conf, '-e', 'stderr'];
  const probe = (timing: typeof PROBE_TIMING.readiness): SidecarProbe => ({ path: SIDECAR_ENDPOINTS.health, port: p.port, ...timing });
  return {
    name: p.containerName,
    image: p.image,
    command: startCommand(nginx, [
      ...ipv6StartLines(p.ipv6, publicListens(p)),
      ...p.tls?.rotationCheckSeconds ? tlsReloadLines(p.tls.rotationCheckSeconds) : [],
    ]),
    port: p.port,
    portName: p.portName,
    extraPorts: [
      ...p.tls ? [{ port: p.tls.port, name: p.tls.portName }] : [],
      ...p.proxyProtocol ? [{ port: p.proxyProtocol.port, name: p.proxyProtocol.portName }] : [],
    ],
    env: p.env,
    cpuRequestMillicores: p.cpuRequestMillicores,
    cpuLimitMillicores: p.cpuLimitMillicores,
    memoryRequestMib: p.memoryRequestMib,
    memoryLimitMib: p.memoryLimitMib,
    uid: NGINX_UID,
    gid: NGINX_UID,
    readiness: probe(PROBE_TIMING.readiness),
    liveness: probe(PROBE_TIMING.liveness),
    ...(p.nativeSidecar ? { startup: probe(PROBE_TIMING.startup) } : {}),
    // Keep serving while endpoints drop the pod, then quit gracefully (SIGQUIT via the same -c)
    // and wait for the workers to finish their requests. A native sidecar is stopped only once the
    // app's containers have exited, long after endpoints dropped the pod: it quits at once.
    // If the mounted config no longer parses, -s quit fails: signal the master from its pid file.
    preStop: ['/bin/sh', '-c', `${p.nativeSidecar ? '' : `sleep ${p.drainSeconds}; `}${nginx.join(' ')} -s quit `
      + `|| kill -QUIT "$(cat ${pid})"; while [ -e ${pid} ]; do sleep 1; done`],
    nativeSidecar: p.nativeSidecar,
  };
}

/** Every port nginx serves clients on, with its `listen` parameters (as render-server.ts writes them). */
function publicListens(p: ResolvedProps): Array<{ port: number; params: readonly string[] }> {
  return [
    { port: p.port, params: [] },
    ...p.tls ? [{ port: p.tls.port, params: TLS_LISTEN_PARAMS }] : [],
    ...p.proxyProtocol ? [{ port: p.proxyProtocol.port, params: [...p.tls ? TLS_LISTEN_PARAMS : [], PROXY_PROTOCOL] }] : [],
  ];
}

/**
 * nginx's command line, after the start's shell lines when there are any: `sh -c script name
 * args...` gives the script nginx's command line as "$@", and its last line becomes nginx (`exec`,
 * so nginx stays the main process and gets the stop signal).
 */
function startCommand(nginx: string[], lines: string[]): string[] {
  return lines.length === 0 ? nginx : ['/bin/sh', '-c', [...lines, 'exec "$@"'].join('\n'), 'nginx-start', ...nginx];
}

/** Adds the nginx container with its writable emptyDir (pid, temp paths, cache) and its config ConfigMap. */
export function addNginxContainer(scope: Construct, host: ISidecarHost, p: ResolvedProps, configMap: ApiObject): void {
  host.addSidecar(nginxContainerSpec(p));
  const cache = `${p.containerName}-cache`;
  host.addSidecarVolume(scope, { name: cache, emptyDirSizeMib: p.volumeSizeLimitMib },
    { volume: cache, path: LAYOUT.varDir, readOnly: false });
  const config = `${p.containerName}-config`;
  host.addSidecarVolume(scope, { name: config, configMap: { name: configMap.name } },
    { volume: config, path: LAYOUT.confDir, readOnly: true });
  if (p.tls) {
    // The whole volume, never a subPath: the kubelet updates only whole Secret volumes on rotation.
    const tls = `${p.containerName}-tls`;
    const items = Object.values(TLS_FILES).map((key) => ({ key, path: key }));
    host.addSidecarVolume(scope, { name: tls, secret: { secretName: p.tls.secretName, items } },
      { volume: tls, path: LAYOUT.tlsDir, readOnly: true });
  }
}
