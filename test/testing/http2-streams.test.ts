import * as http2 from 'http2';
import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { SidecarTestServer } from '../../lib/testing';
import { StubHandler } from '../../lib/testing/stub-app';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

/** An app with a small gunicorn's concurrency: `workers` requests at a time, `ms` each, the rest queued. */
function smallApp(workers: number, ms: number): StubHandler {
  let busy = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (busy < workers && queue.length > 0) {
      busy++;
      queue.shift()!();
    }
  };
  return (_req, res) => {
    queue.push(() => setTimeout(() => {
      res.end('ok');
      busy--;
      next();
    }, ms));
    next();
  };
}

/** HTTPS with a 1 s read timeout in front of an app serving 4 requests at a time, 20 ms each (200 req/s). */
function start(http2MaxConcurrentStreams?: number): Promise<SidecarTestServer> {
  return startSidecar({
    tls: { secretName: 'web-tls', http2MaxConcurrentStreams },
    routes: [Route.proxy('/', { readTimeout: Duration.seconds(1) })],
  }, { app: smallApp(4, 20) });
}

/**
 * `clients` HTTP/2 connections each asking `perClient` requests at once, as browsers do: after the
 * server's SETTINGS (its stream limit) arrived, more as earlier ones finish. The statuses, counted.
 */
async function burst(server: SidecarTestServer, clients: number, perClient: number): Promise<Record<string, number>> {
  const port = Number(new URL(server.httpsUrl!).port);
  const counts: Record<string, number> = {};
  const count = (k: string) => { counts[k] = (counts[k] ?? 0) + 1; };
  await Promise.all(Array.from({ length: clients }, async () => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
    await new Promise((resolve) => session.once('remoteSettings', resolve));
    await Promise.all(Array.from({ length: perClient }, () => new Promise<void>((resolve) => {
      const req = session.request({ ':path': '/' });
      req.on('response', (h) => count(String(h[':status'])));
      req.on('error', (e: NodeJS.ErrnoException) => { count(e.code ?? 'error'); resolve(); });
      req.on('end', resolve);
      req.resume();
      req.end();
    })));
    session.close();
  }));
  return counts;
}

/**
 * HTTP/2 lets one connection carry many requests at once: with nginx's own 128 per connection, ten
 * clients put 300 requests in front of an app that serves 200 a second, and those at the back of
 * its queue run out the route's read timeout. The sidecar's bound keeps the queue at the clients.
 */
describeWithTools(['nginx', 'openssl'], 'HTTP/2 streams per connection, with real nginx', () => {
  let bounded: SidecarTestServer;
  let nginxDefault: SidecarTestServer;
  beforeAll(async () => {
    [bounded, nginxDefault] = await Promise.all([start(8), start(128)]);
  });
  afterAll(() => Promise.all([bounded?.stop(), nginxDefault?.stop()]));

  it('answers every request of ten busy clients when each may have 8 in progress', async () => {
    expect(await burst(bounded, 10, 30)).toStrictEqual({ 200: 300 });
  });

  it('times requests out (504) when each client may have 128 in progress', async () => {
    const counts = await burst(nginxDefault, 10, 30);
    expect(counts[504]).toBeGreaterThan(30);
    expect((counts[200] ?? 0) + counts[504]).toBe(300);
  });
}, { root: false });
