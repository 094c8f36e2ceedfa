import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface WrkOptions {
  /** Network namespace the client runs in (`ip netns exec`). */
  readonly netns: string;
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly headers?: Record<string, string>;
  /** @default 1 thread per 32 connections, at most the cores */
  readonly threads?: number;
  /** wrk's per-request timeout. @default 2 */
  readonly timeoutSeconds?: number;
}

export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  /** HTTP bytes (headers and body) received per response. */
  readonly bytesPerResponse: number;
  /** Latency percentiles in microseconds. */
  readonly p50us: number;
  readonly p99us: number;
  readonly maxUs: number;
  /** Socket errors (connect, read, write, timeout) and responses with status ≥ 400. */
  readonly socketErrors: number;
  readonly non2xx: number;
  readonly errors: { connect: number; read: number; write: number; timeout: number; status: number };
}

/**
 * wrk's Lua hooks: the headers, then at the end one JSON line with exact counts (its text summary
 * rounds bytes to 3 digits) and the latency percentiles in µs.
 */
function luaScript(headers: Record<string, string>): string {
  const set = Object.entries(headers).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  return `${set.join('\n')}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"bytes":%d,"us":%d,"p50":%d,"p99":%d,"max":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.bytes, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;
}

/** Runs wrk inside a network namespace and returns its figures. */
export function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const cores = os.cpus().length;
  const threads = opts.threads ?? Math.max(1, Math.min(cores, Math.ceil(opts.connections / 32)));
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wrk-')), 'bench.lua');
  fs.writeFileSync(script, luaScript(opts.headers ?? {}));
  const args = ['netns', 'exec', opts.netns, 'wrk', '-t', String(threads), '-c', String(opts.connections),
    '-d', `${opts.seconds}s`, '--timeout', `${opts.timeoutSeconds ?? 2}s`, '--latency', '-s', script, opts.url];
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { out += String(d); });
    child.on('close', (code) => {
      fs.rmSync(path.dirname(script), { recursive: true, force: true });
      const line = /^BENCH (\{.*\})$/m.exec(out);
      if (code !== 0 || !line) {
        reject(new Error(`wrk ${args.slice(3).join(' ')} failed (${code}):\n${out}`));
        return;
      }
      const j = JSON.parse(line[1]);
      const seconds = j.us / 1e6;
      resolve({
        requests: j.requests,
        seconds,
        rps: j.requests / seconds,
        bytesPerResponse: j.requests ? j.bytes / j.requests : 0,
        p50us: j.p50,
        p99us: j.p99,
        maxUs: j.max,
        socketErrors: j.connect + j.read + j.write + j.timeout,
        non2xx: j.status,
        errors: { connect: j.connect, read: j.read, write: j.write, status: j.status, timeout: j.timeout },
      });
    });
    child.on('error', reject);
  });
}
