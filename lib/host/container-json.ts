import { SidecarContainerSpec, SidecarProbe, SidecarVolume } from './host';

/**
 * The container securityContext fields cdk8s-plus cannot express (plus-27 has neither a seccomp
 * profile nor an `ALL` capability), as JSON. Both hosts write exactly these.
 */
export const HARDENED_SECURITY_EXTRAS = {
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The sidecar container as Kubernetes JSON. The raw-object host adds exactly this; the cdk8s-plus
 * host builds the same container through the typed API (the tests compare the two).
 */
export function containerJson(spec: SidecarContainerSpec): Record<string, unknown> {
  const probe = (p: SidecarProbe) => ({
    httpGet: { path: p.path, port: p.port, scheme: 'HTTP' },
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
  });
  const env = Object.entries(spec.env).map(([name, value]) => ({ name, value }));
  return {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: spec.command,
    ports: [{ name: spec.portName, containerPort: spec.port }],
    ...(env.length > 0 ? { env } : {}),
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
    readinessProbe: probe(spec.readiness),
    livenessProbe: probe(spec.liveness),
    lifecycle: { preStop: { exec: { command: spec.preStop } } },
    volumeMounts: [],
  };
}

/** A sidecar volume as Kubernetes JSON. */
export function volumeJson(v: SidecarVolume): Record<string, unknown> {
  return v.configMap
    ? { name: v.name, configMap: { name: v.configMap.name, items: v.configMap.items } }
    : { name: v.name, emptyDir: { sizeLimit: `${v.emptyDirSizeMib}Mi` } };
}
