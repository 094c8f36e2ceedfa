// Where a bench row's requests go in one nginx worker, per config, beside nginx's static ceiling:
// - default: syscalls per request, with `strace -c` attached to the worker during a wrk run (strace
//   slows the worker a lot, so read only the counts per request, never the rates);
// - `--perf`: CPU µs per request in user space and in the kernel, with `perf record` sampling the
//   worker (Debian's linux-perf; software clock, so it works in a VM), and the user-space symbols
//   that cost most. Rates under perf stay close to the bench's.
// Usage: node -r ts-node/register/transpile-only bench/profile.ts [--row A2] [--seconds 3] [--perf] [--conf NAME=PATH]...
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { prepareUi } from './asset';
import { ROOT, generatedAlertmanagerConf, nginxWorkers, sidecarPort, startAlertmanager } from './pods';
import { BROWSER, PORTS, ROWS } from './rows';
import { WrkResult, runWrk } from './wrk';

/** Runs `tool` attached to `pid` while `load` runs; returns the load's result and the tool's output file. */
async function attached(tool: string, args: (out: string) => string[], load: () => Promise<WrkResult>): Promise<{ r: WrkResult; out: string }> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `${tool}-`)), 'out');
  const child = spawn(tool, args(out), { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const r = await load();
  child.kill('SIGINT');
  await new Promise((resolve) => child.on('close', resolve));
  return { r, out };
}

function syscalls(out: string, r: WrkResult): string {
  const lines = fs.readFileSync(out, 'utf8').split('\n').filter((l) => /^\s*[\d.]+\s+[\d.]+\s+\d+\s+\d+/.test(l) && !/\stotal\s*$/.test(l));
  const calls = lines.map((l) => {
    const f = l.trim().split(/\s+/);
    return { name: f[f.length - 1], calls: Number(f[3]) };
  }).sort((a, b) => b.calls - a.calls);
  const total = calls.reduce((s, c) => s + c.calls, 0);
  return `${(total / r.requests).toFixed(2)} syscalls/request: ${calls.map((c) => `${c.name} ${(c.calls / r.requests).toFixed(2)}`).join(', ')}`;
}

const HZ = 1999;

function cpuSplit(out: string, r: WrkResult): string {
  const report = (sort: string) => spawnSync('perf', ['report', '-i', out, '--stdio', '--no-children', '--sort', sort, '-g', 'none', '-n'],
    { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.split('\n')
    .map((l) => /^\s*[\d.]+%\s+(\d+)\s+(.*?)\s*$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  const us = (samples: number) => (samples / HZ / r.requests) * 1e6;
  let kernel = 0;
  let user = 0;
  for (const m of report('dso')) {
    if (m[2].includes('kernel')) {
      kernel += Number(m[1]);
    } else {
      user += Number(m[1]);
    }
  }
  const top = report('dso,sym').filter((m) => !m[2].includes('[k]')).slice(0, 8)
    .map((m) => `${m[2].replace(/\s+\[\.\]\s+/, ':')} ${us(Number(m[1])).toFixed(2)}`);
  return `CPU µs/request: user ${us(user).toFixed(1)}, kernel ${us(kernel).toFixed(1)}; top user: ${top.join(', ')}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, def: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : def);
  const row = ROWS.find((r) => r.id === opt('--row', 'A2'))!;
  const seconds = Number(opt('--seconds', '3'));
  const perf = argv.includes('--perf');
  const confs = [{ name: 'generated', text: generatedAlertmanagerConf() }];
  argv.forEach((a, i) => {
    if (a === '--conf') {
      const [name, file] = argv[i + 1].split('=');
      confs.push({ name, text: fs.readFileSync(file, 'utf8') });
    }
  });
  const ui = prepareUi(path.join(ROOT, 'test', 'fixtures', 'alertmanager-ui'), path.join(ROOT, 'test-output', 'bench', 'alertmanager-ui'), 99 * 1024);
  const pod = await startAlertmanager(confs.map((c) => c.text), ui);
  try {
    const client = pod.addVethClient();
    const targets = [...confs.map((c, i) => ({ name: c.name, port: sidecarPort(i) })),
      ...(row.path.startsWith('/lib/') ? [{ name: 'ceiling', port: PORTS.alertmanager.ceiling }] : [])];
    for (const t of targets) {
      const netns = row.via === 'veth' ? client.netns : pod.netns;
      const url = `http://${row.via === 'veth' ? client.podAddress : '127.0.0.1'}:${t.port}${row.path}`;
      const headers = row.browser ? BROWSER : {};
      const load = () => runWrk({ netns, url, connections: row.connections, seconds, headers });
      await runWrk({ netns, url, connections: row.connections, seconds: 1, headers });
      const [worker] = nginxWorkers(pod, t.port);
      const { r, out } = perf
        ? await attached('perf', (o) => ['record', '-F', String(HZ), '-o', o, '-p', String(worker)], load)
        : await attached('strace', (o) => ['-c', '-o', o, '-p', String(worker)], load);
      // eslint-disable-next-line no-console
      console.log(`${row.id} ${t.name}: ${r.requests} requests, ${Math.round(r.rps)} req/s, ${perf ? cpuSplit(out, r) : syscalls(out, r)}`);
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  } finally {
    await pod.stop();
  }
}

main().catch((e) => {
  // eslint-disable-next-line no-console
  console.error(e);
  process.exit(1);
});
