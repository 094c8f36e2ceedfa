// npm run bench [-- --smoke] [--conf NAME=PATH ...] [--rows A1,P1] [--seconds N] [--reps N] [--no-synth] [--no-peers] [--out FILE]
//
// Issue 9's benchmark: the alertmanager and flask-hello pods from dist/ run as a kubelet would
// (test/support/pod-runner.ts, real nginx, AlertManager and gunicorn), loaded by wrk from a client
// network namespace on a veth pair (MTU 1500) or from the pod's loopback; the sidecar beside the
// app direct, nginx's own static-file ceiling and the peers a user could pick instead (Varnish,
// HAProxy, Caddy: bench/peers/), per request and per CPU-second; then synthesis at 10/100/1,000
// Deployments. Writes BENCHMARKS.md and its chart (smoke runs write under test-output/bench/).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { httpSync } from '../test/support/pod-http';
import { RunningPod } from '../test/support/pod-runner';
import { prepareUi } from './asset';
import { cacheChecks } from './checks';
import { PEERS, Peer, checkPeersInstalled } from './peers';
import { ROOT, generatedAlertmanagerConf, nginxWorkers, rssKb, sidecarPort, startAlertmanager, startFlask } from './pods';
import { Report, writeReport } from './report';
import { BROWSER, Check, Measure, PORTS, ROWS, RowDef, TargetKind, perCpuSecond } from './rows';
import { benchSynth } from './synth';
import { benchTestServer } from './test-server';
import { WrkResult, runWrk } from './wrk';

interface Args {
  smoke: boolean;
  seconds: number;
  reps: number;
  confs: Array<{ name: string; file?: string; text: string }>;
  rows?: Set<string>;
  synth: boolean;
  peers: Peer[];
  out: string;
}

function parseArgs(argv: string[]): Args {
  const smoke = argv.includes('--smoke');
  const confs: Args['confs'] = [];
  let rows: Set<string> | undefined;
  let seconds = smoke ? 1 : 2;
  let reps = smoke ? 1 : 3;
  let out = smoke ? path.join(ROOT, 'test-output', 'bench', 'BENCHMARKS.md') : path.join(ROOT, 'BENCHMARKS.md');
  let synth = true;
  let peers = true;
  let generated = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) {
        throw new Error(`${a} needs a value`);
      }
      return argv[++i];
    };
    if (a === '--smoke') {
      continue;
    } else if (a === '--conf') {
      const v = value();
      const eq = v.indexOf('=');
      const file = eq > 0 ? v.slice(eq + 1) : v;
      confs.push({ name: eq > 0 ? v.slice(0, eq) : path.basename(v).replace(/\.conf$/, ''), file, text: fs.readFileSync(file, 'utf8') });
    } else if (a === '--no-generated') {
      generated = false;
    } else if (a === '--rows') {
      rows = new Set(value().split(','));
    } else if (a === '--seconds') {
      seconds = Number(value());
    } else if (a === '--reps') {
      reps = Number(value());
    } else if (a === '--no-synth') {
      synth = false;
    } else if (a === '--no-peers') {
      peers = false;
    } else if (a === '--out') {
      out = path.resolve(value());
    } else {
      throw new Error(`unknown argument ${a}\nusage: npm run bench -- [--smoke] [--conf NAME=PATH]... [--no-generated] [--rows A1,P1] [--seconds N] [--reps N] [--no-synth] [--no-peers] [--out FILE]`);
    }
  }
  if (generated) {
    confs.unshift({ name: 'generated', text: generatedAlertmanagerConf() });
  }
  if (confs.length === 0) {
    throw new Error('no sidecar config to measure');
  }
  return { smoke, seconds, reps, confs, rows, synth, peers: peers ? PEERS : [], out };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function check(netns: string, url: string, browser: boolean): Check {
  const r = httpSync(netns, url, { headers: browser ? BROWSER : {} });
  return {
    status: r.status,
    encoding: r.headers['content-encoding'] ?? '',
    cache: r.headers['x-cache-status'] ?? '',
    vary: r.headers.vary ?? '',
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function printMeasure(row: RowDef, m: Measure): void {
  const w = m.wrk;
  // eslint-disable-next-line no-console
  console.log(`${row.id} ${row.title.padEnd(52)} ${m.target.padEnd(12)} ${fmt(w.rps).padStart(7)} req/s `
    + `${fmt(w.bytesPerResponse).padStart(7)} B/resp p50 ${fmt(w.p50us).padStart(6)} µs p99 ${fmt(w.p99us).padStart(7)} µs `
    + `errors ${w.socketErrors}/${w.non2xx} ${m.check.status} ${m.check.encoding || 'identity'} ${m.check.cache} `
    + `(req/s ${fmt(m.rpsRange[0])}–${fmt(m.rpsRange[1])}) ${m.cpuSeconds !== undefined ? `${fmt(perCpuSecond(m) ?? 0)} req/CPU-s` : ''}`);
}

/** One thing measured: where it listens and the container whose CPU time it spends. */
interface Target {
  readonly kind: TargetKind;
  readonly name: string;
  readonly port: number;
  readonly container: string;
}

/**
 * Runs the rows of one pod for the given targets: each row `reps` times round the targets
 * (interleaved, so a noisy neighbour hits them alike), keeping for each target the run with the
 * median req/s, the CPU time its container spent in that run, and the spread of all.
 */
async function runRows(pod: RunningPod, rows: RowDef[], targets: Target[],
  seconds: number, reps: number, results: Map<string, Measure[]>): Promise<void> {
  const client = pod.addVethClient({ mtu: 1500 });
  for (const row of rows) {
    const netns = row.via === 'veth' ? client.netns : pod.netns;
    const host = row.via === 'veth' ? client.podAddress : '127.0.0.1';
    const here = targets.filter((x) => row.targets.includes(x.kind));
    const url = (t: Target) => `http://${host}:${t.port}${t.kind === 'direct' ? row.directPath ?? row.path : row.path}`;
    // Fill the cache (or warm the app), then check what a client of this row gets.
    const checks = here.map((t) => {
      check(netns, url(t), row.browser);
      return check(netns, url(t), row.browser);
    });
    const runs: Array<Array<{ wrk: WrkResult; cpuSeconds: number }>> = here.map(() => []);
    for (let r = 0; r < reps; r++) {
      for (const [i, t] of here.entries()) {
        const cpu0 = pod.cpuSeconds(t.container);
        const wrk = await runWrk({ netns, url: url(t), connections: row.connections, seconds, headers: row.browser ? BROWSER : {} });
        runs[i].push({ wrk, cpuSeconds: pod.cpuSeconds(t.container) - cpu0 });
        // Let the sockets of the last run close before the next.
        await sleep(row.connections > 64 ? 1500 : 200);
      }
    }
    here.forEach((t, i) => {
      const sorted = [...runs[i]].sort((a, b) => a.wrk.rps - b.wrk.rps);
      const median = sorted[Math.floor((sorted.length - 1) / 2)];
      const m: Measure = {
        target: t.name, kind: t.kind, wrk: median.wrk, cpuSeconds: median.cpuSeconds, check: checks[i],
        rpsRange: [sorted[0].wrk.rps, sorted[sorted.length - 1].wrk.rps],
      };
      results.set(row.id, [...(results.get(row.id) ?? []), m]);
      printMeasure(row, m);
    });
  }
}

function machine(): Report['machine'] {
  // Some tools print their version on stderr (nginx -v): read both.
  const sh = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || String(r.error?.message ?? '?');
  };
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? '?';
  return {
    nproc: sh('nproc', []),
    cpu,
    kernel: sh('uname', ['-r']),
    nginx: sh('nginx', ['-v']).replace(/^nginx version: /, ''),
    wrk: /wrk (\S+)/.exec(sh('wrk', ['-v']))?.[1] ?? '?',
    alertmanager: /version (\S+)/.exec(sh('prometheus-alertmanager', ['--version']))?.[1] ?? '?',
    gunicorn: sh('gunicorn', ['--version']),
    ...Object.fromEntries(PEERS.map((p) => [p.name, p.version(sh(p.versionCommand[0], p.versionCommand.slice(1)))])),
    node: process.version,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  };
}

/** `--render FILE.json`: writes the report of an earlier run again (after a change to the report or the judging). */
async function render(file: string): Promise<void> {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  const rows = saved.rows.map((r: any) => ({ row: ROWS.find((x) => x.id === r.id)!, measures: r.measures }));
  await writeReport({ ...saved, rows }, file.replace(/\.json$/, '.md'));
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--render');
  if (i >= 0) {
    return render(process.argv[i + 1]);
  }
  const args = parseArgs(process.argv.slice(2));
  checkPeersInstalled(args.peers);
  const t0 = Date.now();
  const want = (r: RowDef) => !args.rows || args.rows.has(r.id);
  const results = new Map<string, Measure[]>();
  const memory: Report['memory'] = [];
  const checks: Report['checks'] = [];
  const uiDir = path.join(ROOT, 'test-output', 'bench', 'alertmanager-ui');
  const ui = prepareUi(path.join(ROOT, 'test', 'fixtures', 'alertmanager-ui'), uiDir, 99 * 1024);

  const amRows = ROWS.filter((r) => r.pod === 'alertmanager' && want(r));
  if (amRows.length) {
    const pod = await startAlertmanager(args.confs.map((c) => c.text), ui, args.peers);
    try {
      const sidecars: Target[] = args.confs.map((c, i) => ({ kind: 'sidecar', name: c.name, port: sidecarPort(i), container: i === 0 ? 'nginx' : `nginx-${i}` }));
      const peers: Target[] = args.peers.map((p) => ({ kind: 'peer', name: p.name, port: p.port, container: p.name }));
      const idle = sidecars.map((t) => nginxWorkers(pod, t.port).map(rssKb));
      // Debian's Caddy has no cache: nothing of the cache to check.
      for (const t of [...sidecars, ...peers.filter((t) => args.peers.find((p) => p.name === t.name)!.caches)]) {
        const found = cacheChecks(pod, t.port, ui.css);
        checks.push({ conf: t.name, checks: found });
        for (const c of found) {
          // eslint-disable-next-line no-console
          console.log(`check ${t.name}: ${c.ok ? 'ok  ' : 'FAIL'} ${c.name} (${c.detail})`);
        }
      }
      const targets: Target[] = [{ kind: 'direct', name: 'direct', port: PORTS.alertmanager.direct, container: 'alertmanager' }, ...sidecars,
        { kind: 'ceiling', name: 'ceiling', port: PORTS.alertmanager.ceiling, container: 'ceiling' }, ...peers];
      await runRows(pod, amRows, targets, args.seconds, args.reps, results);
      sidecars.forEach((t, i) => memory.push({
        conf: t.name, workers: idle[i].length, idleKb: sum(idle[i]), afterKb: sum(nginxWorkers(pod, t.port).map(rssKb)),
      }));
    } finally {
      await pod.stop();
    }
  }
  const flaskRows = ROWS.filter((r) => r.pod === 'flask' && want(r));
  if (flaskRows.length) {
    const pod = await startFlask();
    try {
      await runRows(pod, flaskRows, [{ kind: 'direct', name: 'direct', port: PORTS.flask.direct, container: 'app' },
        { kind: 'sidecar', name: 'generated', port: PORTS.flask.sidecar, container: 'nginx' }], args.seconds, args.reps, results);
    } finally {
      await pod.stop();
    }
  }
  const synth = args.synth ? await benchSynth(args.smoke ? [10, 100] : [10, 100, 1000], args.smoke ? 1 : 2) : [];
  for (const s of synth) {
    // eslint-disable-next-line no-console
    console.log(`synth ${String(s.n).padStart(5)} Deployments ${s.withSidecar ? 'with sidecar' : 'bare        '} `
      + `${s.ms.toFixed(0).padStart(6)} ms  peak RSS ${(s.maxRssKb / 1024).toFixed(0)} MiB  YAML ${(s.yamlBytes / 1024).toFixed(0)} KiB`);
  }
  const testServer = await benchTestServer(args.smoke ? 2 : 20);
  for (const t of testServer) {
    // eslint-disable-next-line no-console
    console.log(`test server ${t.source}: start ${t.startMedianMs.toFixed(0)} ms (max ${t.startMaxMs.toFixed(0)}), `
      + `stop ${t.stopMedianMs.toFixed(0)} ms (max ${t.stopMaxMs.toFixed(0)}), nginx ${(t.rssKib / 1024).toFixed(1)} MiB`);
  }
  const report: Report = {
    machine: machine(),
    argv: process.argv.slice(2),
    smoke: args.smoke,
    seconds: args.seconds,
    reps: args.reps,
    confs: args.confs.map((c) => ({ name: c.name, file: c.file })),
    asset: { bytes: ui.css.length, gzipBytes: ui.gz.length },
    rows: ROWS.filter((r) => results.has(r.id)).map((row) => ({ row, measures: results.get(row.id)! })),
    memory,
    checks,
    synth,
    testServer,
    elapsedS: (Date.now() - t0) / 1000,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out.replace(/\.md$/, '') + '.json', JSON.stringify({ ...report, rows: report.rows.map((r) => ({ id: r.row.id, measures: r.measures })) }, null, 1));
  await writeReport(report, args.out);
  // eslint-disable-next-line no-console
  console.log(`wrote ${path.relative(process.cwd(), args.out)} in ${report.elapsedS.toFixed(0)} s`);
}

main().catch((e) => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exit(1);
});
