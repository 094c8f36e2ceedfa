import { spawnSync } from 'child_process';
import { Duration, Size } from 'cdk8s';
import { Route } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';
import { webSocket } from '../support/traffic-client';

const NGINX = 'http://127.0.0.1:8080';
const APP = 'http://127.0.0.1:5000';

/**
 * Issue 10, what the app sees and what the client gets back: WebSockets, Host and port, redirects,
 * encoded paths, request IDs, the JSON log and a route's own request headers. Through the
 * synthesized pod (real nginx, the probe app in test/fixtures/traffic-app), compared with the app direct.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn'], 'traffic through the sidecar: protocol', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    const { objects, workload } = testAppPod({
      routes: [
        Route.proxy('/api/', { stripPrefix: true, readTimeout: Duration.seconds(2), webSocketIdleTimeout: Duration.seconds(4) }),
        Route.proxy('/override/', {
          stripPrefix: true,
          requestHeaders: { Host: 'internal.example', 'x-forwarded-for': '$remote_addr', 'X-Tenant': 'blue' },
        }),
        Route.proxy('/', { maxBodySize: Size.mebibytes(2) }),
      ],
    }, { image: 'sidecar-traffic-app:1' });
    pod = await RunningPod.start(objects, workload, { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  const echo = (url: string, headers: Record<string, string> = {}) => {
    const r = pod.http(url, { headers });
    expect(r.status).toBe(200);
    return { ...JSON.parse(r.body), response: r.headers };
  };

  describe('row 1: WebSocket', () => {
    it('upgrades and echoes through a stripPrefix route and the root route, as the app does direct', async () => {
      const [direct, stripped, root] = await Promise.all([
        webSocket(pod.netns, { port: 5000, path: '/ws', messages: ['hello', 'two'] }),
        webSocket(pod.netns, { port: 8080, path: '/api/ws', messages: ['hello', 'two'] }),
        webSocket(pod.netns, { port: 8080, path: '/ws', messages: ['hello', 'two'] }),
      ]);
      for (const r of [direct, stripped, root]) {
        expect({ status: r.status, acceptOk: r.acceptOk, echoes: r.echoes, closedBy: r.closedBy })
          .toEqual({ status: 101, acceptOk: true, echoes: ['hello', 'two'], closedBy: 'client' });
      }
      expect(stripped.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    });

    it('keeps an idle upgraded connection past the read timeout, and closes it at webSocketIdleTimeout', async () => {
      const [past, idle] = await Promise.all([
        webSocket(pod.netns, { port: 8080, path: '/api/ws', idleMs: 2600, messages: ['still here'], timeoutMs: 6000 }),
        webSocket(pod.netns, { port: 8080, path: '/api/ws', idleMs: 6000, messages: ['too late'], timeoutMs: 8000 }),
      ]);
      expect([past.echoes, past.closedBy]).toEqual([['still here'], 'client']);
      expect([idle.status, idle.echoes, idle.closedBy]).toEqual([101, [], 'server']);
      expect(idle.ms).toBeGreaterThan(3900);
      expect(idle.ms).toBeLessThan(5500);
    });

    it('answers ordinary requests at the read timeout (504) and keeps their upstream connection alive', () => {
      const slow = pod.http(`${NGINX}/api/slow?ms=3000`);
      expect(slow.status).toBe(504);
      expect(slow.seconds).toBeGreaterThan(1.9);
      expect(slow.seconds).toBeLessThan(3);
      const ports = [1, 2, 3].map(() => echo(`${NGINX}/api/echo`).remote_port);
      expect(new Set(ports).size).toBe(1);
      // The app without the upgrade headers answers 426, through nginx as direct.
      expect([pod.http(`${APP}/ws`).status, pod.http(`${NGINX}/api/ws`).status]).toEqual([426, 426]);
    });
  });

  describe('row 4: Host with a port', () => {
    it('passes the client\'s Host with its port, and X-Forwarded-Host/-Port/-Proto', () => {
      const seen = echo(`${NGINX}/api/echo`, { Host: 'app.example.com:32001' });
      expect(seen.headers).toMatchObject({
        Host: 'app.example.com:32001', 'X-Forwarded-Host': 'app.example.com:32001', 'X-Forwarded-Port': '32001',
        'X-Forwarded-Proto': 'http', 'X-Forwarded-Prefix': '/api', 'X-Real-Ip': '127.0.0.1', 'X-Forwarded-For': '127.0.0.1',
      });
      // What the app builds from it is the client's address, as direct.
      expect(seen.external_url).toBe('http://app.example.com:32001/echo/x');
      expect(echo(`${APP}/echo`, { Host: 'app.example.com:32001' }).external_url).toBe('http://app.example.com:32001/echo/x');
      expect(echo(`${NGINX}/api/echo`, { Host: 'app.example.com' }).headers['X-Forwarded-Port']).toBe('80');
    });

    it('answers HTTP/1.0 without a Host header', () => {
      const r = pod.http(`${NGINX}/echo`, { headers: { Host: '' }, http10: true });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).headers).toMatchObject({ Host: '_', 'X-Forwarded-Port': '80' });
    });
  });

  describe('rows 5 and 6: redirects', () => {
    const location = (base: string, to: string) => {
      const r = pod.http(`${base}/redirect?to=${encodeURIComponent(to)}`);
      expect(r.status).toBe(302);
      return r.headers.location;
    };
    it.each([
      ['the app\'s own address', 'http://127.0.0.1:5000/x?y=1', '/x?y=1'],
      ['localhost', 'http://localhost:5000/x', '/x'],
      ['the app\'s bare address', 'http://127.0.0.1:5000', '/'],
      ['a path', '/login', '/login'],
      ['another host', 'https://login.example.com/x', 'https://login.example.com/x'],
    ])('on a plain route: %s', (_name, to, expected) => {
      expect(location(APP, to)).toBe(to);
      expect(location(NGINX, to)).toBe(expected);
    });
    it.each([
      ['a path outside the prefix', '/login?next=/a', '/api/login?next=/a'],
      ['the root', '/', '/api/'],
      ['the app\'s own address', 'http://127.0.0.1:5000/login', '/api/login'],
      ['the app\'s bare address', 'http://127.0.0.1:5000', '/api/'],
      ['a path that has the prefix already (X-Forwarded-Prefix aware apps)', '/api/login', '/api/login'],
      ['the app\'s address with the prefix', 'http://127.0.0.1:5000/api/x', '/api/x'],
      ['a relative path', 'login', 'login'],
      ['another host, scheme-relative', '//cdn.example.com/x', '//cdn.example.com/x'],
      ['another host', 'https://login.example.com/x', 'https://login.example.com/x'],
    ])('on a stripPrefix route: %s', (_name, to, expected) => {
      expect(location(`${NGINX}/api`, to)).toBe(expected);
    });
  });

  describe('row 7: encoded characters with stripPrefix', () => {
    it('passes %2F and the query string as the client sent them, on a kept-alive connection', () => {
      const uri = '/echo/a%2Fb/c%20d?q=%2F&x=1';
      const direct = echo(`${APP}${uri}`);
      const seen = [1, 2].map(() => echo(`${NGINX}/api${uri}`));
      expect(seen.map((s) => s.raw_uri)).toEqual([direct.raw_uri, direct.raw_uri]);
      expect(direct.raw_uri).toBe(uri);
      expect(seen[0].remote_port).toBe(seen[1].remote_port);
    });

    it('refuses a prefix that only matches once decoded (400)', () => {
      expect(pod.http(`${NGINX}/%61pi/echo`).status).toBe(400);
    });
  });

  describe('row 10: request IDs', () => {
    it('generates one when the client sends none: returned, passed to the app and logged', async () => {
      const seen = echo(`${NGINX}/api/echo?rid`);
      const id = seen.response['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(seen.headers['X-Request-Id']).toBe(id);
      expect((await logLine('/api/echo?rid')).request_id).toBe(id);
    });

    it.each([
      ['a safe token', 'req-42.a:b_c', 'req-42.a:b_c'],
      ['a UUID', '3f2a0c1e-9b7d-4f5e-8a6b-1c2d3e4f5a6b', '3f2a0c1e-9b7d-4f5e-8a6b-1c2d3e4f5a6b'],
    ])('keeps the client\'s when it is %s', (_name, sent, kept) => {
      const seen = echo(`${NGINX}/echo`, { 'X-Request-ID': sent });
      expect([seen.response['x-request-id'], seen.headers['X-Request-Id']]).toEqual([kept, kept]);
    });

    it.each([['spaces and quotes', 'a b"c'], ['too long', 'a'.repeat(129)], ['a semicolon', 'a;b']])('replaces one with %s', (_name, sent) => {
      const seen = echo(`${NGINX}/echo`, { 'X-Request-ID': sent });
      expect(seen.response['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(seen.headers['X-Request-Id']).toBe(seen.response['x-request-id']);
    });

    it('returns it on the error page and the sidecar\'s 400 too', () => {
      const page = pod.http(`${NGINX}/api/slow?ms=3000`, { headers: { 'X-Request-ID': 'slow-1' } });
      expect([page.status, page.headers['x-request-id']]).toEqual([504, 'slow-1']);
      const refused = pod.http(`${NGINX}/%61pi/echo`, { headers: { 'X-Request-ID': 'odd-1' } });
      expect([refused.status, refused.headers['x-request-id']]).toEqual([400, 'odd-1']);
    });
  });

  describe('row 11: the JSON access log', () => {
    it('writes one JSON object per request with the upstream\'s timing and status', async () => {
      pod.http(`${NGINX}/api/echo/log%2Fme?a=1`, { headers: { 'X-Request-ID': 'log-1', 'User-Agent': 'probe "1"' } });
      const line = await logLine('/api/echo/log%2Fme?a=1');
      expect(line).toMatchObject({
        remote_addr: '127.0.0.1', method: 'GET', path: '/api/echo/log%2Fme?a=1', protocol: 'HTTP/1.1', status: 200,
        upstream_status: '200', cache_status: '', request_id: 'log-1', referer: '', user_agent: 'probe "1"',
      });
      expect(line.bytes).toBeGreaterThan(100);
      expect(typeof line.request_time).toBe('number');
      expect(Number(line.upstream_response_time)).toBeGreaterThanOrEqual(0);
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    });

    it('stays valid UTF-8 JSON whatever bytes a client sends: a value that is not UTF-8 is logged as "(not UTF-8)"', async () => {
      // GIVEN raw bytes no UTF-8 decoder accepts (E9 FF; a surrogate; an overlong "/"), and valid UTF-8, sent as they are
      const send = (path: string, ua: string, referer: string) => spawnSync('ip', ['netns', 'exec', pod.netns, 'bash', '-c',
        `printf 'GET ${path} HTTP/1.0\\r\\nUser-Agent: ${ua}\\r\\nReferer: ${referer}\\r\\n\\r\\n' > /dev/tcp/127.0.0.1/8080`]);
      send('/api/echo/utf8-bad-\\xe9\\xff', '\\xe9\\xff', '\\xed\\xa0\\x80');
      send('/api/echo/utf8-good', 'Caf\\xc3\\xa9 \\xe2\\x98\\x95', '\\xc0\\xaf');
      // THEN the log's bytes decode strictly, and each field is its value or the marker
      const good = await logLine('/api/echo/utf8-good');
      expect([good.user_agent, good.referer]).toEqual(['Café ☕', '(not UTF-8)']);
      const bad = (await logLines()).find((l) => l.path === '(not UTF-8)');
      expect(bad).toMatchObject({ user_agent: '(not UTF-8)', referer: '(not UTF-8)' });
      // (the runner decodes the container's output as UTF-8: a byte that is not would show as U+FFFD)
      expect(pod.log('nginx')).not.toContain('\ufffd');
    });
  });

  describe('row 12: a route\'s own request headers', () => {
    it('replace the sidecar\'s (one Host, the forged X-Forwarded-For gone) and add others', () => {
      const seen = echo(`${NGINX}/override/echo`, { 'X-Forwarded-For': '6.6.6.6', Host: 'app.example.com' });
      expect(seen.headers).toMatchObject({ Host: 'internal.example', 'X-Forwarded-For': '127.0.0.1', 'X-Tenant': 'blue' });
      // Elsewhere the sidecar's own stay: the client's chain, extended.
      expect(echo(`${NGINX}/api/echo`, { 'X-Forwarded-For': '6.6.6.6' }).headers['X-Forwarded-For']).toBe('6.6.6.6, 127.0.0.1');
    });

    it('a route\'s maxBodySize replaces the sidecar\'s limit in that route only', () => {
      const upload = (url: string) => pod.http(url, { method: 'POST', body: '@-', stdin: 'x'.repeat(1536 * 1024), headers: { Expect: '' } });
      const big = upload(`${NGINX}/upload`);
      expect([big.status, JSON.parse(big.body).bytes]).toEqual([200, 1536 * 1024]);
      expect(upload(`${NGINX}/api/upload`).status).toBe(413);
    });
  });

  /** The access log's lines so far. */
  async function logLines(): Promise<any[]> {
    return pod.log('nginx').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  }

  /** The access log line of the request for `path` (the last one), once the log has it. */
  async function logLine(path: string): Promise<any> {
    // Up to 5 s: the access log is flushed once a second.
    for (let i = 0; i < 250; i++) {
      const lines = await logLines();
      const found = lines.filter((l) => l.path === path);
      if (found.length > 0) {
        return found[found.length - 1];
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no access log line for ${path}:\n${pod.log('nginx')}`);
  }
});
