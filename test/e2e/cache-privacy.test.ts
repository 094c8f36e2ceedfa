import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';

/**
 * The cache's privacy rules, against real nginx and a real app: requests with Authorization or a
 * named session cookie are never served from nor stored in the shared cache.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'ip', 'curl', 'gunicorn'], 'cache privacy with real nginx', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    const { objects, workload } = testAppPod({
      cache: { privateCookies: ['connect.sid', 'session-id'] },
      routes: [Route.proxy('/api/', { stripPrefix: true, cache: { validFor: Duration.minutes(5), ignoreUpstreamCacheHeaders: true } })],
    });
    pod = await RunningPod.start(objects, workload, { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  const status = (headers: Record<string, string> = {}, url = 'http://127.0.0.1:8080/api/') =>
    pod.http(url, { headers }).headers['x-cache-status'];

  it('caches an anonymous request: MISS, then HIT', () => {
    expect(status({}, 'http://127.0.0.1:8080/api/?anon')).toBe('MISS');
    expect(status({}, 'http://127.0.0.1:8080/api/?anon')).toBe('HIT');
  });

  it('never serves from cache, nor stores, a request with Authorization', () => {
    const url = 'http://127.0.0.1:8080/api/?auth';
    expect(status({ Authorization: 'Bearer secret' }, url)).toBe('BYPASS');
    // Not stored: the next anonymous request still goes to the app.
    expect(status({}, url)).toBe('MISS');
  });

  it.each([
    ['a named cookie', 'connect.sid=s%3Aabc', 'BYPASS'],
    ['a named cookie after others', 'theme=dark; session-id=42', 'BYPASS'],
    ['a cookie that only starts like one', 'connect.sidx=1', 'MISS'],
    ['a cookie that only ends like one', 'xsession-id=1', 'MISS'],
  ])('treats %s as private or not', (_name, cookie, expected) => {
    const url = `http://127.0.0.1:8080/api/?cookie=${encodeURIComponent(cookie)}`;
    expect(status({ Cookie: cookie }, url)).toBe(expected);
  });
});
