import { HARDENED_SECURITY_EXTRAS } from './container-json';
import { HelperContainerSpec, SidecarProbe } from './host';

/** An HTTP GET probe as Kubernetes JSON. */
export function httpProbeJson(p: SidecarProbe): Record<string, unknown> {
  return {
    httpGet: { path: p.path, port: p.port, scheme: 'HTTP' },
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
  };
}

/**
 * A helper container as Kubernetes JSON: the image's entrypoint with `args`, one named port, HTTP
 * probes, and the sidecar's hardening. The raw-object host adds exactly this; the cdk8s-plus host
 * builds the same container through the typed API (the tests compare the two).
 */
export function helperContainerJson(spec: HelperContainerSpec): Record<string, unknown> {
  return {
    name: spec.name,
    image: spec.image,
    ...(spec.nativeSidecar ? { restartPolicy: 'Always' } : {}),
    imagePullPolicy: 'IfNotPresent',
    args: spec.args,
    ports: [{ name: spec.portName, containerPort: spec.port }],
    resources: {
      requests: { cpu: `${spec.cpuRequestMillicores}m`, memory: `${spec.memoryRequestMib}Mi` },
      limits: { cpu: `${spec.cpuLimitMillicores}m`, memory: `${spec.memoryLimitMib}Mi` },
    },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: spec.uid,
      runAsGroup: spec.gid,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      ...HARDENED_SECURITY_EXTRAS,
    },
    readinessProbe: httpProbeJson(spec.readiness),
    livenessProbe: httpProbeJson(spec.liveness),
  };
}
