import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { serve } from '../../lib/testing/serve';
import { describeWithTools } from '../support/real-tools';

const DIST = path.join(__dirname, '..', '..', 'dist');

/** `npx cdk8s-reverse-proxy-sidecar serve`: the synthesized sidecar in front of an app already running. */
describeWithTools(['nginx'], 'serve', () => {
  test('serves dist/flask-hello.k8s.yaml in front of a running app, on the port asked for', async () => {
    // GIVEN the user's app, running
    const app = http.createServer((req, res) => res.end(`the app got ${req.url}`));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
    const port = (app.address() as AddressInfo).port;
    const free = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    // WHEN
    const served = await serve([path.join(DIST, 'flask-hello.k8s.yaml'), '--app', `127.0.0.1:${port}`, '--port', String(free)]);
    try {
      // THEN the page from the ConfigMap, and /api/ to the app without its prefix
      expect(served.url).toBe(`http://127.0.0.1:${free}`);
      const get = (p: string) => new Promise<string>((resolve, reject) => http.get(`${served.url}${p}`, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; }).on('end', () => resolve(body));
      }).on('error', reject));
      expect(await get('/')).toContain('<html');
      expect(await get('/api/hello')).toBe('the app got /hello');
    } finally {
      await served.stop();
      app.close();
    }
  });

  test.each([
    ['no file', ['--app', '127.0.0.1:5000']],
    ['no --app', [path.join(DIST, 'flask-hello.k8s.yaml')]],
    ['an unknown flag', [path.join(DIST, 'flask-hello.k8s.yaml'), '--app', '127.0.0.1:5000', '--tls', 'x']],
  ])('refuses %s with the usage', async (_name, argv) => {
    await expect(serve(argv)).rejects.toThrow('usage: cdk8s-reverse-proxy-sidecar serve <file.k8s.yaml> --app <host:port> [--workload <name>] [--port <port>]');
  });
}, { root: false });
