import * as net from 'net';
import * as tls from 'tls';
import { ReverseProxySidecarProps } from '../../lib';
import { SidecarTestServer } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

/** A sidecar whose PROXY protocol port (8090) believes the load balancer at 127.0.0.5 only. */
function start(props: Partial<ReverseProxySidecarProps> = {}): Promise<SidecarTestServer> {
  return startSidecar({ trustForwardedProto: true, clientAddress: { trustedProxies: ['127.0.0.5'], proxyProtocolPort: 8090 }, ...props });
}

/** PROXY protocol v1: the client 203.0.113.7:40000 connected to 10.0.0.1:8090. */
const V1 = 'PROXY TCP4 203.0.113.7 10.0.0.1 40000 8090\r\n';

/** PROXY protocol v2 (binary, as AWS NLB sends it): the same client and destination. */
function v2(): Buffer {
  const signature = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
  const addresses = Buffer.from([203, 0, 113, 7, 10, 0, 0, 1, 0x9c, 0x40, 0x1f, 0x9a]);
  // Version 2, PROXY command; TCP over IPv4; 12 bytes of addresses.
  return Buffer.concat([signature, Buffer.from([0x21, 0x11, 0x00, 0x0c]), addresses]);
}

const REQUEST = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.1\r\n`
  + 'X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n';

/** Sends `bytes` from `sourceAddress` to the sidecar's port; optionally TLS after them. Resolves with what came back (empty if closed unanswered). */
function send(server: SidecarTestServer, sourceAddress: string, header: string | Buffer, path: string, overTls = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: server.port(8090), localAddress: sourceAddress }, () => {
      socket.write(header);
      if (!overTls) {
        socket.write(REQUEST(path));
        return;
      }
      const secure = tls.connect({ socket, rejectUnauthorized: false, servername: 'localhost' }, () => secure.write(REQUEST(path)));
      let got = '';
      secure.on('data', (d) => { got += String(d); });
      secure.on('end', () => resolve(got));
      secure.on('error', reject);
    });
    if (!overTls) {
      let got = '';
      socket.on('data', (d) => { got += String(d); });
      socket.on('close', () => resolve(got));
      socket.on('error', () => resolve(got));
    }
  });
}

/** What the app got for `path`, and the access log's line for it (written once a second). */
async function seen(server: SidecarTestServer, path: string) {
  for (let i = 0; i < 30 && !server.log.includes(`"path":"${path}"`); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const app = server.appRequests.find((r) => r.path === path)!;
  const line = JSON.parse(server.log.split('\n').find((l) => l.includes(`"path":"${path}"`))!);
  return { realIp: app.headers['x-real-ip'], forwardedFor: app.headers['x-forwarded-for'], proto: app.headers['x-forwarded-proto'],
    logged: line.remote_addr, peer: line.peer_addr };
}

/**
 * Issue 20, item 1: the PROXY protocol listener, with real nginx. The load balancer is 127.0.0.5
 * (trusted), anyone else 127.0.0.6; the PROXY header names the client 203.0.113.7.
 */
describeWithTools(['nginx', 'openssl'], 'clientAddress.proxyProtocolPort with real nginx', () => {
  let plain: SidecarTestServer;
  let https: SidecarTestServer;
  const answers: Record<string, string> = {};
  const seenBy: Record<string, Awaited<ReturnType<typeof seen>>> = {};
  beforeAll(async () => {
    [plain, https] = await Promise.all([start(), start({ tls: { secretName: 'web-tls', reloadOnRotation: false } })]);
    // Every request first, then one wait for the access log (written once a second).
    [answers.v1, answers.v2, answers.forged, answers.tls] = await Promise.all([
      send(plain, '127.0.0.5', V1, '/?v1'), send(plain, '127.0.0.5', v2(), '/?v2'), send(plain, '127.0.0.6', V1, '/?forged'),
      send(https, '127.0.0.5', V1, '/?tls', true),
    ]);
    [seenBy.v1, seenBy.v2, seenBy.forged, seenBy.tls] = await Promise.all([seen(plain, '/?v1'), seen(plain, '/?v2'), seen(plain, '/?forged'), seen(https, '/?tls')]);
  });
  afterAll(() => Promise.all([plain?.stop(), https?.stop()]));

  it('from the load balancer, v1: the PROXY header\'s client, the chain plus it, and no X-Forwarded-Proto of the client\'s', () => {
    expect(answers.v1).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seenBy.v1).toStrictEqual({
      realIp: '203.0.113.7', forwardedFor: '198.51.100.1, 203.0.113.7', proto: 'http', logged: '203.0.113.7', peer: '127.0.0.5',
    });
  });

  it('from the load balancer, v2 (binary)', () => {
    expect(answers.v2).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seenBy.v2).toMatchObject({ realIp: '203.0.113.7', logged: '203.0.113.7', peer: '127.0.0.5' });
  });

  it('from anyone else, the PROXY header is not believed: the address that connected', () => {
    expect(answers.forged).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seenBy.forged).toStrictEqual({
      realIp: '127.0.0.6', forwardedFor: '198.51.100.1, 127.0.0.6', proto: 'http', logged: '127.0.0.6', peer: '127.0.0.6',
    });
  });

  it('a connection without the PROXY header is closed unanswered; the plain port, where the probes go, takes none', async () => {
    expect(await send(plain, '127.0.0.5', '', '/?bare')).toBe('');
    expect((await plain.get('/_sidecar/healthz')).status).toBe(200);
    expect(String(await plain.raw(`${V1}${REQUEST('/?on-plain')}`))).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('with tls, the port speaks HTTPS after the header: the app is told https and the client', () => {
    expect(answers.tls).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seenBy.tls).toStrictEqual({
      realIp: '203.0.113.7', forwardedFor: '198.51.100.1, 203.0.113.7', proto: 'https', logged: '203.0.113.7', peer: '127.0.0.5',
    });
  });
});
