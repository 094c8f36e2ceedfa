import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_ERROR_PAGE } from '../../lib/sidecar/error-page';
import { renderPage } from '../support/chromium';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';

const ROOT = path.join(__dirname, '..', '..');
const BASE = 'http://127.0.0.1:8080';
const SCREENSHOT = path.join(ROOT, 'test-output', 'screenshots', 'flask-hello.png');

/** The flask-hello pod in dist/, run as a kubelet would: nginx sidecar + gunicorn/Flask app. */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn', 'chromium'], 'flask-hello pod from dist/', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    pod = await RunningPod.fromYaml(path.join(ROOT, 'dist', 'flask-hello.k8s.yaml'), 'Deployment', 'flask-hello-web',
      { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  it('shows "Hello World!" fetched from /api/ in headless Chromium', async () => {
    fs.rmSync(SCREENSHOT, { force: true });
    const dom = await renderPage(pod.netns, `${BASE}/`, { screenshot: SCREENSHOT });
    expect(/<p id="message"[^>]*>([^<]*)<\/p>/.exec(dom)?.[1]).toBe('Hello World!');
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(2000);
    // The browser's request went through nginx, which passed it to the app without the prefix (the
    // access log is flushed once a second: wait for its line).
    const apiLine = () => pod.log('nginx').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.path === '/api/');
    for (let i = 0; i < 250 && !apiLine(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const api = apiLine();
    expect(api).toMatchObject({ method: 'GET', protocol: 'HTTP/1.1', status: 200, upstream_status: '200', referer: 'http://127.0.0.1:8080/' });
    expect(api.user_agent).toMatch(/HeadlessChrome/);
    expect(pod.log('app')).toMatch(/"GET \/ HTTP\/1\.1" 200/);
  });

  it('serves the static page and script from the ConfigMap, with revalidation', () => {
    const page = pod.http(`${BASE}/`);
    expect(page.status).toBe(200);
    expect(page.body).toBe(fs.readFileSync(path.join(ROOT, 'apps', 'flask-hello', 'site', 'index.html'), 'utf8'));
    // ConfigMap files change under the same URL with a deploy: browsers must revalidate.
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = pod.http(`${BASE}/script.js`);
    expect(script.body).toBe(fs.readFileSync(path.join(ROOT, 'apps', 'flask-hello', 'site', 'script.js'), 'utf8'));
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(pod.http(`${BASE}/hello.py`).status).toBe(404);
  });

  it('proxies /api/ to gunicorn with the prefix stripped', () => {
    const api = pod.http(`${BASE}/api/`);
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toEqual({ message: 'Hello World!' });
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    // /api/healthz reaches the app's /healthz: the prefix is gone, the rest of the path kept.
    expect(JSON.parse(pod.http(`${BASE}/api/healthz`).body)).toEqual({ status: 'ok' });
  });

  it('answers its own health endpoint without the app', () => {
    const health = pod.http(`${BASE}/_sidecar/healthz`);
    expect(health.status).toBe(200);
    expect(health.body).toBe('ok\n');
  });

  it('answers the error page at once while the app is down, and serves again within a second of its return', async () => {
    /**
     * The nginx log's lines that hold `text`, once there are `count` of them (or after 5 s): the log
     * arrives asynchronously, and the access log is flushed once a second.
     */
    const logLines = async (text: string, count: number) => {
      const matching = () => pod.log('nginx').split('\n').filter((l) => l.includes(text));
      for (let i = 0; i < 250 && matching().length < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return matching();
    };
    // The access log is JSON lines: a 200 for /api/ has these fields side by side.
    const OK = '"method":"GET","path":"/api/","protocol":"HTTP/1.1","status":200,';
    const served = (await logLines(OK, 0)).length;
    await pod.kill('app');
    for (let i = 0; i < 5; i++) {
      const down = pod.http(`${BASE}/api/`);
      expect({ status: down.status, body: down.body, cacheControl: down.headers['cache-control'] })
        .toEqual({ status: 502, body: DEFAULT_ERROR_PAGE, cacheControl: 'no-store' });
      expect(down.seconds).toBeLessThan(0.5);
    }
    // nginx logged each refused connection (so its log is there to hold a "no live upstreams" too).
    const refused = await logLines('connect() failed (111: Connection refused) while connecting to upstream', 5);
    expect(refused).toHaveLength(5);
    expect(refused[0]).toMatch(/ \[error\] .*, client: 127\.0\.0\.1, server: _, request: "GET \/api\/ HTTP\/1\.1", upstream: "http:\/\/127\.0\.0\.1:5000\/", host: "127\.0\.0\.1:8080"$/);
    // The static page does not need the app.
    expect(pod.http(`${BASE}/`).status).toBe(200);
    await pod.restart('app');
    const back = Date.now();
    let status = 0;
    while (status !== 200 && Date.now() - back < 5000) {
      status = pod.http(`${BASE}/api/`, { timeoutSeconds: 2 }).status;
    }
    expect(status).toBe(200);
    // No "no live upstreams" window: nginx did not mark the app down for its failures.
    expect(Date.now() - back).toBeLessThan(1000);
    // The log has caught up with the answer that came back (one 200 more than before the kill).
    expect((await logLines(OK, served + 1)).length).toBeGreaterThan(served);
    expect(pod.log('nginx')).not.toMatch(/no live upstreams/);
  });
});
