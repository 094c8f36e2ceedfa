import { PEERS } from './peers';
import { Measure, RowDef, perCpuSecond } from './rows';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}×` : '');

/** The peer with the highest value of `f` in a row, if any peer was measured. */
function best(measures: Measure[], f: (m: Measure) => number | undefined): Measure | undefined {
  return measures.filter((m) => m.kind === 'peer' && f(m) !== undefined)
    .sort((a, b) => f(b)! - f(a)!)[0];
}

/** Who leads a row by `f` among the first sidecar config and the peers. */
function leader(measures: Measure[], f: (m: Measure) => number | undefined): string {
  const sidecar = measures.find((m) => m.kind === 'sidecar');
  const top = measures.filter((m) => (m === sidecar || m.kind === 'peer') && f(m) !== undefined)
    .sort((a, b) => f(b)! - f(a)!)[0];
  return top ? (top.kind === 'sidecar' ? `**sidecar (${top.target})**` : top.target) : '';
}

/**
 * The sidecar (its first config) against the best peer of each row that has peers: requests per
 * second, requests per CPU-second of the target's own container, and for the latency rows the
 * added p50 over the app direct (lower is better; the leader by it is named).
 */
export function peersTable(rows: Array<{ row: RowDef; measures: Measure[] }>): string[] {
  const lines = [
    '| Row | sidecar req/s | best peer req/s | × best peer | sidecar req/CPU-s | best peer req/CPU-s | × best peer | leads per request | leads per CPU-second |',
    '|---|--:|--:|--:|--:|--:|--:|---|---|',
  ];
  for (const { row, measures } of rows) {
    const s = measures.find((m) => m.kind === 'sidecar');
    if (!s || !measures.some((m) => m.kind === 'peer')) {
      continue;
    }
    const rps = (m: Measure) => m.wrk.rps;
    const byRps = best(measures, rps)!;
    // A peer without a cache hands every cached-row request to the app, whose CPU is not in its
    // container's: per CPU-second it is compared on the uncached rows only.
    const cachedRow = measures.some((m) => m.check.cache === 'HIT');
    const cpu = (m: Measure) => (cachedRow && m.kind === 'peer' && PEERS.find((p) => p.name === m.target)?.caches === false ? undefined : perCpuSecond(m));
    const byCpu = best(measures, cpu);
    const d = measures.find((m) => m.kind === 'direct');
    // The latency row is judged by the time added to the app's answer: fewer µs leads.
    const added = (m: Measure) => (d ? -(m.wrk.p50us - d.wrk.p50us) : undefined);
    const perRequest = row.latency && row.connections === 1 && d
      ? `${leader(measures, added)} (added p50: sidecar +${int(s.wrk.p50us - d.wrk.p50us)} µs, ${measures.filter((m) => m.kind === 'peer')
        .map((m) => `${m.target} +${int(m.wrk.p50us - d.wrk.p50us)}`).join(', ')})`
      : leader(measures, rps);
    lines.push(`| ${row.id} ${row.title} | ${int(s.wrk.rps)} | ${int(byRps.wrk.rps)} (${byRps.target}) | ${ratio(s.wrk.rps, byRps.wrk.rps)} `
      + `| ${perCpuSecond(s) ? int(perCpuSecond(s)!) : ''} | ${byCpu ? `${int(perCpuSecond(byCpu)!)} (${byCpu.target})` : ''} `
      + `| ${ratio(perCpuSecond(s), byCpu && perCpuSecond(byCpu))} | ${perRequest} | ${leader(measures, cpu)} |`);
  }
  return lines;
}
