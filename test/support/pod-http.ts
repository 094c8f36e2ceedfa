import { spawn, spawnSync } from 'child_process';
import * as path from 'path';

/** The answer of one HTTP request made inside a pod's network namespace. */
export interface HttpResult {
  /** 0 when no answer came (refused, reset, timed out). */
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Every header line as sent, `Name: value`, repeats included (`headers` keeps the last of each). */
  readonly headerLines: string[];
  readonly body: string;
  readonly seconds: number;
  /** curl's exit code: 0, or why no answer came (7 refused, 28 timed out, 52 empty reply, 56 reset). */
  readonly curlExit: number;
}

export interface HttpOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** The request body; `'@-'` reads it from `stdin`. */
  readonly body?: string;
  /** What curl reads for `body: '@-'` (bodies too big for an argument). */
  readonly stdin?: string;
  /** Send HTTP/1.0 (curl -0). */
  readonly http10?: boolean;
  /** @default 10 */
  readonly timeoutSeconds?: number;
}

function curlArgs(netns: string, url: string, opts: HttpOptions): string[] {
  const args = ['netns', 'exec', netns, 'curl', '-sS', '-D', '-', '-w', '\n%{time_total}',
    '--max-time', String(opts.timeoutSeconds ?? 10), '-X', opts.method ?? 'GET'];
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    // "Name:" with nothing after it makes curl send no such header at all.
    args.push('-H', v === '' ? `${k}:` : `${k}: ${v}`);
  }
  if (opts.http10) {
    args.push('-0');
  }
  if (opts.body !== undefined) {
    args.push('--data-binary', opts.body);
  }
  args.push(url);
  return args;
}

function parseCurl(out: string, exit: number): HttpResult {
  // Headers come first (-D -), then the body, then the time (-w).
  const headEnd = out.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? '' : out.slice(0, headEnd);
  const rest = headEnd < 0 ? out : out.slice(headEnd + 4);
  const cut = rest.lastIndexOf('\n');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) {
      headers[m[1].toLowerCase()] = m[2];
    }
  }
  return {
    status: Number(head.split(' ')[1] ?? 0),
    headers,
    headerLines: head.split('\r\n').slice(1).filter((l) => l !== ''),
    body: Buffer.from(rest.slice(0, cut), 'latin1').toString('utf8'),
    seconds: Number(rest.slice(cut + 1)),
    curlExit: exit,
  };
}

/** An HTTP request with curl inside the network namespace; blocks until it is answered. */
export function httpSync(netns: string, url: string, opts: HttpOptions = {}): HttpResult {
  const r = spawnSync('ip', curlArgs(netns, url, opts), { encoding: 'latin1', input: opts.stdin });
  return parseCurl(r.stdout ?? '', r.status ?? -1);
}

/** An HTTP request with curl inside the network namespace, without blocking the event loop. */
export function httpAsync(netns: string, url: string, opts: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((resolve) => {
    const child = spawn('ip', curlArgs(netns, url, opts), { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('close', (code) => resolve(parseCurl(Buffer.concat(chunks).toString('latin1'), code ?? -1)));
  });
}

/** One request of a load run. */
export interface LoadSample {
  readonly path: string;
  /** 0 when no answer came. */
  readonly status: number;
  /** When it was sent and answered (epoch ms, the same clock as the test's `Date.now()`). */
  readonly startAt: number;
  readonly endAt: number;
  readonly cache?: string;
  readonly error?: string;
}

export interface LoadOptions {
  /** e.g. `http://127.0.0.1:8080` */
  readonly base: string;
  /** Paths requested in turn. */
  readonly paths: string[];
  /** Requests in flight at once. @default 4 */
  readonly concurrency?: number;
  /** A request not answered within this is recorded as failed. @default 10000 */
  readonly timeoutMs?: number;
}

/** A running load: stop it to get every request's result. */
export interface LoadRun {
  /** Stops sending (the requests in flight finish) and returns every sample. */
  stop(): Promise<LoadSample[]>;
}

/**
 * Starts a steady load from inside the namespace: a Node client (test/support/load-client.js) with
 * `concurrency` loops, one new connection per request, until stopped.
 */
export function startLoad(netns: string, opts: LoadOptions): LoadRun {
  const config = JSON.stringify({ concurrency: 4, timeoutMs: 10000, ...opts });
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, path.join(__dirname, 'load-client.js'), config],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += String(d); });
  child.stderr.on('data', (d) => { err += String(d); });
  const done = new Promise<LoadSample[]>((resolve, reject) => child.on('close', (code) => {
    if (code !== 0) {
      reject(new Error(`load client failed (${code}): ${err}`));
    } else {
      resolve(JSON.parse(out));
    }
  }));
  return {
    stop: () => {
      child.stdin.end();
      return done;
    },
  };
}
