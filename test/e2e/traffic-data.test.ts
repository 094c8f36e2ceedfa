import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';
import { StreamResult, curl, streamed, wrk } from '../support/traffic-client';

const NGINX = 'http://127.0.0.1:8080';
const APP = 'http://127.0.0.1:5000';
const GZIP = { 'Accept-Encoding': 'gzip' };

/**
 * Issue 10, the data path: many clients, big headers, byte ranges on a cached route, streamed
 * responses; and the rows that worked before (SSE, uploads, big downloads) still working. Through
 * the synthesized pod with default props, compared with the app direct.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn', 'wrk'], 'traffic through the sidecar: data', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    const { objects, workload } = testAppPod({
      routes: [
        Route.proxy('/cached/', { stripPrefix: true, cache: { validFor: Duration.minutes(1) } }),
        Route.proxy('/live/', { stripPrefix: true, buffering: false }),
        Route.proxy('/'),
      ],
    }, { image: 'sidecar-traffic-app:1' });
    pod = await RunningPod.start(objects, workload, { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  it('row 2: serves 512 concurrent clients without an error, as the app does direct', async () => {
    for (const base of [APP, NGINX]) {
      const run = await wrk(pod.netns, `${base}/count`, 512, 2);
      expect({ base, errors: run.errors }).toEqual({ base, errors: [] });
      // More answers than clients: every connection was served (about 1,000 a second here, direct or not, under load).
      expect(run.requests).toBeGreaterThan(512);
    }
    expect(pod.log('nginx')).not.toMatch(/worker_connections are not enough|Too many open files/);
  });

  it('row 3: passes 16 KiB of response headers as they are', () => {
    const [direct, proxied] = [APP, NGINX].map((base) => pod.http(`${base}/big-headers?kib=16`));
    expect([proxied.status, proxied.body]).toEqual([200, '16 KiB of headers\n']);
    const big = (h: Record<string, string>) => Object.entries(h).filter(([k]) => k.startsWith('x-big-'));
    expect(big(proxied.headers)).toHaveLength(16);
    expect(big(proxied.headers)).toEqual(big(direct.headers));
  });

  it('row 3: passes one 6 KiB response header (a big session cookie) as it is', () => {
    const [direct, proxied] = [APP, NGINX].map((base) => pod.http(`${base}/big-cookie?kib=6`));
    expect([proxied.status, proxied.body]).toEqual([200, 'one 6 KiB header\n']);
    expect(Buffer.byteLength(`Set-Cookie: ${proxied.headers['set-cookie']}\r\n`)).toBe(6 * 1024);
    expect(proxied.headers['set-cookie']).toBe(direct.headers['set-cookie']);
  });

  it('row 8: answers a byte range on a cached route with 206, on MISS and on HIT', () => {
    const range = (url: string) => {
      const r = curl(pod.netns, ['-H', 'Range: bytes=100-199', '-o', '-', '-w', '\n%{http_code} %header{content-range} %header{x-cache-status}', url]);
      const cut = r.out.lastIndexOf('\n');
      return { body: r.out.slice(0, cut), meta: r.out.slice(cut + 1) };
    };
    const whole = curl(pod.netns, [`${APP}/bytes/1000`]).out;
    const direct = range(`${APP}/bytes/1000?ranges=1`);
    expect(direct).toEqual({ body: whole.slice(100, 200), meta: '206 bytes 100-199/1000 ' });
    expect(range(`${NGINX}/cached/bytes/1000`)).toEqual({ body: whole.slice(100, 200), meta: '206 bytes 100-199/1000 MISS' });
    expect(range(`${NGINX}/cached/bytes/1000`)).toEqual({ body: whole.slice(100, 200), meta: '206 bytes 100-199/1000 HIT' });
  });

  describe('row 9: streamed responses to clients that accept gzip', () => {
    const spread = (r: StreamResult) => ({
      status: r.status,
      encoding: r.headers['content-encoding'],
      lines: r.chunks.map((c) => c.text).join('').split('\n').filter(Boolean).length,
      chunks: r.chunks.length,
      firstBeforeLast: r.chunks[0].ms < r.chunks[r.chunks.length - 1].ms - 800,
    });

    it.each(['text/plain', 'application/json'])('passes %s chunk by chunk, compressed, on a route with buffering: false', async (type) => {
      const r = await streamed(pod.netns, 8080, `/live/stream?n=4&ms=400&type=${type}`, GZIP);
      expect(spread(r)).toEqual({ status: 200, encoding: 'gzip', lines: 4, chunks: 4, firstBeforeLast: true });
    });

    it('passes it chunk by chunk on a default route when the app sends X-Accel-Buffering: no', async () => {
      const r = await streamed(pod.netns, 8080, '/stream?n=4&ms=400&accel=no', GZIP);
      expect(spread(r)).toEqual({ status: 200, encoding: 'gzip', lines: 4, chunks: 4, firstBeforeLast: true });
    });

    it('passes NDJSON (application/x-ndjson, not a gzip type) chunk by chunk on a default route, uncompressed', async () => {
      const r = await streamed(pod.netns, 8080, '/stream?n=4&ms=400&type=application/x-ndjson', GZIP);
      expect(spread(r)).toEqual({ status: 200, encoding: undefined, lines: 4, chunks: 4, firstBeforeLast: true });
    });

    it('holds it whole on a default route otherwise (gzip fills its buffer first): the documented limit', async () => {
      const r = await streamed(pod.netns, 8080, '/stream?n=4&ms=400', GZIP);
      expect(spread(r)).toEqual({ status: 200, encoding: 'gzip', lines: 4, chunks: 1, firstBeforeLast: false });
    });

    it('still passes server-sent events as they come (never compressed)', async () => {
      const [direct, proxied] = await Promise.all([
        streamed(pod.netns, 5000, '/events?n=3&ms=400', GZIP), streamed(pod.netns, 8080, '/events?n=3&ms=400', GZIP),
      ]);
      for (const r of [direct, proxied]) {
        expect({ status: r.status, encoding: r.headers['content-encoding'], chunks: r.chunks.length }).toEqual({ status: 200, encoding: undefined, chunks: 3 });
        expect(r.chunks[2].ms - r.chunks[0].ms).toBeGreaterThan(700);
      }
    });
  });

  it('still takes uploads up to clientMaxBodySize (1 MiB) and answers 413 above it', () => {
    const upload = (bytes: number) => curl(pod.netns, ['-H', 'Expect:', '--data-binary', '@-', '-o', '/dev/null', '-w', '%{http_code}',
      `${NGINX}/upload`], Buffer.alloc(bytes, 'u')).out;
    expect([upload(1024 * 1024), upload(5 * 1000 * 1000)]).toEqual(['200', '413']);
  });

  it('still sends 50 MB downloads whole to a slow client', () => {
    const r = curl(pod.netns, ['--limit-rate', '40M', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', `${NGINX}/download/50`]);
    expect(r.out).toBe(`200 ${50 * 1024 * 1024}`);
  });
});
