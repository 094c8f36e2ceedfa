import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ClientAddressOptions, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { SidecarTestServer } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

/** A sidecar in front of a stub app, with `clientAddress` when given, served by real nginx. */
function start(clientAddress?: ClientAddressOptions): Promise<SidecarTestServer> {
  return startSidecar({ clientAddress });
}

/**
 * The client's address from trusted proxies, with real nginx and clients on several loopback
 * addresses: 127.0.0.2 is the trusted proxy (an ingress controller, say), 127.0.0.3 anyone else.
 */
describeWithTools(['nginx', 'openssl'], 'clientAddress with real nginx', () => {
  let server: SidecarTestServer;
  let plain: SidecarTestServer;
  /** Each case: the server, the client's own address, the X-Forwarded-For it sends. */
  const CASES = {
    trusted: ['trusted', '127.0.0.2', '203.0.113.7'],
    hops: ['trusted', '127.0.0.2', '198.51.100.9, 10.1.2.3'],
    untrusted: ['trusted', '127.0.0.3', '203.0.113.7'],
    forged: ['trusted', '127.0.0.3', '203.0.113.7, 127.0.0.2'],
    bare: ['trusted', '127.0.0.2', undefined],
    without: ['plain', '127.0.0.2', '203.0.113.7'],
  } as const;
  const seen: Record<string, { realIp?: string | string[]; forwardedFor?: string | string[]; logged?: string }> = {};
  const peers: Record<string, string | undefined> = {};
  beforeAll(async () => {
    [server, plain] = await Promise.all([start({ trustedProxies: ['127.0.0.2', '10.0.0.0/8'] }), start()]);
    const on = (which: string) => (which === 'trusted' ? server : plain);
    await Promise.all(Object.entries(CASES).map(async ([name, [which, sourceAddress, forwardedFor]]) => {
      const res = await on(which).get(`/?${name}`, { sourceAddress, headers: forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor } });
      expect(res.status).toBe(200);
    }));
    // The access log is written through a buffer flushed every second.
    await new Promise((r) => setTimeout(r, 1200));
    for (const [name, [which]] of Object.entries(CASES)) {
      const app = on(which).appRequests.find((r) => r.path === `/?${name}`)!;
      const line = on(which).log.split('\n').filter((l) => l.includes(`"path":"/?${name}"`)).map((l) => JSON.parse(l))[0];
      seen[name] = { realIp: app.headers['x-real-ip'], forwardedFor: app.headers['x-forwarded-for'], logged: line?.remote_addr };
      peers[name] = line?.peer_addr;
    }
  });
  afterAll(() => Promise.all([server?.stop(), plain?.stop()]));

  it('takes the client from a trusted proxy\'s X-Forwarded-For, and tells the app the proxy too', () => {
    expect(seen.trusted).toStrictEqual({ realIp: '203.0.113.7', forwardedFor: '203.0.113.7, 127.0.0.2', logged: '203.0.113.7' });
  });

  it('walks back through every trusted hop to the first address that is not one', () => {
    expect(seen.hops).toStrictEqual({ realIp: '198.51.100.9', forwardedFor: '198.51.100.9, 10.1.2.3, 127.0.0.2', logged: '198.51.100.9' });
  });

  it('keeps the address of a client that is not a trusted proxy, whatever X-Forwarded-For it sends', () => {
    expect(seen.untrusted).toStrictEqual({ realIp: '127.0.0.3', forwardedFor: '203.0.113.7, 127.0.0.3', logged: '127.0.0.3' });
    // A client that forges a trusted proxy's hop gains nothing either: it is not one.
    expect(seen.forged).toStrictEqual({ realIp: '127.0.0.3', forwardedFor: '203.0.113.7, 127.0.0.2, 127.0.0.3', logged: '127.0.0.3' });
  });

  it('keeps the trusted proxy\'s own address when it sends no X-Forwarded-For', () => {
    expect(seen.bare).toStrictEqual({ realIp: '127.0.0.2', forwardedFor: '127.0.0.2', logged: '127.0.0.2' });
  });

  it('logs the proxy a request came through beside the client, only with clientAddress', () => {
    expect(peers).toStrictEqual({ trusted: '127.0.0.2', hops: '127.0.0.2', untrusted: '127.0.0.3', forged: '127.0.0.3', bare: '127.0.0.2', without: undefined });
  });

  it('believes X-Forwarded-Proto (trustForwardedProto) from the trusted proxies only', async () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
    new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')], trustForwardedProto: true,
      clientAddress: { trustedProxies: ['127.0.0.2'] }, tls: { secretName: 'web-tls', redirectHttp: true },
    });
    const tls = await SidecarTestServer.start(chart);
    try {
      const https = { 'X-Forwarded-Proto': 'https' };
      expect((await tls.get('/', { sourceAddress: '127.0.0.2', headers: https })).status).toBe(200);
      expect((await tls.get('/', { sourceAddress: '127.0.0.3', headers: https })).status).toBe(308);
    } finally {
      await tls.stop();
    }
  });

  it('without clientAddress, sees only the peer, as before', () => {
    expect(seen.without).toStrictEqual({ realIp: '127.0.0.2', forwardedFor: '203.0.113.7, 127.0.0.2', logged: '127.0.0.2' });
  });
}, { root: false });
