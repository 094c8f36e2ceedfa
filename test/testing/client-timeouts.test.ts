import * as net from 'net';
import { Duration } from 'cdk8s';
import { ClientTimeoutsOptions } from '../../lib';
import { SidecarTestServer } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

function start(clientTimeouts?: ClientTimeoutsOptions): Promise<SidecarTestServer> {
  return startSidecar({ clientTimeouts });
}

/**
 * Sends `bytes` on a new connection to the sidecar's plain port and stays silent; resolves with how
 * the connection ended (a reset, a close after an answer, or still open at `waitMs`) and when.
 */
function slowClient(server: SidecarTestServer, bytes: string, waitMs: number): Promise<{ end: string; afterMs: number; got: string }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let got = '';
    const socket = net.connect(server.port(8080), '127.0.0.1', () => socket.write(bytes));
    const done = (end: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ end, afterMs: Date.now() - t0, got });
    };
    const timer = setTimeout(() => done('still open'), waitMs);
    socket.on('data', (d) => { got += String(d); });
    socket.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
    socket.on('end', () => done('closed'));
  });
}

/** Slow and idle clients, with real nginx: each runs out its timeout and is reset, not closed gracefully. */
describeWithTools(['nginx'], 'clientTimeouts with real nginx', () => {
  let fast: SidecarTestServer;
  let slow: SidecarTestServer;
  beforeAll(async () => {
    [fast, slow] = await Promise.all([
      start({ header: Duration.millis(500), body: Duration.millis(500) }),
      start({ header: Duration.seconds(30) }),
    ]);
  });
  afterAll(() => Promise.all([fast?.stop(), slow?.stop()]));

  it('resets a client that does not finish its header in time; with more time, it is still served', async () => {
    const partial = 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ';
    const [cut, kept] = await Promise.all([slowClient(fast, partial, 2500), slowClient(slow, partial, 1500)]);
    expect(cut.end).toBe('ECONNRESET');
    expect(cut.got).toBe('');
    expect(cut.afterMs).toBeGreaterThanOrEqual(450);
    expect(cut.afterMs).toBeLessThan(2000);
    expect(kept.end).toBe('still open');
  });

  it('resets a request whose body stops arriving, the app never sees it, and the access log says 408 for both', async () => {
    const before = fast.appRequests.length;
    const r = await slowClient(fast, 'POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789', 2500);
    expect(r.end).toBe('ECONNRESET');
    expect(r.afterMs).toBeLessThan(2000);
    expect(r.got).toBe('');
    expect(fast.appRequests.length).toBe(before);
    // The access log is written once a second.
    const timedOut = () => fast.log.split('\n').filter((l) => l.includes('"status":408'));
    for (let i = 0; i < 30 && timedOut().length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(timedOut().map((l) => JSON.parse(l).method)).toStrictEqual(['GET', 'POST']);
  });
}, { root: false });
