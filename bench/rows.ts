import { WrkResult } from './wrk';

export type Pod = 'alertmanager' | 'flask';
export type TargetKind = 'direct' | 'sidecar' | 'ceiling' | 'peer';

export const BROWSER = { 'Accept-Encoding': 'gzip, deflate, br' };

/** One row of the bench: a request, a load and the targets it is sent to. */
export interface RowDef {
  readonly id: string;
  readonly pod: Pod;
  readonly title: string;
  /** Path through the sidecar and the ceiling. */
  readonly path: string;
  /** Path on the app directly (a stripped prefix), when it differs. */
  readonly directPath?: string;
  readonly browser: boolean;
  readonly connections: number;
  readonly via: 'veth' | 'loopback';
  readonly targets: TargetKind[];
  /** Issue 9's target, as text, and how it is judged from this row's figures. */
  readonly goal?: string;
  readonly judge?: (s: Measure, d?: Measure, c?: Measure) => boolean;
  /** Show p50/p99 added latency for this row. */
  readonly latency?: boolean;
}

export interface Check {
  readonly status: number;
  readonly encoding: string;
  readonly cache: string;
  readonly vary: string;
}

export interface Measure {
  /** 'direct', 'ceiling', or the sidecar's config name. */
  readonly target: string;
  readonly kind: TargetKind;
  /** The run with the median req/s. */
  readonly wrk: WrkResult;
  readonly check: Check;
  /** Lowest and highest req/s of the runs. */
  readonly rpsRange: [number, number];
  /** CPU time the target's container spent in the median run (user + system, every process and thread). */
  readonly cpuSeconds?: number;
}

/**
 * Answers below 400 per CPU-second of the target's own container (the proxy's, or the app's when
 * direct): an error answered fast is not work done.
 */
export const perCpuSecond = (m: Measure): number | undefined => (m.cpuSeconds && m.cpuSeconds > 0 ? (m.wrk.requests - m.wrk.non2xx) / m.cpuSeconds : undefined);

const errorsOf = (m: Measure) => m.wrk.socketErrors + m.wrk.non2xx;
// A stall (tcp_nopush over loopback) shows at the median (40 ms); p99 on this shared machine is noise.
const noStall = (m: Measure) => m.wrk.p50us < 1000;
const gzipped = (m: Measure) => m.check.encoding === 'gzip';

export const ROWS: RowDef[] = [
  {
    id: 'A1', pod: 'alertmanager', title: 'cached /lib/app.css, browser, 64 conn', path: '/lib/app.css', browser: true, connections: 64,
    via: 'veth', targets: ['direct', 'sidecar', 'ceiling', 'peer'], goal: '≥ 2× direct, ≥ 0.7× ceiling, gzip, 0 errors',
    judge: (s, d, c) => s.wrk.rps >= 2 * d!.wrk.rps && s.wrk.rps >= 0.7 * c!.wrk.rps && gzipped(s) && errorsOf(s) === 0,
  },
  {
    id: 'A2', pod: 'alertmanager', title: 'cached /lib/app.css, plain, 64 conn', path: '/lib/app.css', browser: false, connections: 64,
    via: 'veth', targets: ['direct', 'sidecar', 'ceiling', 'peer'], goal: '≥ 0.7× ceiling, 0 errors',
    judge: (s, _d, c) => s.wrk.rps >= 0.7 * c!.wrk.rps && errorsOf(s) === 0,
  },
  {
    id: 'A3', pod: 'alertmanager', title: 'cached /lib/app.css, browser, 1 conn', path: '/lib/app.css', browser: true, connections: 1,
    via: 'veth', targets: ['direct', 'sidecar', 'ceiling', 'peer'], goal: '≥ 0.7× ceiling, gzip',
    judge: (s, _d, c) => s.wrk.rps >= 0.7 * c!.wrk.rps && gzipped(s),
  },
  {
    id: 'A4', pod: 'alertmanager', title: 'cached /lib/app.css, plain, 1 conn', path: '/lib/app.css', browser: false, connections: 1,
    via: 'veth', targets: ['direct', 'sidecar', 'ceiling', 'peer'], goal: '≥ 0.7× ceiling',
    judge: (s, _d, c) => s.wrk.rps >= 0.7 * c!.wrk.rps,
  },
  {
    id: 'A5', pod: 'alertmanager', title: 'cached /lib/app.css, plain, 1 conn, pod loopback', path: '/lib/app.css', browser: false,
    connections: 1, via: 'loopback', targets: ['direct', 'sidecar', 'ceiling'], goal: '≥ 1× direct, no stall (p50 < 1 ms)',
    judge: (s, d) => s.wrk.rps >= d!.wrk.rps && noStall(s),
  },
  {
    id: 'A6', pod: 'alertmanager', title: 'cached /lib/app.css, browser, 1 conn, pod loopback', path: '/lib/app.css', browser: true,
    connections: 1, via: 'loopback', targets: ['direct', 'sidecar', 'ceiling'], goal: '(not in issue 9) ≥ 1× direct, no stall',
    judge: (s, d) => s.wrk.rps >= d!.wrk.rps && noStall(s),
  },
  {
    id: 'P1', pod: 'alertmanager', title: 'uncached /api/v2/status, 1 conn', path: '/api/v2/status', browser: false, connections: 1,
    via: 'veth', targets: ['direct', 'sidecar', 'peer'], goal: 'added p50 ≤ 100 µs', latency: true,
    judge: (s, d) => s.wrk.p50us - d!.wrk.p50us <= 100,
  },
  {
    id: 'P2', pod: 'alertmanager', title: 'uncached /api/v2/status, 32 conn', path: '/api/v2/status', browser: false, connections: 32,
    via: 'veth', targets: ['direct', 'sidecar', 'peer'], goal: '≥ 0.7× direct', latency: true,
    judge: (s, d) => s.wrk.rps >= 0.7 * d!.wrk.rps,
  },
  {
    id: 'M1', pod: 'alertmanager', title: 'uncached /api/v2/status, 512 conn', path: '/api/v2/status', browser: false, connections: 512,
    via: 'veth', targets: ['direct', 'sidecar', 'peer'], goal: '0 socket errors (AlertManager\'s own 503s pass through)',
    judge: (s) => s.wrk.socketErrors === 0,
  },
  {
    id: 'F1', pod: 'flask', title: 'static / from the ConfigMap, browser, 64 conn', path: '/', browser: true, connections: 64,
    via: 'veth', targets: ['sidecar'],
  },
  {
    id: 'F2', pod: 'flask', title: 'static / from the ConfigMap, plain, 64 conn', path: '/', browser: false, connections: 64,
    via: 'veth', targets: ['sidecar'],
  },
  {
    id: 'F3', pod: 'flask', title: 'proxied /api/ (gunicorn), 512 conn', path: '/api/', directPath: '/', browser: false, connections: 512,
    via: 'veth', targets: ['direct', 'sidecar'], goal: '0 errors when direct has none',
    judge: (s, d) => errorsOf(d!) > 0 || errorsOf(s) === 0,
  },
];

export const PORTS: Record<Pod, Record<Exclude<TargetKind, 'peer'>, number>> = {
  alertmanager: { direct: 9093, sidecar: 8080, ceiling: 8081 },
  flask: { direct: 5000, sidecar: 8080, ceiling: 0 },
};
