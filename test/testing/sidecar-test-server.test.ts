import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { SidecarTestServer, headerValues } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';

const ROOT = path.join(__dirname, '..', '..');
const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000 }] };

/** A chart with an API (prefix stripped), cached assets, the rest proxied, and HTTPS. */
function chart() {
  const c = Testing.chart();
  const web = new kplus.Deployment(c, 'web', { containers: [APP] });
  const proxy = new ReverseProxySidecar(c, 'proxy', {
    host: SidecarHost.fromWorkload(web),
    tls: { secretName: 'web-tls' },
    routes: [
      Route.proxy('/api/', { stripPrefix: true }),
      Route.proxy('/assets/', { cache: { validFor: Duration.hours(1) } }),
      Route.proxy('/'),
    ],
  });
  return { chart: c, proxy };
}

/**
 * The testing entry (`cdk8s-reverse-proxy-sidecar/testing`): the sidecar as synthesized, with real
 * nginx as this user (no root, no namespaces), in front of a stub app.
 */
describeWithTools(['nginx', 'openssl'], 'SidecarTestServer', () => {
  let server: SidecarTestServer;
  beforeAll(async () => {
    server = await SidecarTestServer.start(chart().chart, {
      app: (req, res) => {
        res.setHeader('Content-Type', 'text/css');
        res.end(`seen ${req.path}\n`.repeat(100));
      },
    });
  });
  afterAll(() => server?.stop());

  test('a route strips its prefix: the app receives /x', async () => {
    const r = await server.get('/api/x?q=1');
    expect([r.status, server.appRequests.at(-1)?.path, r.text.split('\n')[0]]).toStrictEqual([200, '/x?q=1', 'seen /x?q=1']);
  });

  test('a cached route: MISS, then HIT without reaching the app; gzip decoded; the sidecar\'s header sent once', async () => {
    const before = server.appRequests.length;
    const first = await server.get('/assets/a.css', { headers: { 'Accept-Encoding': 'gzip' } });
    const second = await server.get('/assets/a.css', { headers: { 'Accept-Encoding': 'gzip' } });
    expect([first.headers['x-cache-status'], second.headers['x-cache-status'], second.headers['content-encoding']]).toStrictEqual(['MISS', 'HIT', 'gzip']);
    expect(second.text.split('\n')[0]).toBe('seen /assets/a.css');
    expect(second.rawBody.length).toBeLessThan(second.body.length);
    expect(headerValues(second, 'X-Content-Type-Options')).toStrictEqual(['nosniff']);
    expect(server.appRequests.length - before).toBe(1);
  });

  test('HTTPS with the throwaway certificate: the app is told https', async () => {
    const r = await server.request('/api/secure', { https: true });
    expect([r.status, server.appRequests.at(-1)?.headers['x-forwarded-proto']]).toStrictEqual([200, 'https']);
    expect(server.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test('HTTP/2 over TLS (ALPN), as browsers speak it', async () => {
    const r = await server.request('/api/h2', { https: true, http2: true });
    expect([r.status, server.appRequests.at(-1)?.path, r.text.split('\n')[0]]).toStrictEqual([200, '/h2', 'seen /h2']);
    await expect(server.request('/', { http2: true })).rejects.toThrow('http2 needs https');
  });

  test('a WebSocket upgrade reaches the app without its prefix, and bytes pass both ways', async () => {
    const ws = await server.upgrade('/api/ws');
    try {
      expect([ws.status, ws.headers.upgrade, server.appRequests.at(-1)?.path]).toStrictEqual([101, 'websocket', '/ws']);
      const echoed = new Promise<string>((resolve) => ws.socket.once('data', (d: Buffer) => resolve(d.toString())));
      ws.socket.write('ping');
      expect(await echoed).toBe('ping');
    } finally {
      ws.socket.destroy();
    }
  });

  test('the app down: the error page (502); back up: served again', async () => {
    await server.app.down();
    const down = await server.get('/api/x');
    expect([down.status, down.text]).toStrictEqual([502, expect.stringContaining('<html')]);
    await server.app.up();
    expect((await server.get('/api/x')).status).toBe(200);
  });

  test('canned answers, and a raw request no client would send', async () => {
    server.app.setHandler({ '/health': { status: 204 } });
    expect((await server.get('/api/health')).status).toBe(204);
    expect((await server.get('/api/nothing')).status).toBe(404);
    expect((await server.raw('GET /%61pi/x HTTP/1.0\r\n\r\n')).toString().split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
  });

  test('the pod\'s ports map to local ones', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port(8080)}`);
    expect(server.httpsUrl).toBe(`https://127.0.0.1:${server.port(8443)}`);
    expect(() => server.port(9999)).toThrow('nginx does not listen on 9999 (it listens on 8080, 8443)');
  });
}, { root: false });

describeWithTools(['nginx'], 'SidecarTestServer sources and lifecycle', () => {
  test('from a YAML file (dist/): the flask-hello page and its API', async () => {
    const server = await SidecarTestServer.start(path.join(ROOT, 'dist', 'flask-hello.k8s.yaml'), { app: { '/': { body: 'Hello World!' } } });
    try {
      expect((await server.get('/')).text).toContain('<html');
      expect((await server.get('/api/')).text).toBe('Hello World!');
    } finally {
      await server.stop();
    }
  });

  test('from a ReverseProxySidecar among two: its own workload\'s sidecar', async () => {
    const c = Testing.chart();
    const make = (id: string, body: string) => new ReverseProxySidecar(c, `${id}-proxy`, {
      host: SidecarHost.fromWorkload(new kplus.Deployment(c, id, { containers: [APP] })), responseHeaders: { 'X-Which': body }, routes: [Route.proxy('/')],
    });
    make('a', 'a');
    const b = make('b', 'b');
    await expect(SidecarTestServer.start(c)).rejects.toThrow(/^SidecarTestServer\.start: 2 nginx sidecars \(Deployment "test-a-c8\w+", Deployment "test-b-c8\w+"\); choose one with the workload option$/);
    const server = await SidecarTestServer.start(b);
    try {
      expect((await server.get('/')).headers['x-which']).toBe('b');
    } finally {
      await server.stop();
    }
  });

  test('from a ReverseProxySidecar whose nginx.conf is the same as another\'s: still its own workload', async () => {
    const c = Testing.chart();
    const make = (id: string) => new ReverseProxySidecar(c, `${id}-proxy`, {
      host: SidecarHost.fromWorkload(new kplus.Deployment(c, id, { containers: [APP] })), routes: [Route.proxy('/')],
    });
    make('a');
    const b = make('b');
    const server = await SidecarTestServer.start(b);
    await server.stop();
  });

  test('a config nginx refuses: its own message, and nothing left behind', async () => {
    const c = Testing.chart();
    const conf = 'pid /var/cache/nginx/nginx.pid;\nevents {}\nhttp { server { listen 8080; location = /_sidecar/healthz { return 200; } '
      + 'no_such_directive on; } }\n';
    new ReverseProxySidecar(c, 'proxy', { host: SidecarHost.fromWorkload(new kplus.Deployment(c, 'web', { containers: [APP] })), nginxConf: conf });
    await expect(SidecarTestServer.start(c)).rejects.toThrow(/nginx exited before it was ready:\n.*\[emerg\].*unknown directive "no_such_directive"/);
  });

  test('stop() after nginx\'s master died leaves no worker serving', async () => {
    const server = await SidecarTestServer.start(chart().chart);
    const port = server.port(8080);
    process.kill(server._masterPid(), 'SIGKILL');
    await server.stop();
    expect(spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status).not.toBe(0);
  });

  test('a body labelled gzip that is not: the request fails, saying so', async () => {
    const server = await SidecarTestServer.start(chart().chart, { app: { '/': { headers: { 'Content-Encoding': 'gzip' }, body: 'plain' } } });
    try {
      await expect(server.get('/')).rejects.toThrow('the answer says Content-Encoding: gzip, but its body is not gzip');
    } finally {
      await server.stop();
    }
  });

  test('without nginx: an error with the install line', async () => {
    await expect(SidecarTestServer.start(chart().chart, { nginxBinary: '/nonexistent/nginx' })).rejects.toThrow(
      'SidecarTestServer needs a local nginx: install nginx (Debian/Ubuntu: apt-get install nginx-light; macOS: brew install nginx) or pass nginxBinary');
    expect(SidecarTestServer.nginxAvailable('/nonexistent/nginx')).toBe(false);
  });

  test('a test process killed outright leaves no nginx and no files behind', async () => {
    // GIVEN a process that starts a server, says where, and is then killed with SIGKILL
    const script = `require('ts-node/register/transpile-only');
      const { Testing } = require('cdk8s'); const kplus = require('cdk8s-plus-34');
      const { ReverseProxySidecar, Route, SidecarHost } = require('./lib'); const { SidecarTestServer } = require('./lib/testing');
      const c = Testing.chart();
      new ReverseProxySidecar(c, 'p', { host: SidecarHost.fromWorkload(new kplus.Deployment(c, 'w', { containers: [{ image: 'a:1', ports: [{ number: 5000 }] }] })), routes: [Route.proxy('/')] });
      SidecarTestServer.start(c).then((s) => { console.log(s.port(8080)); setInterval(() => {}, 1000); });`;
    // A temp directory of its own: other test files start servers in the shared one meanwhile.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'killed-'));
    fs.chmodSync(tmp, 0o1777);
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: tmp } });
    const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    const dirs = () => fs.readdirSync(tmp).filter((f) => f.startsWith('rps-test-server-'));
    expect(dirs().length).toBeGreaterThan(0);
    const listening = () => spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status === 0;
    expect(listening()).toBe(true);
    // WHEN
    child.kill('SIGKILL');
    // THEN nginx stops and its directory goes, within a second or two
    const deadline = Date.now() + 5000;
    while ((listening() || dirs().length > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect({ listening: listening(), dirs: dirs() }).toStrictEqual({ listening: false, dirs: [] });
    fs.rmSync(tmp, { recursive: true, force: true });
  });
}, { root: false });
