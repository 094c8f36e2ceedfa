import { PodContainer } from './pod-templates';
import { PodSecurityLevel, PodSecurityRule, PodView, RuleViolation } from './pod-security-types';

export { PodSecurityLevel } from './pod-security-types';
export type { PodSecurityRule, PodView, RuleViolation } from './pod-security-types';

// Allowed values of Pod Security Admission, policy version 1.27.
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports'];
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost'];
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const podField = (v: PodView, ...rest: Array<string | number>) => [...v.pod.path, 'spec', ...rest];
const podContextField = (v: PodView, ...rest: Array<string | number>) => podField(v, 'securityContext', ...rest);
const containerContext = (c: PodContainer): any => c.container.securityContext ?? {};
const containerField = (c: PodContainer, ...rest: Array<string | number>) => [...c.path, 'securityContext', ...rest];
const named = (c: PodContainer) => `container "${c.container.name}"`;

/** Violations of one securityContext field that must be unset or one of `allowed`, at pod level and in every container. */
function podAndContainerField(v: PodView, field: string[], allowed: (value: any) => boolean, reason: string): RuleViolation[] {
  const get = (o: any) => field.reduce((n, k) => n?.[k], o);
  const out: RuleViolation[] = [];
  const atPod = get(v.podContext);
  if (atPod !== undefined && !allowed(atPod)) {
    out.push({ path: podContextField(v, ...field), value: atPod, reason: `the pod ${reason}` });
  }
  for (const c of v.containers) {
    const value = get(containerContext(c));
    if (value !== undefined && !allowed(value)) {
      out.push({ path: containerField(c, ...field), value, reason: `${named(c)} ${reason}`, container: c.container.name });
    }
  }
  return out;
}

/**
 * The Pod Security Standards, baseline and restricted, as Kubernetes 1.27's Pod Security Admission
 * checks them: each container's own field, with the pod-level field as fallback where PSA allows it
 * (runAsNonRoot, seccompProfile), and pod-level fields on their own (host namespaces, volumes, sysctls).
 */
export const POD_SECURITY_RULES: ReadonlyArray<PodSecurityRule> = [
  {
    id: 'hostProcess',
    level: PodSecurityLevel.BASELINE,
    description: 'Windows HostProcess containers (windowsOptions.hostProcess) are not allowed',
    check: (v) => podAndContainerField(v, ['windowsOptions', 'hostProcess'], (x) => x === false, 'must not be a Windows HostProcess'),
  },
  {
    id: 'hostNamespaces',
    level: PodSecurityLevel.BASELINE,
    description: 'hostNetwork, hostPID and hostIPC must be unset or false',
    check: (v) => ['hostNetwork', 'hostPID', 'hostIPC']
      .filter((f) => v.pod.spec[f] !== undefined && v.pod.spec[f] !== false)
      .map((f) => ({ path: podField(v, f), value: v.pod.spec[f], reason: `the pod must not share the host's namespaces (${f})` })),
  },
  {
    id: 'privileged',
    level: PodSecurityLevel.BASELINE,
    description: 'privileged containers are not allowed',
    check: (v) => v.containers
      .filter((c) => containerContext(c).privileged !== undefined && containerContext(c).privileged !== false)
      .map((c) => ({ path: containerField(c, 'privileged'), value: containerContext(c).privileged, reason: `${named(c)} must not be privileged`, container: c.container.name })),
  },
  {
    id: 'capabilities_baseline',
    level: PodSecurityLevel.BASELINE,
    description: `capabilities beyond the default set (${BASELINE_CAPABILITIES.join(', ')}) must not be added`,
    check: (v) => v.containers.flatMap((c) => (containerContext(c).capabilities?.add ?? [])
      .map((cap: unknown, i: number) => ({ cap, i }))
      .filter(({ cap }: any) => !BASELINE_CAPABILITIES.includes(cap as string))
      .map(({ cap, i }: any) => ({ path: containerField(c, 'capabilities', 'add', i), value: cap, reason: `${named(c)} must not add capability ${cap}`, container: c.container.name }))),
  },
  {
    id: 'hostPathVolumes',
    level: PodSecurityLevel.BASELINE,
    description: 'hostPath volumes are not allowed',
    check: (v) => (v.pod.spec.volumes ?? []).flatMap((vol: any, i: number) => vol?.hostPath === undefined ? []
      : [{ path: podField(v, 'volumes', i, 'hostPath'), value: vol.hostPath, reason: `volume "${vol.name}" must not be a hostPath` }]),
  },
  {
    id: 'hostPorts',
    level: PodSecurityLevel.BASELINE,
    description: 'host ports must be unset or 0',
    check: (v) => v.containers.flatMap((c) => (c.container.ports ?? []).flatMap((p: any, i: number) =>
      p?.hostPort === undefined || p.hostPort === 0 ? []
        : [{ path: [...c.path, 'ports', i, 'hostPort'], value: p.hostPort, reason: `${named(c)} must not use a host port`, container: c.container.name }])),
  },
  {
    id: 'appArmorProfile',
    level: PodSecurityLevel.BASELINE,
    description: 'AppArmor annotations may only ask for runtime/default or a localhost/ profile',
    check: (v) => Object.entries(v.pod.metadata?.annotations ?? {})
      .filter(([k, val]) => k.startsWith(APPARMOR_PREFIX) && val !== 'runtime/default' && !String(val).startsWith('localhost/'))
      .map(([k, val]) => ({
        path: [...v.pod.path, 'metadata', 'annotations', k], value: val,
        reason: `the AppArmor profile of container "${k.slice(APPARMOR_PREFIX.length)}" must be runtime/default or localhost/*`,
        container: k.slice(APPARMOR_PREFIX.length),
      })),
  },
  {
    id: 'seLinuxOptions',
    level: PodSecurityLevel.BASELINE,
    description: `SELinux type must be one of ${SELINUX_TYPES.filter(Boolean).join(', ')}; user and role must be unset`,
    check: (v) => [
      ...podAndContainerField(v, ['seLinuxOptions', 'type'], (x) => SELINUX_TYPES.includes(x), `must use an SELinux type of ${SELINUX_TYPES.filter(Boolean).join(', ')}`),
      ...podAndContainerField(v, ['seLinuxOptions', 'user'], (x) => x === '', 'must not set an SELinux user'),
      ...podAndContainerField(v, ['seLinuxOptions', 'role'], (x) => x === '', 'must not set an SELinux role'),
    ],
  },
  {
    id: 'procMount',
    level: PodSecurityLevel.BASELINE,
    description: 'procMount must be unset or Default',
    check: (v) => v.containers
      .filter((c) => containerContext(c).procMount !== undefined && containerContext(c).procMount !== 'Default')
      .map((c) => ({ path: containerField(c, 'procMount'), value: containerContext(c).procMount, reason: `${named(c)} must use the Default /proc mount`, container: c.container.name })),
  },
  {
    id: 'seccompProfile_baseline',
    level: PodSecurityLevel.BASELINE,
    description: 'the seccomp profile must not be Unconfined',
    check: (v) => podAndContainerField(v, ['seccompProfile', 'type'], (x) => x !== 'Unconfined', 'must not run Unconfined by seccomp'),
  },
  {
    id: 'sysctls',
    level: PodSecurityLevel.BASELINE,
    description: `only safe sysctls (${SAFE_SYSCTLS.join(', ')}) may be set`,
    check: (v) => (v.podContext.sysctls ?? []).flatMap((s: any, i: number) => SAFE_SYSCTLS.includes(s?.name) ? []
      : [{ path: podContextField(v, 'sysctls', i, 'name'), value: s?.name, reason: `the pod must not set the unsafe sysctl ${s?.name}` }]),
  },
  {
    id: 'restrictedVolumes',
    level: PodSecurityLevel.RESTRICTED,
    description: `volumes must be of the types ${RESTRICTED_VOLUME_TYPES.join(', ')}`,
    check: (v) => (v.pod.spec.volumes ?? []).flatMap((vol: any, i: number) => {
      const types = Object.keys(vol ?? {}).filter((k) => k !== 'name');
      const bad = types.filter((t) => !RESTRICTED_VOLUME_TYPES.includes(t));
      return bad.map((t) => ({ path: podField(v, 'volumes', i, t), value: vol[t], reason: `volume "${vol.name}" must not be of type ${t}` }));
    }),
  },
  {
    id: 'allowPrivilegeEscalation',
    level: PodSecurityLevel.RESTRICTED,
    description: 'containers must set allowPrivilegeEscalation to false',
    check: (v) => v.windows ? [] : v.containers
      .filter((c) => containerContext(c).allowPrivilegeEscalation !== false)
      .map((c) => ({
        path: containerField(c, 'allowPrivilegeEscalation'), value: containerContext(c).allowPrivilegeEscalation,
        reason: `${named(c)} must set allowPrivilegeEscalation to false`, container: c.container.name,
      })),
  },
  {
    id: 'runAsNonRoot',
    level: PodSecurityLevel.RESTRICTED,
    description: 'runAsNonRoot must be true in each container, or in the pod and not false in a container',
    check: (v) => {
      const atPod = v.podContext.runAsNonRoot;
      const out: RuleViolation[] = [];
      if (atPod !== undefined && atPod !== true) {
        out.push({ path: podContextField(v, 'runAsNonRoot'), value: atPod, reason: 'the pod must not set runAsNonRoot to false' });
      }
      for (const c of v.containers) {
        const own = containerContext(c).runAsNonRoot;
        if (own === undefined ? atPod !== true : own !== true) {
          out.push({
            path: containerField(c, 'runAsNonRoot'), value: own, container: c.container.name,
            reason: own === undefined ? `${named(c)} must set runAsNonRoot to true (the pod does not)` : `${named(c)} must set runAsNonRoot to true`,
          });
        }
      }
      return out;
    },
  },
  {
    id: 'runAsUser',
    level: PodSecurityLevel.RESTRICTED,
    description: 'runAsUser must not be 0 (root)',
    check: (v) => podAndContainerField(v, ['runAsUser'], (x) => x !== 0, 'must not run as uid 0'),
  },
  {
    id: 'seccompProfile_restricted',
    level: PodSecurityLevel.RESTRICTED,
    description: 'the seccomp profile must be RuntimeDefault or Localhost, in each container or in the pod',
    check: (v) => {
      if (v.windows) {
        return [];
      }
      const atPod = v.podContext.seccompProfile?.type;
      const out: RuleViolation[] = [];
      if (atPod !== undefined && !SECCOMP_TYPES.includes(atPod)) {
        out.push({ path: podContextField(v, 'seccompProfile', 'type'), value: atPod, reason: 'the pod must use the seccomp profile RuntimeDefault or Localhost' });
      }
      for (const c of v.containers) {
        const own = containerContext(c).seccompProfile?.type;
        if (own === undefined ? !SECCOMP_TYPES.includes(atPod) : !SECCOMP_TYPES.includes(own)) {
          out.push({
            path: containerField(c, 'seccompProfile', 'type'), value: own, container: c.container.name,
            reason: `${named(c)} must use the seccomp profile RuntimeDefault or Localhost${own === undefined ? ' (the pod sets none)' : ''}`,
          });
        }
      }
      return out;
    },
  },
  {
    id: 'capabilities_restricted',
    level: PodSecurityLevel.RESTRICTED,
    description: 'containers must drop ALL capabilities and may add back only NET_BIND_SERVICE',
    check: (v) => v.windows ? [] : v.containers.flatMap((c) => {
      const caps = containerContext(c).capabilities ?? {};
      const out: RuleViolation[] = [];
      if (!(caps.drop ?? []).includes('ALL')) {
        out.push({ path: containerField(c, 'capabilities', 'drop'), value: caps.drop, reason: `${named(c)} must drop ALL capabilities`, container: c.container.name });
      }
      (caps.add ?? []).forEach((cap: unknown, i: number) => {
        if (cap !== 'NET_BIND_SERVICE') {
          out.push({ path: containerField(c, 'capabilities', 'add', i), value: cap, reason: `${named(c)} may add only NET_BIND_SERVICE, not ${cap}`, container: c.container.name });
        }
      });
      return out;
    }),
  },
];
