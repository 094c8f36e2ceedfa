import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { DEFAULT_ERROR_PAGE } from '../../lib/sidecar/error-page';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BASE = 'http://127.0.0.1:8080';
/** The routes' proxy timeouts: a request may wait for the app this long, and no longer. */
const CONNECT_S = 1;
const READ_S = 2;

/**
 * The app dies or hangs while clients keep coming: cached routes keep answering 200 (stale),
 * uncached ones answer the error page, and no request waits past the proxy timeouts.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn'], 'upstream failure under load', () => {
  let pod: RunningPod;
  beforeEach(async () => {
    const timeouts = { connectTimeout: Duration.seconds(CONNECT_S), readTimeout: Duration.seconds(READ_S) };
    const { objects, workload } = testAppPod({
      routes: [
        Route.proxy('/cached/', { stripPrefix: true, ...timeouts, cache: { validFor: Duration.seconds(1), ignoreUpstreamCacheHeaders: true } }),
        // Caches as the app's Cache-Control says: the test app marks its errors cacheable for a minute.
        Route.proxy('/honest/', { stripPrefix: true, ...timeouts, cache: { validFor: Duration.minutes(1) } }),
        Route.proxy('/api/', { stripPrefix: true, ...timeouts }),
      ],
    });
    pod = await RunningPod.start(objects, workload, { images: EXAMPLE_IMAGES });
  });
  afterEach(async () => pod?.stop());

  it('keeps cached routes at 200 (stale) and answers the error page on the others when the app is killed', async () => {
    expect(pod.http(`${BASE}/cached/count`).headers['x-cache-status']).toBe('MISS');
    const load = pod.load({ base: BASE, paths: ['/cached/count', '/api/count'], concurrency: 4, timeoutMs: 10000 });
    await sleep(500);
    const killedAt = Date.now();
    await pod.kill('app');
    // Long enough for the cached answer (valid 1 s, counted in whole seconds) to expire.
    await sleep(3000);
    const samples = await load.stop();

    const after = samples.filter((s) => s.startAt > killedAt + 100);
    const cached = after.filter((s) => s.path === '/cached/count');
    const uncached = after.filter((s) => s.path === '/api/count');
    expect(cached.length).toBeGreaterThan(20);
    expect(uncached.length).toBeGreaterThan(20);
    expect(cached.filter((s) => s.status !== 200)).toEqual([]);
    const expired = cached.filter((s) => s.startAt > killedAt + 2100);
    expect(expired.length).toBeGreaterThan(5);
    expect(expired.filter((s) => s.cache !== 'STALE' && s.cache !== 'UPDATING')).toEqual([]);
    expect(uncached.filter((s) => s.status !== 502)).toEqual([]);
    const longest = Math.max(...samples.map((s) => s.endAt - s.startAt));
    expect(longest).toBeLessThan((CONNECT_S + READ_S) * 1000);
    const page = pod.http(`${BASE}/api/count`);
    expect({ status: page.status, body: page.body }).toEqual({ status: 502, body: DEFAULT_ERROR_PAGE });
  });

  it('answers within the read timeout while the app hangs: the error page, or the stale cached answer at once', async () => {
    expect(pod.http(`${BASE}/cached/count`).status).toBe(200);
    // nginx counts validity in whole seconds: after 2 s a 1 s entry has expired.
    await sleep(2100);
    pod.freeze('app', true);
    try {
      const [stale, hung] = await Promise.all([pod.request(`${BASE}/cached/count`), pod.request(`${BASE}/api/count`)]);
      expect({ status: stale.status, cache: stale.headers['x-cache-status'] }).toEqual({ status: 200, cache: 'STALE' });
      expect(stale.seconds).toBeLessThan(0.5);
      expect({ status: hung.status, body: hung.body }).toEqual({ status: 504, body: DEFAULT_ERROR_PAGE });
      expect(hung.seconds).toBeGreaterThan(READ_S - 0.1);
      expect(hung.seconds).toBeLessThan(READ_S + 1);
    } finally {
      pod.freeze('app', false);
    }
    // Back at once when the app is.
    expect(pod.http(`${BASE}/api/count`).status).toBe(200);
  });

  it('never stores an error the app marks cacheable', () => {
    for (const code of [500, 502, 503, 404]) {
      const url = `${BASE}/honest/status/${code}`;
      const first = pod.http(url);
      const second = pod.http(url);
      expect([first.status, first.headers['x-cache-status'], second.status, second.headers['x-cache-status']])
        .toEqual([code, 'MISS', code, 'MISS']);
    }
    // A 200 the app marks cacheable is stored.
    expect(pod.http(`${BASE}/honest/count`).headers['x-cache-status']).toBe('MISS');
    expect(pod.http(`${BASE}/honest/count`).headers['x-cache-status']).toBe('HIT');
  });
});
