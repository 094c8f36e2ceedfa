import { Testing } from 'cdk8s';
import { SidecarTestServer } from 'cdk8s-reverse-proxy-sidecar/testing';
import { RoutesChart } from './routes';

test('the site is served, /api/ reaches the app without its prefix, /assets/ is cached', async () => {
  // The chart's own sidecar, with the local nginx, in front of a stub app that answers every request.
  const server = await SidecarTestServer.start(new RoutesChart(Testing.app(), 'test'), {
    app: (req, res) => res.end(`app saw ${req.path}`),
  });
  try {
    expect((await server.get('/')).text).toContain('<h1>Hello</h1>');         // from the ConfigMap
    expect((await server.get('/api/hello')).text).toBe('app saw /hello');
    expect(server.appRequests.map((r) => r.path)).toEqual(['/hello']);       // what the app received
    expect((await server.get('/assets/app.css')).headers['x-cache-status']).toBe('MISS');
    expect((await server.get('/assets/app.css')).headers['x-cache-status']).toBe('HIT');
    expect(server.appRequests).toHaveLength(2);                                // the HIT never reached it
  } finally {
    await server.stop();
  }
});
