import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { httpSync } from '../test/support/pod-http';
import { RunningPod } from '../test/support/pod-runner';
import { BROWSER } from './rows';

export interface CacheCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Cache correctness of a sidecar config in the alertmanager pod, checked before it is measured:
 * the right bytes for each encoding with `Vary: Accept-Encoding`, errors never stored, requests
 * with Authorization never stored, the API never cached.
 */
export function cacheChecks(pod: RunningPod, port: number, css: Buffer): CacheCheck[] {
  const base = `http://127.0.0.1:${port}`;
  const get = (p: string, headers: Record<string, string> = {}) => {
    const r = httpSync(pod.netns, `${base}${p}`, { headers });
    return { ...r, bytes: Buffer.from(r.body, 'utf8') };
  };
  const checks: CacheCheck[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  const u = `/lib/app.css?check=${Date.now()}`;
  const p1 = get(u);
  const p2 = get(u);
  add('plain client: identity bytes of the file, stored then HIT', p2.headers['content-encoding'] === undefined && p2.bytes.equals(css)
    && p1.headers['x-cache-status'] === 'MISS' && p2.headers['x-cache-status'] === 'HIT',
  `${p1.headers['x-cache-status']} then ${p2.headers['x-cache-status']}, ${p2.bytes.length} bytes, ${p2.headers['content-encoding'] ?? 'identity'}`);
  const g1 = gzipGet(pod, `${base}${u}`);
  const g2 = gzipGet(pod, `${base}${u}`);
  add('browser: gzip bytes that inflate to the file, HIT after the first', g2.encoding === 'gzip' && g2.inflated?.equals(css) === true
    && g2.cache === 'HIT', `${g1.cache} then ${g2.cache}, ${g2.size} bytes ${g2.encoding}`);
  add('Vary: Accept-Encoding on both', /accept-encoding/i.test(p2.headers.vary ?? '') && /accept-encoding/i.test(g2.vary),
    `plain "${p2.headers.vary ?? ''}", browser "${g2.vary}"`);
  const q0 = get(u, { 'Accept-Encoding': 'gzip;q=0, deflate' });
  add('Accept-Encoding "gzip;q=0" gets identity', q0.status === 200 && q0.headers['content-encoding'] === undefined && q0.bytes.equals(css),
    `${q0.status} ${q0.headers['content-encoding'] ?? 'identity'}, ${q0.bytes.length} bytes`);
  const missing = `/lib/missing-${Date.now()}.css`;
  const e1 = get(missing);
  const e2 = get(missing);
  add('an error (404) is not stored', e1.status === 404 && e2.status === 404 && e2.headers['x-cache-status'] !== 'HIT',
    `${e1.status} ${e1.headers['x-cache-status']}, then ${e2.status} ${e2.headers['x-cache-status']}`);
  const a = `/lib/app.css?private=${Date.now()}`;
  const a1 = get(a, { Authorization: 'Bearer x' });
  const a2 = get(a);
  add('a request with Authorization bypasses and is not stored', a1.headers['x-cache-status'] === 'BYPASS' && a2.headers['x-cache-status'] === 'MISS',
    `${a1.headers['x-cache-status']}, then without: ${a2.headers['x-cache-status']}`);
  const s1 = get('/api/v2/status');
  const s2 = get('/api/v2/status');
  add('the API is never cached', s1.status === 200 && s2.headers['x-cache-status'] === undefined, `${s2.status}, X-Cache-Status ${s2.headers['x-cache-status'] ?? 'absent'}`);
  return checks;
}

/** A gzip request whose body is kept as bytes (curl writes it to stdout in binary). */
function gzipGet(pod: RunningPod, url: string): { encoding: string; cache: string; vary: string; size: number; inflated?: Buffer } {
  // Headers to a file: curl 7.88 crashes writing them to /dev/stderr when that is a pipe.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-check-'));
  const head = spawnSync('ip', ['netns', 'exec', pod.netns, 'curl', '-sS', '-D', path.join(dir, 'headers'), '-o', '-', '-H',
    `Accept-Encoding: ${BROWSER['Accept-Encoding']}`, url], { maxBuffer: 1 << 24 });
  const headers = fs.readFileSync(path.join(dir, 'headers'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const h = (name: string) => new RegExp(`^${name}:\\s*(.*?)\\r?$`, 'im').exec(headers)?.[1] ?? '';
  const body: Buffer = head.stdout;
  let inflated: Buffer | undefined;
  try {
    inflated = h('content-encoding') === 'gzip' ? zlib.gunzipSync(body) : undefined;
  } catch {
    inflated = undefined;
  }
  return { encoding: h('content-encoding'), cache: h('x-cache-status'), vary: h('vary'), size: body.length, inflated };
}
