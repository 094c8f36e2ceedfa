import * as http from 'http';
import { AddressInfo } from 'net';
import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { SidecarTestServer } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

/** A small auth service of the test's own: the session cookie decides; /oauth2/ are its pages. */
class AuthService {
  public readonly seen: http.IncomingMessage[] = [];
  public readonly bodies: number[] = [];
  private server = http.createServer((req, res) => {
    this.seen.push(req);
    let bytes = 0;
    req.on('data', (d: Buffer) => { bytes += d.length; });
    req.on('end', () => {
      this.bodies.push(bytes);
      if (req.url!.startsWith('/oauth2/')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('sign in here');
        return;
      }
      const cookie = req.headers.cookie ?? '';
      if (cookie.includes('session=anon')) {
        // Lets the request through without saying who: nobody in particular.
        res.writeHead(202).end();
      } else if (cookie.includes('session=slow')) {
        setTimeout(() => res.writeHead(200).end(), 3000).unref();
      } else if (/session=(ann|bob)/.test(cookie)) {
        const user = /session=(ann|bob)/.exec(cookie)![1];
        res.writeHead(202, { 'X-Auth-Request-User': user, 'X-Auth-Request-Email': `${user}@example.com` }).end();
      } else if (cookie.includes('session=forbidden')) {
        res.writeHead(403).end();
      } else {
        res.writeHead(401).end();
      }
    });
  });

  public async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  public close(): Promise<void> {
    // nginx keeps connections to it alive: end them too.
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function start(authPort: number): Promise<SidecarTestServer> {
  return startSidecar({
    cache: {},
    access: { externalAuth: { url: `http://127.0.0.1:${authPort}/check`, signInUrl: '/oauth2/start', timeout: Duration.seconds(1) } },
    routes: [
      Route.proxy('/oauth2/', { port: authPort, access: {} }),
      Route.proxy('/assets/', { cache: {} }),
      Route.proxy('/'),
    ],
  }, {
    app: { '/x': { status: 200, body: 'x' }, '/assets/a.css': { status: 200, headers: { 'Cache-Control': 'max-age=60' }, body: 'a{}' } },
  });
}

/**
 * Issue 21, item 3: external auth (nginx's auth_request) with real nginx, an auth service of the
 * test's own in front of a stub app, and a second sidecar whose auth service is down.
 */
describeWithTools(['nginx'], 'access.externalAuth with real nginx', () => {
  const auth = new AuthService();
  let server: SidecarTestServer;
  let down: SidecarTestServer;
  beforeAll(async () => {
    const port = await auth.listen();
    const closed = new AuthService();
    const closedPort = await closed.listen();
    await closed.close();
    [server, down] = await Promise.all([start(port), start(closedPort)]);
  });
  afterAll(() => Promise.all([server?.stop(), down?.stop(), auth.close()]));

  it('lets a signed-in request through, with the service\'s headers for the app replacing any the client sent', async () => {
    const r = await server.get('/x?a=1', { headers: { Cookie: 'session=ann', 'X-Auth-Request-User': 'mallory' } });
    expect([r.status, r.text]).toStrictEqual([200, 'x']);
    const app = server.appRequests.find((q) => q.path === '/x?a=1')!;
    expect([app.headers['x-auth-request-user'], app.headers['x-auth-request-email']]).toStrictEqual(['ann', 'ann@example.com']);
    const check = auth.seen.find((q) => q.headers['x-original-uri'] === '/x?a=1')!;
    expect([check.url, check.method, check.headers['x-original-method'], check.headers['x-forwarded-uri']]).toStrictEqual(['/check', 'GET', 'GET', '/x?a=1']);
  });

  it('asks the service with a Host for an HTTP/1.0 request without one', async () => {
    const old = String(await server.raw('GET /x HTTP/1.0\r\nCookie: session=ann\r\n\r\n'));
    expect(old).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('sends the auth service the headers only, never the body', async () => {
    const before = auth.bodies.length;
    const r = await server.request('/x', { method: 'POST', body: 'secret=1', headers: { Cookie: 'session=ann' } });
    expect(r.status).toBe(200);
    expect(auth.bodies.slice(before)).toStrictEqual([0]);
  });

  it('sends a 401 to the sign-in URL with the URL to return to; 403 stays 403; the app sees neither', async () => {
    const before = server.appRequests.length;
    const signIn = await server.get('/x?y=2');
    expect([signIn.status, signIn.headers.location]).toStrictEqual([302, '/oauth2/start?rd=/x?y=2']);
    expect(signIn.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    // Each & of the query escaped, so that rd keeps all of it; never cached by the browser.
    const withQuery = await server.get('/x?a=1&b=2&c=3');
    expect([withQuery.headers.location, withQuery.headers['cache-control']]).toStrictEqual(['/oauth2/start?rd=/x?a=1%26b=2%26c=3', 'no-store']);
    // A path that would be another site's address as rd ("//evil.example/x") goes back to the start page.
    for (const raw of ['GET //evil.example/x HTTP/1.1', 'GET /\\evil.example/x HTTP/1.1']) {
      const answer = String(await server.raw(`${raw}\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
      expect(answer).toMatch(/\r\nLocation: \/oauth2\/start\?rd=\/\r\n/);
    }
    expect((await server.get('/x', { headers: { Cookie: 'session=forbidden' } })).status).toBe(403);
    expect(server.appRequests.length).toBe(before);
    // The sign-in pages themselves: a route to the auth service's port, without auth.
    expect((await server.get('/oauth2/start?rd=/x')).text).toBe('sign in here');
  });

  it('never passes when the auth service is down or too slow: the error page (500)', async () => {
    const before = down.appRequests.length + server.appRequests.length;
    const r = await down.get('/x', { headers: { Cookie: 'session=ann' } });
    expect(r.status).toBe(500);
    expect(r.text).toContain('<title>Service temporarily unavailable</title>');
    const t0 = Date.now();
    expect((await server.get('/x', { headers: { Cookie: 'session=slow' } })).status).toBe(500);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(down.appRequests.length + server.appRequests.length).toBe(before);
  });

  it('lets no client send the identity headers through a route without the auth: they reach the app empty', async () => {
    await server.get('/oauth2/x', { headers: { 'X-Auth-Request-User': 'admin', 'X-Auth-Request-Email': 'admin@example.com' } });
    const seen = auth.seen.find((q) => q.url === '/oauth2/x')!;
    expect([seen.headers['x-auth-request-user'], seen.headers['x-auth-request-email']]).toStrictEqual([undefined, undefined]);
  });

  it('never caches what the service let through without saying who', async () => {
    const get = () => server.get('/assets/a.css', { headers: { Cookie: 'session=anon' } });
    expect([(await get()).headers['x-cache-status'], (await get()).headers['x-cache-status']]).toStrictEqual(['BYPASS', 'BYPASS']);
  });

  it('keeps one cached copy per user behind it, each request checked first', async () => {
    const get = (user: string) => server.get('/assets/a.css', { headers: { Cookie: `session=${user}` } });
    expect((await get('ann')).headers['x-cache-status']).toBe('MISS');
    expect((await get('ann')).headers['x-cache-status']).toBe('HIT');
    expect((await get('bob')).headers['x-cache-status']).toBe('MISS');
    expect((await get('nobody')).status).toBe(302);
  });
});
