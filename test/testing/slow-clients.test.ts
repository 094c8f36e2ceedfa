import * as net from 'net';
import { Duration } from 'cdk8s';
import { ClientTimeoutsOptions } from '../../lib';
import { SidecarTestServer } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

/** A sidecar with 64 connections per worker (one worker), so that a few slow clients can fill it. */
function start(clientTimeouts?: ClientTimeoutsOptions): Promise<SidecarTestServer> {
  return startSidecar({ workerConnections: 64, clientTimeouts });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Slowloris from 127.0.0.2: `perSecond` new connections a second for `ms`, each sending half a
 * header and then nothing. Resolves with how they ended: reset by nginx, or still open at the end.
 */
async function slowloris(server: SidecarTestServer, perSecond: number, ms: number): Promise<{ reset: number; open: number }> {
  const ends: Array<Promise<string>> = [];
  const sockets: net.Socket[] = [];
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const socket = net.connect({ host: '127.0.0.1', port: server.port(8080), localAddress: '127.0.0.2' },
      () => socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: '));
    sockets.push(socket);
    ends.push(new Promise((resolve) => {
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      socket.on('close', () => resolve('closed'));
    }));
    await sleep(1000 / perSecond);
  }
  await sleep(200);
  const open = sockets.filter((s) => !s.destroyed).length;
  sockets.forEach((s) => s.destroy());
  const how = await Promise.all(ends);
  return { reset: how.filter((h) => h === 'ECONNRESET').length, open };
}

/** Another client, from 127.0.0.3: one GET every 100 ms during `ms` (each given 1 s); how many got 200. */
async function regular(server: SidecarTestServer, ms: number): Promise<{ sent: number; ok: number }> {
  const answers: Array<Promise<number>> = [];
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    answers.push(server.get('/', { sourceAddress: '127.0.0.3', timeoutMs: 1000 }).then((r) => r.status, () => 0));
    await sleep(100);
  }
  const statuses = await Promise.all(answers);
  return { sent: statuses.length, ok: statuses.filter((s) => s === 200).length };
}

/**
 * Issue 20, item 5, beside the 512-client test: one address opening 100 slow connections a second
 * (slowloris) while another makes ordinary requests, on a sidecar with 64 worker connections. A
 * header timeout bounds what the slow address holds at once to its rate times the timeout: at
 * 500 ms that is about 50 and the other client is always served; with a timeout longer than the
 * 0.64 s it takes to fill 64 connections, the other client's requests wait unanswered. At the
 * defaults (4,096 connections, 10 s) filling the worker takes 410 slow connections a second, held
 * (see README, "Protecting the app").
 */
describeWithTools(['nginx'], 'slow clients (slowloris) and the header timeout, with real nginx', () => {
  let bounded: SidecarTestServer;
  let unbounded: SidecarTestServer;
  type Run = { slow: { reset: number; open: number }; other: { sent: number; ok: number } };
  const runs: Record<string, Run> = {};
  beforeAll(async () => {
    [bounded, unbounded] = await Promise.all([start({ header: Duration.millis(500) }), start({ header: Duration.seconds(30) })]);
    // Both at once (each 3 s): the same load on the machine for both.
    const attack = async (server: SidecarTestServer): Promise<Run> => {
      const [slow, other] = await Promise.all([slowloris(server, 100, 3000), sleep(1000).then(() => regular(server, 2000))]);
      return { slow, other };
    };
    [runs.bounded, runs.unbounded] = await Promise.all([attack(bounded), attack(unbounded)]);
  });
  afterAll(() => Promise.all([bounded?.stop(), unbounded?.stop()]));

  it('with a 500 ms header timeout, the other client gets every answer and the slow connections are reset', () => {
    const { slow, other } = runs.bounded;
    // Measured here: 20 of 20 answered; 262-265 slow connections reset, 29 open at the end.
    expect(other.ok).toBe(other.sent);
    expect(other.sent).toBeGreaterThanOrEqual(15);
    // Every slow connection older than the timeout was reset; the youngest (under 500 ms) were open.
    expect(slow.reset).toBeGreaterThan(200);
    expect(slow.open).toBeLessThan(45);
  });

  it('with a 30 s header timeout, the slow address fills the worker and the other client goes unanswered', () => {
    const { slow, other } = runs.unbounded;
    // Measured here: 0 of 20 answered; 62 slow connections held (64 less the listening sockets),
    // and the 81-96 that came once the worker was full reset at once.
    expect(other.ok).toBeLessThan(other.sent / 2);
    expect(slow.open).toBeGreaterThanOrEqual(55);
  });
});
