import * as http from 'http';
import { AddressInfo } from 'net';
import { Route } from '../../lib';
import { headerValues, SidecarTestServer } from '../../lib/testing';
import { describeWithTools } from '../support/real-tools';
import { startSidecar } from '../support/sidecar-server';

/** A port nothing listens on: one the kernel gave a server that is closed again. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/**
 * The sidecar's own answers on a CORS route, with real nginx: its error page (the app down: 502)
 * and external auth's sign-in redirect are internal redirects that leave the route's headers
 * behind; they carry the route's CORS headers for an allowed origin, so that a page's script can
 * read the status or follow the redirect, and none elsewhere.
 */
describeWithTools(['nginx'], 'CORS on the sidecar\'s error page and sign-in redirect', () => {
  const origin = 'https://app.example.com';
  const cors = { allowOrigins: [origin], allowCredentials: true };
  let server: SidecarTestServer;
  let auth: http.Server;
  beforeAll(async () => {
    auth = http.createServer((_req, res) => res.writeHead(401).end());
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    const down = await closedPort();
    server = await startSidecar({
      access: { cors },
      routes: [
        Route.proxy('/down/', { port: down }),
        Route.proxy('/plain/', { port: down, access: {} }),
        Route.proxy('/private/', { access: { cors, externalAuth: { url: `http://127.0.0.1:${(auth.address() as AddressInfo).port}/check`, signInUrl: '/signin' } } }),
      ],
    });
  });
  afterAll(async () => {
    await server?.stop();
    auth?.closeAllConnections();
    await new Promise((resolve) => auth?.close(resolve));
  });

  const cor = (r: Parameters<typeof headerValues>[0]) => ({
    status: r.status,
    origin: headerValues(r, 'Access-Control-Allow-Origin'),
    credentials: headerValues(r, 'Access-Control-Allow-Credentials'),
    vary: headerValues(r, 'Vary').filter((v) => v === 'Origin'),
  });

  it('the error page of a CORS route: the route\'s headers, once, for an allowed origin', async () => {
    const r = await server.get('/down/x', { headers: { Origin: origin } });
    expect(cor(r)).toStrictEqual({ status: 502, origin: [origin], credentials: ['true'], vary: ['Origin'] });
    expect(r.text).toContain('<title>Service temporarily unavailable</title>');
  });

  it('the error page for an origin the route does not allow, or on a route without CORS: no CORS headers', async () => {
    expect(cor(await server.get('/down/x', { headers: { Origin: 'https://evil.example.com' } })))
      .toStrictEqual({ status: 502, origin: [], credentials: [], vary: ['Origin'] });
    expect(cor(await server.get('/plain/x', { headers: { Origin: origin } }))).toStrictEqual({ status: 502, origin: [], credentials: [], vary: [] });
  });

  it('the sign-in redirect of a CORS route carries its headers too', async () => {
    const r = await server.get('/private/x', { headers: { Origin: origin } });
    expect(cor(r)).toStrictEqual({ status: 302, origin: [origin], credentials: ['true'], vary: ['Origin'] });
    expect(r.headers.location).toBe('/signin?rd=/private/x');
  });
});
