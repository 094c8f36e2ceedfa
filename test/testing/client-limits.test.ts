import { Route } from '../../lib';
import { SidecarTestServer, TestResponse, headerValues } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

/**
 * Per-client limits with real nginx and clients on several loopback addresses: 5 requests a second
 * (burst 5) and 2 in progress per client on every route, 2 a minute without burst on /login.
 */
describeWithTools(['nginx'], 'clientLimits with real nginx', () => {
  let server: SidecarTestServer;
  beforeAll(async () => {
    server = await startSidecar({
      clientLimits: { requestsPerSecond: 5, connections: 2 },
      routes: [Route.proxy('/login', { limits: { requestsPerMinute: 2, burst: 0 } }), Route.proxy('/')],
    }, {
      app: (req, res) => {
        if (req.path.startsWith('/busy')) {
          res.writeHead(429, { 'Retry-After': '120' }).end('the app is busy');
        } else if (req.path.startsWith('/slow')) {
          setTimeout(() => res.end('slow'), 400);
        } else {
          res.end('ok');
        }
      },
    });
  });
  afterAll(() => server?.stop());

  const statuses = (rs: TestResponse[]) => rs.map((r) => r.status).sort().join(' ');
  const burst = (n: number, path: (i: number) => string, sourceAddress: string) =>
    Promise.all(Array.from({ length: n }, (_, i) => server.get(path(i), { sourceAddress })));

  it('answers a client over its rate with 429 and Retry-After, the app never seeing it; another client and the health endpoint pass', async () => {
    const before = server.appRequests.length;
    // One after another (never two in progress), within well under a second.
    const rs: TestResponse[] = [];
    for (let i = 0; i < 12; i++) {
      rs.push(await server.get(`/r?${i}`, { sourceAddress: '127.0.0.2' }));
    }
    const limited = rs.filter((r) => r.status === 429);
    // The first, and 5 more of burst, at once; the rest refused (a second later, one more may pass).
    expect(rs.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(6);
    expect(rs.filter((r) => r.status === 200).length).toBeLessThanOrEqual(7);
    expect(limited.length + rs.filter((r) => r.status === 200).length).toBe(12);
    expect(limited.map((r) => headerValues(r, 'retry-after'))).toStrictEqual(limited.map(() => ['1']));
    expect(server.appRequests.length - before).toBe(12 - limited.length);
    expect((await server.get('/_sidecar/healthz', { sourceAddress: '127.0.0.2' })).status).toBe(200);
    expect((await server.get('/r?other', { sourceAddress: '127.0.0.3' })).status).toBe(200);
  });

  it('counts a route\'s own limit apart, with its own Retry-After', async () => {
    const a = await server.get('/login', { sourceAddress: '127.0.0.4' });
    const b = await server.get('/login', { sourceAddress: '127.0.0.4' });
    expect([a.status, b.status]).toStrictEqual([200, 429]);
    expect(headerValues(b, 'retry-after')).toStrictEqual(['30']);
    // The sidecar-wide rate of the same client is untouched by /login.
    expect((await server.get('/r?after-login', { sourceAddress: '127.0.0.4' })).status).toBe(200);
  });

  it('limits the requests a client has in progress at once', async () => {
    expect(statuses(await burst(4, (i) => `/slow?${i}`, '127.0.0.5'))).toBe('200 200 429 429');
  });

  it('passes an app\'s own 429 with its own Retry-After only, never a second one', async () => {
    const r = await server.get('/busy', { sourceAddress: '127.0.0.6' });
    expect(r.status).toBe(429);
    expect(headerValues(r, 'retry-after')).toStrictEqual(['120']);
    expect(r.text).toBe('the app is busy');
  });

  it('writes the limit\'s verdict in the access log', async () => {
    const lines = () => server.log.split('\n').filter((l) => l.includes('"path":"/login"')).map((l) => JSON.parse(l));
    for (let i = 0; i < 30 && lines().length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lines().map((l) => [l.status, l.limit_req])).toStrictEqual([[200, 'PASSED'], [429, 'REJECTED']]);
  });
}, { root: false });
