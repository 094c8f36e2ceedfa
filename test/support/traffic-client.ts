import { spawn, spawnSync } from 'child_process';
import * as path from 'path';

/** What the WebSocket client saw: the handshake's answer, the echoes, and who closed first. */
export interface WsResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Whether Sec-WebSocket-Accept matched the key sent. */
  readonly acceptOk: boolean;
  readonly echoes: string[];
  /** `client` once every echo came, `server` when the connection closed first, `timeout`, `error`. */
  readonly closedBy: string;
  readonly ms: number;
}

export interface WsRequest {
  readonly port: number;
  readonly path: string;
  readonly messages?: string[];
  /** Wait this long after the handshake before sending. */
  readonly idleMs?: number;
  readonly timeoutMs?: number;
  readonly headers?: Record<string, string>;
}

/** A streamed response, chunk by chunk as it arrived (decompressed when gzip). */
export interface StreamResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly chunks: { ms: number; text: string }[];
}

function run<T>(netns: string, request: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, path.join(__dirname, 'traffic-probe.js'), JSON.stringify(request)],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.on('close', () => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`traffic client: ${out} ${err}`));
      }
    });
  });
}

/** A WebSocket handshake on 127.0.0.1 inside the pod, then `messages` and their echoes. */
export function webSocket(netns: string, req: WsRequest): Promise<WsResult> {
  return run(netns, { mode: 'ws', host: '127.0.0.1', ...req });
}

/** A GET on 127.0.0.1 inside the pod, its body timed as it arrives. */
export function streamed(netns: string, port: number, urlPath: string, headers: Record<string, string> = {}): Promise<StreamResult> {
  return run(netns, { mode: 'stream', host: '127.0.0.1', port, path: urlPath, headers });
}

/** curl inside the pod with any arguments; its stdout (e.g. from `-w`) and exit status. */
export function curl(netns: string, args: string[], input?: Buffer): { out: string; status: number | null } {
  const r = spawnSync('ip', ['netns', 'exec', netns, 'curl', '-sS', ...args], { input, encoding: 'latin1', maxBuffer: 1 << 27 });
  return { out: r.stdout, status: r.status };
}

/**
 * wrk inside the pod: `connections` clients for `seconds`; the requests done and every error it
 * counts. Asynchronous on purpose: while the event loop is blocked nobody drains nginx's access log
 * pipe, and nginx stalls on it.
 */
export function wrk(netns: string, url: string, connections: number, seconds: number): Promise<{ requests: number; errors: string[] }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', netns, 'wrk', '-t', '2', '-c', String(connections), '-d', `${seconds}s`,
      '--timeout', '10s', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.on('close', () => resolve({
      requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
      errors: out.split('\n').filter((l) => /Socket errors|Non-2xx/.test(l)).map((l) => l.trim()),
    }));
  });
}
