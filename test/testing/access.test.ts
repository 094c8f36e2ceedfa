import { spawnSync } from 'child_process';
import { Duration } from 'cdk8s';
import { AccessOptions, Route } from '../../lib';
import { SidecarTestServer } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';
import { TempDir } from '../sidecar/helpers';

const dir = new TempDir();
afterAll(() => dir.cleanup());

const start = startSidecar;

/** An htpasswd line made by openssl (`-apr1`: nginx's own MD5; `-6`: SHA-512 crypt) or Python's crypt (bcrypt). */
function htpasswd(user: string, password: string, format: 'apr1' | '6' | 'bcrypt'): string {
  const r = format === 'bcrypt'
    ? spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', password], { encoding: 'utf8' })
    : spawnSync('openssl', ['passwd', `-${format}`, password], { encoding: 'utf8' });
  return `${user}:${r.stdout.trim()}`;
}
const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/**
 * Issue 21: allow lists, basic auth from a Secret and CORS, with real nginx and clients from
 * several loopback addresses (127.0.0.2 allowed, 127.0.0.3 not).
 */
describeWithTools(['nginx', 'openssl', 'python3'], 'access with real nginx', () => {
  describe('allowFrom', () => {
    let server: SidecarTestServer;
    beforeAll(async () => {
      server = await start({
        access: { allowFrom: ['127.0.0.2', '10.0.0.0/8'] },
        routes: [Route.proxy('/'), Route.file('/robots.txt', { path: dir.write('robots.txt', 'User-agent: *\n') }),
          Route.proxy('/open/', { access: {} })],
      });
    });
    afterAll(() => server?.stop());

    it('serves an allowed address, gives 403 to any other before the app sees it, on every kind of route', async () => {
      const before = server.appRequests.length;
      expect((await server.get('/x', { sourceAddress: '127.0.0.2' })).status).toBe(200);
      expect((await server.get('/robots.txt', { sourceAddress: '127.0.0.2' })).status).toBe(200);
      expect((await server.get('/x', { sourceAddress: '127.0.0.3' })).status).toBe(403);
      expect((await server.get('/robots.txt', { sourceAddress: '127.0.0.3' })).status).toBe(403);
      expect(server.appRequests.length).toBe(before + 1);
    });

    it('leaves the health endpoint and a route with access of its own ({}) open', async () => {
      expect((await server.get('/_sidecar/healthz', { sourceAddress: '127.0.0.3' })).status).toBe(200);
      expect((await server.get('/open/x', { sourceAddress: '127.0.0.3' })).status).toBe(200);
    });

    it('refuses a WebSocket upgrade from another address too, and passes one from an allowed address', async () => {
      const denied = await server.upgrade('/ws', {}, '127.0.0.3');
      denied.socket.destroy();
      expect(denied.status).toBe(403);
      const allowed = await server.upgrade('/ws', {}, '127.0.0.2');
      allowed.socket.destroy();
      expect(allowed.status).toBe(101);
      const raw = String(await server.raw('GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', { sourceAddress: '127.0.0.3' }));
      expect(raw).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    });
  });

  describe('cors', () => {
    let server: SidecarTestServer;
    const cors: AccessOptions['cors'] = {
      allowOrigins: ['https://app.example.com', 'https://*.example.org'], allowCredentials: true, exposeHeaders: ['X-Total'], maxAge: Duration.minutes(10),
    };
    beforeAll(async () => {
      server = await start({ access: { cors } }, {
        app: { '/data': { status: 200, headers: { 'Access-Control-Allow-Origin': '*', 'X-Total': '3' }, body: '[]' } },
      });
    });
    afterAll(() => server?.stop());

    it('answers an allowed origin\'s preflight itself (204), and the app never sees it', async () => {
      const before = server.appRequests.length;
      const r = await server.request('/data', { method: 'OPTIONS', headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'PUT' } });
      expect(r.status).toBe(204);
      expect(r.headers).toMatchObject({
        'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE', 'access-control-allow-headers': 'Accept, Authorization, Content-Type, X-Requested-With',
        'access-control-max-age': '600', vary: 'Origin',
      });
      expect(server.appRequests.length).toBe(before);
    });

    it('adds the headers to an allowed origin\'s request, once (the app\'s own are dropped), for a pattern too', async () => {
      for (const origin of ['https://app.example.com', 'https://eu.example.org']) {
        const r = await server.get('/data', { headers: { Origin: origin } });
        const names = r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
        expect(names.filter((n) => n === 'access-control-allow-origin')).toHaveLength(1);
        expect(r.headers).toMatchObject({ 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true',
          'access-control-expose-headers': 'X-Total', vary: 'Origin' });
      }
    });

    it('gives an origin not allowed no CORS headers at all, and passes its OPTIONS to the app', async () => {
      for (const origin of ['https://evil.example.com', 'https://a.b.example.org', 'http://app.example.com']) {
        const r = await server.get('/data', { headers: { Origin: origin } });
        expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toStrictEqual([]);
      }
      const before = server.appRequests.length;
      await server.request('/data', { method: 'OPTIONS', headers: { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'PUT' } });
      expect(server.appRequests.length).toBe(before + 1);
    });
  });

  describe('basicAuth, and how the rules combine', () => {
    let server: SidecarTestServer;
    beforeAll(async () => {
      const file = [htpasswd('ann', 'apr1-pass', 'apr1'), htpasswd('bob', 'sha-pass', '6'), htpasswd('cy', 'bcrypt-pass', 'bcrypt')].join('\n') + '\n';
      server = await start({
        access: {
          allowFrom: ['127.0.0.1', '127.0.0.2'], basicAuth: { secretName: 'web-users', realm: 'Team area' },
          cors: { allowOrigins: ['https://app.example.com'] },
        },
        cache: {},
        routes: [Route.proxy('/'), Route.proxy('/assets/', { cache: { validFor: Duration.minutes(5) } }), Route.proxy('/open/', { access: {} })],
      }, { secrets: { 'web-users': { auth: file } }, app: {
        '/x': { status: 200, body: 'x' }, '/who': { status: 200, body: 'who' }, '/open/who': { status: 200, body: 'who' },
        '/assets/a.css': { status: 200, headers: { 'Cache-Control': 'max-age=60' }, body: 'a{}' },
      } });
    });
    afterAll(() => server?.stop());

    it('asks for credentials with the realm (401), and lets each hash format the image reads in', async () => {
      const r = await server.get('/x');
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Basic realm="Team area"');
      for (const [user, password] of [['ann', 'apr1-pass'], ['bob', 'sha-pass'], ['cy', 'bcrypt-pass']]) {
        expect([user, (await server.get('/x', { headers: basic(user, password) })).status]).toStrictEqual([user, 200]);
      }
      expect((await server.get('/x', { headers: basic('ann', 'wrong') })).status).toBe(401);
    });

    it('keeps the credentials: the app gets X-Forwarded-User, never Authorization; the log has neither password nor header', async () => {
      await server.get('/who', { headers: basic('ann', 'apr1-pass') });
      const seen = server.appRequests.find((r) => r.path === '/who')!;
      expect(seen.headers['x-forwarded-user']).toBe('ann');
      expect(seen.headers.authorization).toBeUndefined();
      await new Promise((r) => setTimeout(r, 1100));
      expect(server.log).not.toContain('apr1-pass');
      expect(server.log).not.toContain(basic('ann', 'apr1-pass').Authorization.slice(6));
    });

    it('lets no client send X-Forwarded-User through a route without basic auth', async () => {
      await server.get('/open/who', { headers: { 'X-Forwarded-User': 'admin' } });
      expect(server.appRequests.find((r) => r.path === '/open/who')!.headers['x-forwarded-user']).toBeUndefined();
    });

    it('checks the allow list first (403, no challenge), answers a preflight before asking for credentials', async () => {
      const denied = await server.get('/x', { sourceAddress: '127.0.0.3', headers: basic('ann', 'apr1-pass') });
      expect([denied.status, denied.headers['www-authenticate']]).toStrictEqual([403, undefined]);
      const preflight = await server.request('/x', { method: 'OPTIONS', headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' } });
      expect(preflight.status).toBe(204);
      const deniedPreflight = await server.request('/x', { method: 'OPTIONS', sourceAddress: '127.0.0.3',
        headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' } });
      expect(deniedPreflight.status).toBe(403);
      // A 401 carries the CORS headers, so the page's script can read it.
      const challenge = await server.get('/x', { headers: { Origin: 'https://app.example.com' } });
      expect([challenge.status, challenge.headers['access-control-allow-origin']]).toStrictEqual([401, 'https://app.example.com']);
    });

    it('caches behind basic auth one copy per user, each request checked first', async () => {
      const get = (user: string, password: string) => server.get('/assets/a.css', { headers: basic(user, password) });
      expect((await get('ann', 'apr1-pass')).headers['x-cache-status']).toBe('MISS');
      expect((await get('ann', 'apr1-pass')).headers['x-cache-status']).toBe('HIT');
      expect((await get('bob', 'sha-pass')).headers['x-cache-status']).toBe('MISS');
      expect((await get('bob', 'wrong')).status).toBe(401);
    });
  });
});
