import * as fs from 'fs';
import * as path from 'path';
import { CacheCheck } from './checks';
import { Measure, RowDef, perCpuSecond } from './rows';
import { peersTable } from './report-peers';
import { SynthSample } from './synth';
import { TestServerSample } from './test-server';

export interface Report {
  readonly machine: Record<string, string>;
  readonly argv: string[];
  readonly smoke: boolean;
  readonly seconds: number;
  readonly reps: number;
  readonly confs: Array<{ name: string; file?: string }>;
  readonly asset: { bytes: number; gzipBytes: number };
  readonly rows: Array<{ row: RowDef; measures: Measure[] }>;
  readonly memory: Array<{ conf: string; workers: number; idleKb: number; afterKb: number }>;
  readonly checks: Array<{ conf: string; checks: CacheCheck[] }>;
  readonly synth: SynthSample[];
  readonly testServer: TestServerSample[];
  readonly elapsedS: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b?: number) => b ? `${(a / b).toFixed(2)}×` : '';
const signed = (n: number) => `${n >= 0 ? '+' : '−'}${int(Math.abs(n))}`;

/** vega and vega-lite are ES modules; a real dynamic import (not the require ts-node would emit). */
const importEsm = new Function('m', 'return import(m)') as (m: string) => Promise<any>;

/** Requests per second of every data-plane row and target, as an SVG bar chart (log scale). */
async function chart(report: Report): Promise<string> {
  const vega = await importEsm('vega');
  const vl = await importEsm('vega-lite');
  const values = report.rows.flatMap(({ row, measures }) => measures.map((m) => ({
    row: `${row.id} ${row.title}`, target: m.kind === 'sidecar' ? `sidecar: ${m.target}` : m.target, rps: Math.max(1, m.wrk.rps),
  })));
  const spec = vl.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Requests per second (log scale), one run', subtitle: `${report.machine.nproc} cores, ${report.machine.cpu}` },
    data: { values },
    width: 640,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'row', type: 'nominal', title: null, sort: null, axis: { labelLimit: 360 } },
      yOffset: { field: 'target', type: 'nominal', sort: null },
      x: { field: 'rps', type: 'quantitative', scale: { type: 'log' }, title: 'req/s' },
      color: { field: 'target', type: 'nominal', sort: null, legend: { orient: 'bottom', columns: 4 } },
    },
    config: { font: 'sans-serif', view: { stroke: null } },
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg: string = await view.toSVG();
  view.finalize();
  return svg;
}

function dataPlaneTable(report: Report): string[] {
  const lines = [
    '| Row | Target | req/s (median) | range | × direct | × ceiling | req/CPU-s | bytes/response | p50 µs | p99 µs | errors: socket / ≥400 | answer |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const { row, measures } of report.rows) {
    const d = measures.find((m) => m.kind === 'direct');
    const c = measures.find((m) => m.kind === 'ceiling');
    for (const m of measures) {
      const w = m.wrk;
      const cpu = perCpuSecond(m);
      const added = row.latency && d && m.kind !== 'direct' ? ` (${signed(w.p50us - d.wrk.p50us)})` : '';
      const added99 = row.latency && d && m.kind !== 'direct' ? ` (${signed(w.p99us - d.wrk.p99us)})` : '';
      const answer = [m.check.status, m.check.encoding || 'identity', m.check.cache].filter(Boolean).join(' ');
      lines.push(`| ${row.id} ${row.title}${row.via === 'loopback' ? '' : ' (veth)'} | ${m.kind === 'sidecar' ? `**sidecar: ${m.target}**` : m.target} `
        + `| ${int(w.rps)} | ${int(m.rpsRange[0])}–${int(m.rpsRange[1])} | ${m.kind === 'direct' ? '' : ratio(w.rps, d?.wrk.rps)} | ${m.kind === 'ceiling' ? '' : ratio(w.rps, c?.wrk.rps)} `
        + `| ${cpu ? int(cpu) : ''} | ${int(w.bytesPerResponse)} | ${int(w.p50us)}${added} | ${int(w.p99us)}${added99} | ${w.socketErrors} / ${w.non2xx} | ${answer} |`);
    }
  }
  return lines;
}

function targetsTable(report: Report): string[] {
  const names = report.confs.map((c) => c.name);
  const lines = [`| Row | Issue 9's target | ${names.map((n) => `sidecar: ${n}`).join(' | ')} |`, `|---|---|${names.map(() => '---|').join('')}`];
  for (const { row, measures } of report.rows) {
    if (!row.goal || !row.judge) {
      continue;
    }
    const d = measures.find((m) => m.kind === 'direct');
    const c = measures.find((m) => m.kind === 'ceiling');
    const cells = names.map((n) => {
      const s = measures.find((m) => m.kind === 'sidecar' && m.target === n);
      if (!s) {
        return '';
      }
      const figures = [d ? `${ratio(s.wrk.rps, d.wrk.rps)} direct` : '', c ? `${ratio(s.wrk.rps, c.wrk.rps)} ceiling` : ''];
      if (row.latency && d) {
        figures.push(`${signed(s.wrk.p50us - d.wrk.p50us)} µs p50`);
      }
      if (row.connections >= 512) {
        figures.push(`${s.wrk.socketErrors} socket errors, ${s.wrk.non2xx} ≥400 (direct ${d?.wrk.socketErrors} / ${d?.wrk.non2xx})`);
      }
      if (row.path.startsWith('/lib/')) {
        figures.push(s.check.encoding || 'identity');
      }
      return `${row.judge!(s, d, c) ? 'met' : '**missed**'}: ${figures.filter(Boolean).join(', ')}`;
    });
    lines.push(`| ${row.id} ${row.title} | ${row.goal} | ${cells.join(' | ')} |`);
  }
  const by = (n: number, sidecar: boolean) => report.synth.find((s) => s.n === n && s.withSidecar === sidecar);
  const big = Math.max(0, ...report.synth.map((s) => s.n));
  const bare = by(big, false);
  const side = by(big, true);
  if (bare && side) {
    const met = side.ms <= 2.5 * bare.ms;
    lines.push(`| synthesis of ${int(big)} Deployments | sidecar ≤ 2.5× bare, linear in N | ${met ? 'met' : '**missed**'}: `
      + `${ratio(side.ms, bare.ms)} (${int(side.ms)} ms vs ${int(bare.ms)} ms; ${ratio(side.ms - (side.checksMs ?? 0) + (side.renderMs ?? 0), bare.ms)} `
      + `without the synth-time checks but for their render) |${names.slice(1).map(() => ' |').join('')}`);
  }
  return lines;
}

function synthTable(report: Report): string[] {
  const sizes = [...new Set(report.synth.map((s) => s.n))];
  const lines = [
    '| Deployments | bare ms | with sidecar ms | ratio | sidecar: build / checks (of which render) / output ms | bare ms/Deployment | sidecar ms/Deployment | bare peak RSS | sidecar peak RSS | YAML bare / sidecar |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const n of sizes) {
    const b = report.synth.find((s) => s.n === n && !s.withSidecar)!;
    const s = report.synth.find((x) => x.n === n && x.withSidecar)!;
    const parts = s.buildMs === undefined ? ''
      : `${int(s.buildMs)} / ${int(s.checksMs)} (render ${int(s.renderMs)}) / ${int(s.ms - s.buildMs - s.checksMs)}`;
    lines.push(`| ${int(n)} | ${int(b.ms)} | ${int(s.ms)} | ${ratio(s.ms, b.ms)} | ${parts} | ${(b.ms / n).toFixed(2)} | ${(s.ms / n).toFixed(2)} `
      + `| ${int(b.maxRssKb / 1024)} MiB | ${int(s.maxRssKb / 1024)} MiB | ${int(b.yamlBytes / 1024)} / ${int(s.yamlBytes / 1024)} KiB |`);
  }
  return lines;
}

export async function writeReport(report: Report, out: string): Promise<void> {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const svgFile = out.replace(/\.md$/, '') + '.svg';
  if (report.rows.length) {
    fs.writeFileSync(svgFile, await chart(report));
  }
  const m = report.machine;
  const cmd = ['npm run bench', ...(report.argv.length ? ['--', ...report.argv] : [])].join(' ');
  const text = [
    '# Benchmarks',
    '',
    `Written by \`${cmd}\` (${report.smoke ? 'smoke run, about a second per row: the figures mean nothing' : `each row ${report.reps} times round its targets, ${report.seconds} s each`}; `
      + `the whole run took ${Math.round(report.elapsedS)} s). One run, every row side by side; each figure is the run with the median req/s, `
      + 'its range beside it. This is a 2-core virtual machine whose speed drifts from run to run (ratios too, by up to a tenth), so single figures are noisy: compare medians, and read ranges.',
    '',
    '## Machine',
    '',
    '| | |', '|---|---|',
    `| \`nproc\` | ${m.nproc} |`,
    `| CPU | ${m.cpu} |`,
    `| kernel | ${m.kernel} |`,
    `| memory | ${m.memory} |`,
    `| nginx | ${m.nginx} (Debian nginx-light) |`,
    `| AlertManager | ${m.alertmanager} (Debian) |`,
    `| gunicorn | ${m.gunicorn} |`,
    `| wrk | ${m.wrk} (Debian) |`,
    ...(m.varnish ? [`| Varnish | ${m.varnish} (Debian) |`, `| HAProxy | ${m.haproxy} (Debian) |`, `| Caddy | ${m.caddy} (Debian) |`] : []),
    `| node | ${m.node} |`,
    '',
    '## How it runs',
    '',
    '```sh',
    'npm ci && npm run synth             # dist/ as the README says; Debian: nginx-light prometheus-alertmanager gunicorn python3-flask wrk curl iproute2 varnish haproxy caddy',
    'npm run bench                       # full run: 3 × 2 s per row and target, about 8 minutes (more with each --conf); BENCHMARKS.md, .svg, .json',
    'npm run bench -- --no-peers         # without Varnish, HAProxy and Caddy',
    'npm run bench -- --smoke            # about a second per row, writes test-output/bench/',
    'npm run bench -- --conf fast=bench/configs/alertmanager-fast.conf   # another alertmanager nginx.conf, side by side',
    'npm run bench -- --rows A1,P1 --seconds 3 --no-synth                # a few rows while tuning',
    'npm run bench -- --render BENCHMARKS.json                           # the report again from saved figures',
    '```',
    '',
    '- Pods: `dist/alertmanager.k8s.yaml` (StatefulSet `monitor-alertmanager`) and `dist/flask-hello.k8s.yaml` run by the pod runner '
      + '(`test/support/pod-runner.ts`) as a kubelet would: one network namespace, each container in its sandbox, as its uid, read-only root.',
    `- The client (\`wrk --latency\`, Lua script for headers and exact counts) runs in a network namespace of its own on a veth pair with MTU 1500 `
      + '(`RunningPod.addVethClient`), as pod traffic arrives; the loopback rows run it inside the pod\'s namespace (the path of `kubectl port-forward` and probes). '
      + 'Threads: 1 per 32 connections, at most the cores. "browser" sends `Accept-Encoding: gzip, deflate, br`; "plain" sends none.',
    `- The asset: the UI fixture's \`lib/app.css\` is 3.4 KB, so the bench serves a generated, bootstrap-like minified stylesheet of `
      + `${int(report.asset.bytes)} bytes (gzip -9: ${int(report.asset.gzipBytes)}) in a copy of the fixture (\`bench/asset.ts\`); the fixture itself is unchanged.`,
    '- Direct: AlertManager on :9093 (gunicorn on :5000). AlertManager answers 503 beyond its GET concurrency limit (GOMAXPROCS or 8): '
      + 'those are the app\'s own answers, counted as ≥400.',
    `- Ceiling: a second nginx container added to the same pod (same binary, same worker count as the sidecar, \`sendfile on\`, \`tcp_nopush off\`, `
      + '`gzip_static on` with the `.gz` beside the file, `open_file_cache`, no access log), serving the same bytes on :8081: the physical limit of this machine for those bytes.',
    `- Sidecar configs: ${report.confs.map((c) => `**${c.name}**${c.file ? ` (\`${c.file}\`)` : ' (dist/alertmanager.k8s.yaml, ConfigMap alertmanager-proxy-config)'}`).join(', ')}; `
      + 'all in the same pod (the first as the example\'s `nginx` container on 8080; each further one in a copy of that container, with its own '
      + 'ConfigMap and cache emptyDir, its `listen 8080` moved to 8101, 8102, ...), measured one after the other in each row. flask-hello runs its generated config.',
    '- Peers: Varnish, HAProxy and Caddy from Debian, each a container of the same pod in front of the same AlertManager, configured '
      + 'for the same job (cache `/lib/`, compress text, pass the API) as its docs recommend, one worker where it has the knob: '
      + '[bench/peers/](bench/peers/README.md) has the configs and the reason for each choice. Their answers are checked as the sidecar\'s are.',
    '- req/CPU-s: answers below 400 per CPU-second of the target\'s own container (user and system time of all its processes and threads, '
      + 'from /proc, over the median run): the proxy\'s cost per request, whatever the number of cores it spreads over; for direct, the app\'s. '
      + 'A peer without a cache (Caddy) is left out of the per-CPU comparison on the cached rows: its requests\' work is in the app\'s container.',
    '- Each target is warmed by two requests (the second is the "answer" column: status, Content-Encoding, X-Cache-Status) before wrk runs.',
    '- bytes/response: HTTP bytes (headers and body) wrk received per response.',
    '',
    '## Issue 9\'s targets',
    '',
    ...targetsTable(report),
    '',
    ...(report.rows.some((r) => r.measures.some((m) => m.kind === 'peer')) ? [
      '## Against the peers',
      '',
      'The sidecar (generated config) beside the best peer of each row, by requests per second and by answers below 400 per CPU-second of each '
        + 'one\'s own container (full figures per peer under Data plane). Caddy has no cache in Debian: on the cached rows it proxies every request, '
        + 'so it is compared there per request only.',
      '',
      ...peersTable(report.rows),
      '',
    ] : []),
    ...(report.checks.length ? [
      '## Cache correctness',
      '',
      'Checked for each sidecar config and each caching peer before the rows run (`bench/checks.ts`), on URLs of their own:',
      '',
      `| check | ${report.checks.map((c) => c.conf).join(' | ')} |`,
      `|---|${report.checks.map(() => '---|').join('')}`,
      ...report.checks[0].checks.map((c, i) => `| ${c.name} | ${report.checks.map((x) => `${x.checks[i].ok ? 'ok' : '**FAIL**'}: ${x.checks[i].detail}`).join(' | ')} |`),
      '',
    ] : []),
    'How the `fast` config was found, change by change, with syscalls per request: [bench/configs/README.md](bench/configs/README.md).',
    '',
    // The misses explained: prose kept beside the bench, read after each run.
    ...(fs.existsSync(path.join(__dirname, 'MISSES.md')) ? [fs.readFileSync(path.join(__dirname, 'MISSES.md'), 'utf8').trim(), ''] : []),
    '## Data plane',
    '',
    `![requests per second](${path.basename(svgFile)})`,
    '',
    ...dataPlaneTable(report),
    '',
    ...(report.memory.length ? [
      'nginx worker memory (sidecar, VmRSS of its workers):',
      '',
      '| config | workers | idle | after the rows (incl. 512 connections) |', '|---|--:|--:|--:|',
      ...report.memory.map((x) => `| ${x.conf} | ${x.workers} | ${int(x.idleKb)} KiB | ${int(x.afterKb)} KiB |`),
      '',
    ] : []),
    ...(report.synth.length ? [
      '## Synthesis',
      '',
      'N Deployments (each with a Service), bare or each with a `ReverseProxySidecar` (a proxy route and a cached route), '
        + `each sample in a fresh \`node -r ts-node/register/transpile-only bench/synth-child.ts N sidecar|bare\`; time of building and synthesizing `
        + `(not of loading node and the modules), the fastest of ${report.smoke ? 1 : 2} (noise only adds time); peak RSS of the whole process. `
        + 'The sidecar\'s time split: building the constructs; the synth-time checks (construct validations: they render nginx.conf, '
        + 'which output would otherwise do, and read each workload\'s and Service\'s JSON once); output (the rest of `app.synth()`: '
        + 'toJson, YAML, files).',
      '',
      ...synthTable(report),
      '',
    ] : []),
    ...(report.testServer.length ? [
      '## The testing entry: SidecarTestServer',
      '',
      `\`SidecarTestServer.start(source)\` (laying out the files, making the throwaway certificate where there is \`tls\`, `
        + 'starting nginx and waiting for its health endpoint; the objects synthesized once beforehand) and `stop()` (nginx stopped, '
        + `files removed), ${report.testServer[0].runs} runs each, as ${process.getuid?.() === 0 ? 'root' : 'this user'}; resident memory of `
        + 'nginx\'s master and workers.',
      '',
      '| source | start, median | start, slowest | stop, median | stop, slowest | nginx memory |',
      '| --- | --: | --: | --: | --: | --: |',
      ...report.testServer.map((t) => `| ${t.source} | ${t.startMedianMs.toFixed(0)} ms | ${t.startMaxMs.toFixed(0)} ms | `
        + `${t.stopMedianMs.toFixed(0)} ms | ${t.stopMaxMs.toFixed(0)} ms | ${(t.rssKib / 1024).toFixed(1)} MiB |`),
      '',
    ] : []),
  ].join('\n');
  fs.writeFileSync(out, text);
}
