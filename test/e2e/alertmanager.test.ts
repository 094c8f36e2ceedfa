import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { ApiObject, Duration, Include, JsonPatch, Testing } from 'cdk8s';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { K8sObject } from '../support/manifests';
import { HttpResult, RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';

const ROOT = path.join(__dirname, '..', '..');
const BASE = 'http://127.0.0.1:8080';
const TOOLS = ['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'prometheus-alertmanager'];

/** The AlertManager pod in dist/ (the chart's StatefulSet with the sidecar), run as a kubelet would. */
describeWithTools(TOOLS, 'alertmanager pod from dist/', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    pod = await RunningPod.fromYaml(path.join(ROOT, 'dist', 'alertmanager.k8s.yaml'), 'StatefulSet', 'monitor-alertmanager',
      { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  it('proxies the API', () => {
    const status = pod.http(`${BASE}/api/v2/status`);
    expect(status.status).toBe(200);
    const body = JSON.parse(status.body);
    expect(body.config.original).toContain('receiver');
    expect(['settling', 'ready']).toContain(body.cluster.status);
  });

  it('shows an alert POSTed through the sidecar at once, through the sidecar', () => {
    const alertname = `SidecarTest${Date.now()}`;
    const post = pod.http(`${BASE}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname, severity: 'page' } }]),
    });
    expect(post.status).toBe(200);
    const list = pod.http(`${BASE}/api/v2/alerts`);
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body).map((a: any) => a.labels.alertname)).toContain(alertname);
    expect(list.headers['x-cache-status']).toBeUndefined();
  });

  it('serves UI assets from the cache after the first request: a gzip variant and an identity one, each stored once', () => {
    const css = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'alertmanager-ui', 'lib', 'app.css'), 'utf8');
    const plain = () => pod.http(`${BASE}/lib/app.css`);
    const browser = () => pod.http(`${BASE}/lib/app.css`, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    // Each variant: a MISS that fills it, then HITs, whichever came first.
    expect([plain().headers['x-cache-status'], plain().headers['x-cache-status']]).toStrictEqual(['MISS', 'HIT']);
    const gz = [browser(), browser()];
    expect(gz.map((r) => [r.status, r.headers['x-cache-status'], r.headers['content-encoding'], r.headers.vary]))
      .toStrictEqual([[200, 'MISS', 'gzip', 'Accept-Encoding'], [200, 'HIT', 'gzip', 'Accept-Encoding']]);
    // A client that refuses gzip gets the identity variant, from the cache.
    const refuses = pod.http(`${BASE}/lib/app.css`, { headers: { 'Accept-Encoding': 'gzip;q=0, deflate' } });
    expect([refuses.headers['x-cache-status'], refuses.headers['content-encoding'], refuses.body]).toStrictEqual(['HIT', undefined, css]);
    expect(plain().body).toBe(css);
  });

  it('stores the gzip variant compressed: the hit\'s body is gzip of the asset, decoded to the same bytes', () => {
    const r = spawnSync('ip', ['netns', 'exec', pod.netns, 'curl', '-s', '-H', 'Accept-Encoding: gzip', `${BASE}/lib/app.css`]);
    const css = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'alertmanager-ui', 'lib', 'app.css'));
    expect(r.stdout.subarray(0, 2)).toStrictEqual(Buffer.from([0x1f, 0x8b]));
    expect(zlib.gunzipSync(r.stdout)).toStrictEqual(css);
  });

  it('serves /script.js from the ConfigMap, not the app', () => {
    const script = pod.http(`${BASE}/script.js`);
    expect(script.status).toBe(200);
    expect(script.body).toBe(fs.readFileSync(path.join(ROOT, 'apps', 'alertmanager', 'overrides', 'script.js'), 'utf8'));
    // The app has a /script.js of its own (the UI's); the sidecar did not ask for it.
    expect(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'alertmanager-ui', 'script.js'), 'utf8')).not.toBe(script.body);
  });
});

/**
 * AlertManager answers 503 "Limit of concurrent GET requests reached" when overloaded. Even on a
 * route that caches API answers, none of those may be stored and served afterwards.
 */
describeWithTools(TOOLS, 'alertmanager overloaded behind a caching route', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    const chart = Testing.chart();
    const objects = new Include(chart, 'chart', { url: path.join(ROOT, 'apps', 'alertmanager', 'chart', 'alertmanager.yaml') }).apiObjects;
    const sts = objects.find((o) => o.kind === 'StatefulSet')! as ApiObject;
    // One GET at a time, so a burst overloads it.
    sts.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/args/-', '--web.get-concurrency=1'));
    const proxy = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromApiObject(sts),
      appPort: 9093,
      routes: [
        Route.proxy('/api/v2/alerts', { cache: { validFor: Duration.minutes(5), ignoreUpstreamCacheHeaders: true } }),
        Route.proxy('/'),
      ],
    });
    // As in the example: the chart's Service goes through nginx (else synthesis refuses it).
    proxy.retargetService(objects.find((o) => o.kind === 'Service' && o.name === 'monitor-alertmanager')!);
    const synthesized = Testing.synth(chart) as K8sObject[];
    pod = await RunningPod.start(synthesized, synthesized.find((o) => o.kind === 'StatefulSet')!, { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  it('never serves a stored 503 after a burst of them', async () => {
    // Many alerts make each GET slow enough for a burst to overlap.
    const alerts = Array.from({ length: 2000 }, (_, i) => ({ labels: { alertname: `Burst${i}`, instance: `host-${i}` } }));
    expect(pod.http(`${BASE}/api/v2/alerts`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(alerts) }).status).toBe(200);
    // Distinct URLs, so nginx's cache lock does not fold the burst into one request.
    const urls = Array.from({ length: 24 }, (_, i) => `${BASE}/api/v2/alerts?active=true&burst=${i}`);
    const burst: HttpResult[] = await Promise.all(urls.map((u) => pod.request(u)));
    const refused = urls.filter((_, i) => burst[i].status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(burst.filter((r) => r.status === 503).every((r) => /Limit of concurrent GET requests reached/.test(r.body))).toBe(true);
    for (const u of refused) {
      const again = pod.http(u);
      expect({ url: u, status: again.status, cache: again.headers['x-cache-status'] }).toEqual({ url: u, status: 200, cache: 'MISS' });
    }
    // The answers that were 200 were stored, as the route asks.
    const served = urls.find((_, i) => burst[i].status === 200);
    expect(served && pod.http(served).headers['x-cache-status']).toBe('HIT');
  });
});
