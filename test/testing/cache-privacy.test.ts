import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { SidecarTestServer } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

/**
 * The cache's privacy rules, with real nginx (the testing entry: no pod needed, so this moved from
 * the pod runner): requests with Authorization or a named session cookie are never served from nor
 * stored in the shared cache; the app sees every request the cache does not answer.
 */
describeWithTools(['nginx'], 'cache privacy with real nginx', () => {
  let server: SidecarTestServer;
  beforeAll(async () => {
    // The app marks every answer private and uncacheable: only the route's choice caches it.
    server = await startSidecar({
      cache: { privateCookies: ['connect.sid', 'session-id'] },
      routes: [Route.proxy('/api/', { stripPrefix: true, cache: { validFor: Duration.minutes(5), ignoreUpstreamCacheHeaders: true } })],
    }, { app: (_req, res) => res.writeHead(200, { 'Cache-Control': 'no-store' }).end('answer') });
  });
  afterAll(() => server?.stop());

  const status = async (path: string, headers: Record<string, string> = {}) => (await server.get(path, { headers })).headers['x-cache-status'];

  it('caches an anonymous request: MISS, then HIT (the app asked once)', async () => {
    const before = server.appRequests.length;
    expect([await status('/api/?anon'), await status('/api/?anon')]).toStrictEqual(['MISS', 'HIT']);
    expect(server.appRequests.length - before).toBe(1);
  });

  it('never serves from cache, nor stores, a request with Authorization', async () => {
    expect(await status('/api/?auth', { Authorization: 'Bearer secret' })).toBe('BYPASS');
    // Not stored: the next anonymous request still goes to the app.
    expect(await status('/api/?auth')).toBe('MISS');
    expect(server.appRequests.find((r) => r.path === '/?auth')?.headers.authorization).toBe('Bearer secret');
  });

  it.each([
    ['a named cookie', 'connect.sid=s%3Aabc', 'BYPASS'],
    ['a named cookie after others', 'theme=dark; session-id=42', 'BYPASS'],
    ['a cookie that only starts like one', 'connect.sidx=1', 'MISS'],
    ['a cookie that only ends like one', 'xsession-id=1', 'MISS'],
  ])('treats %s as private or not', async (_name, cookie, expected) => {
    expect(await status(`/api/?cookie=${encodeURIComponent(cookie)}`, { Cookie: cookie })).toBe(expected);
  });
}, { root: false });
