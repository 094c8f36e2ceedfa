import { HardenedContainerSpec, HelperContainerSpec, SidecarContainerSpec, SidecarProbe, SidecarVolume } from './host';

/**
 * The container securityContext fields cdk8s-plus cannot express (plus-27 has neither a seccomp
 * profile nor an `ALL` capability), as JSON. Both hosts write exactly these.
 */
export const HARDENED_SECURITY_EXTRAS = {
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

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
 * The parts the sidecar and a helper container share, as Kubernetes JSON, in the order the
 * container's fields are written: `head` (name, image, restartPolicy, pull policy) goes before the
 * command and ports, `tail` (resources, the hardened securityContext, probes) after them.
 */
export function hardenedContainerJson(spec: HardenedContainerSpec): { head: Record<string, unknown>; tail: Record<string, unknown> } {
  return {
    head: {
      name: spec.name,
      image: spec.image,
      ...(spec.nativeSidecar ? { restartPolicy: 'Always' } : {}),
      imagePullPolicy: 'IfNotPresent',
    },
    tail: {
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
      ...(spec.startup ? { startupProbe: httpProbeJson(spec.startup) } : {}),
      readinessProbe: httpProbeJson(spec.readiness),
      livenessProbe: httpProbeJson(spec.liveness),
    },
  };
}

/**
 * The sidecar container as Kubernetes JSON. The raw-object host adds exactly this; the cdk8s-plus
 * host builds the same container through the typed API (the tests compare the two).
 */
export function containerJson(spec: SidecarContainerSpec): Record<string, unknown> {
  const { head, tail } = hardenedContainerJson(spec);
  const env = Object.entries(spec.env).map(([name, value]) => ({ name, value }));
  return {
    ...head,
    command: spec.command,
    ports: [{ name: spec.portName, containerPort: spec.port }, ...(spec.extraPorts ?? []).map((p) => ({ name: p.name, containerPort: p.port }))],
    ...(env.length > 0 ? { env } : {}),
    ...tail,
    lifecycle: { preStop: { exec: { command: spec.preStop } } },
    volumeMounts: [],
  };
}

/**
 * A helper container as Kubernetes JSON: the image's entrypoint with `args`, one named port, HTTP
 * probes, and the sidecar's hardening. The raw-object host adds exactly this; the cdk8s-plus host
 * builds the same container through the typed API (the tests compare the two).
 */
export function helperContainerJson(spec: HelperContainerSpec): Record<string, unknown> {
  const { head, tail } = hardenedContainerJson(spec);
  return { ...head, args: spec.args, ports: [{ name: spec.portName, containerPort: spec.port }], ...tail };
}

/** A sidecar volume as Kubernetes JSON. */
export function volumeJson(v: SidecarVolume): Record<string, unknown> {
  if (v.secret) {
    return { name: v.name, secret: { secretName: v.secret.secretName, items: v.secret.items } };
  }
  return v.configMap
    ? { name: v.name, configMap: { name: v.configMap.name, items: v.configMap.items } }
    : { name: v.name, emptyDir: { sizeLimit: `${v.emptyDirSizeMib}Mi` } };
}

/**
 * The same JSON as a generated typed object (cdk8s-plus' KubeDeployment, an imported `k8s.Kube*`,
 * known by its static GVK) holds it before it renders: its `toJson()` applies the patches and then
 * re-reads quantities and int-or-string values as `{ value }`, dropping a plain string or number.
 */
export function typedObjectShape(json: Record<string, any>): Record<string, unknown> {
  const wrap = (v: unknown) => (v === undefined ? v : { value: v });
  const wrapAll = (m?: Record<string, unknown>) => m && Object.fromEntries(Object.entries(m).map(([k, v]) => [k, wrap(v)]));
  const out: Record<string, any> = { ...json };
  if (json.resources) {
    out.resources = { requests: wrapAll(json.resources.requests), limits: wrapAll(json.resources.limits) };
  }
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    if (json[probe]?.httpGet) {
      out[probe] = { ...json[probe], httpGet: { ...json[probe].httpGet, port: wrap(json[probe].httpGet.port) } };
    }
  }
  if (json.emptyDir?.sizeLimit !== undefined) {
    out.emptyDir = { ...json.emptyDir, sizeLimit: wrap(json.emptyDir.sizeLimit) };
  }
  return out;
}

/** Whether an ApiObject is a generated typed object, which re-reads its JSON after the patches. */
export function isTypedObject(apiObject: object): boolean {
  return (apiObject.constructor as { GVK?: unknown }).GVK !== undefined;
}
