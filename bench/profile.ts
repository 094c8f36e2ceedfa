// Syscalls per request of one nginx worker on one bench row, with `strace -c` attached to it during
// a wrk run: where a sidecar config spends beyond nginx's static ceiling. strace slows the worker
// a lot, so read only the counts per request, never the rates.
// Usage: node -r ts-node/register/transpile-only bench/profile.ts [--row A2] [--seconds 3] [--conf NAME=PATH]...
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { prepareUi } from './asset';
import { ROOT, generatedAlertmanagerConf, nginxWorkers, sidecarPort, startAlertmanager } from './pods';
import { BROWSER, PORTS, ROWS } from './rows';
import { runWrk } from './wrk';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, def: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : def);
  const row = ROWS.find((r) => r.id === opt('--row', 'A2'))!;
  const seconds = Number(opt('--seconds', '3'));
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
    const targets = [...confs.map((c, i) => ({ name: c.name, port: sidecarPort(i) })), { name: 'ceiling', port: PORTS.alertmanager.ceiling }];
    for (const t of targets) {
      const netns = row.via === 'veth' ? client.netns : pod.netns;
      const url = `http://${row.via === 'veth' ? client.podAddress : '127.0.0.1'}:${t.port}${row.path}`;
      const headers = row.browser ? BROWSER : {};
      await runWrk({ netns, url, connections: row.connections, seconds: 1, headers });
      const [worker] = nginxWorkers(pod, t.port);
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strace-')), 'counts');
      const strace = spawn('strace', ['-c', '-o', out, '-p', String(worker)], { stdio: 'ignore' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const r = await runWrk({ netns, url, connections: row.connections, seconds, headers });
      strace.kill('SIGINT');
      await new Promise((resolve) => strace.on('close', resolve));
      const lines = fs.readFileSync(out, 'utf8').split('\n').filter((l) => /^\s*[\d.]+\s+[\d.]+\s+\d+\s+\d+/.test(l) && !/\stotal\s*$/.test(l));
      const calls = lines.map((l) => {
        const f = l.trim().split(/\s+/);
        return { name: f[f.length - 1], calls: Number(f[3]), errors: /^\d+$/.test(f[4]) && f.length === 6 ? Number(f[4]) : 0 };
      }).sort((a, b) => b.calls - a.calls);
      const total = calls.reduce((s, c) => s + c.calls, 0);
      // eslint-disable-next-line no-console
      console.log(`${row.id} ${t.name}: ${r.requests} requests, ${(total / r.requests).toFixed(2)} syscalls/request: `
        + calls.map((c) => `${c.name} ${(c.calls / r.requests).toFixed(2)}`).join(', '));
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
