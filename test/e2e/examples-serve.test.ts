import * as fs from 'fs';
import * as path from 'path';
import { K8sObject, loadYaml } from '../support/manifests';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';

/**
 * The pods in dist/, run as a kubelet would (shared loopback, per-container mounts, uids,
 * read-only roots), serve what the examples promise.
 */
const ROOT = path.join(__dirname, '..', '..');

function workload(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind} ${name}`);
  }
  return found;
}

describeWithTools(['nginx', 'unshare', 'setpriv', 'ip', 'curl', 'gunicorn'], 'flask-hello pod from dist/', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    const objects = loadYaml(path.join(ROOT, 'dist', 'flask-hello.k8s.yaml'));
    pod = await RunningPod.start(objects, workload(objects, 'Deployment', 'flask-hello-web'), { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  it('serves the static page from the ConfigMap', () => {
    const page = pod.http('http://127.0.0.1:8080/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<p id="message"');
    // ConfigMap files change under the same URL with a deploy: browsers must revalidate.
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = pod.http('http://127.0.0.1:8080/script.js');
    expect(script.body).toBe(fs.readFileSync(path.join(ROOT, 'apps', 'flask-hello', 'site', 'script.js'), 'utf8'));
  });

  it('proxies /api/ to gunicorn with the prefix stripped', () => {
    const api = pod.http('http://127.0.0.1:8080/api/');
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toEqual({ message: 'Hello World!' });
    expect(api.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers its own health endpoint without the app', () => {
    const health = pod.http('http://127.0.0.1:8080/_sidecar/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toBe('ok\n');
  });
});

describeWithTools(['nginx', 'unshare', 'setpriv', 'ip', 'curl', 'prometheus-alertmanager'], 'alertmanager pod from dist/', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    const objects = loadYaml(path.join(ROOT, 'dist', 'alertmanager.k8s.yaml'));
    pod = await RunningPod.start(objects, workload(objects, 'StatefulSet', 'monitor-alertmanager'), { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  it('proxies the API', () => {
    const status = pod.http('http://127.0.0.1:8080/api/v2/status');
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body).cluster).toBeDefined();
  });

  it('shows a newly POSTed alert at once', () => {
    const alertname = `SidecarTest${Date.now()}`;
    const post = pod.http('http://127.0.0.1:8080/api/v2/alerts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname, severity: 'page' } }]),
    });
    expect(post.status).toBe(200);
    const list = pod.http('http://127.0.0.1:8080/api/v2/alerts');
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body).map((a: any) => a.labels.alertname)).toContain(alertname);
    expect(list.headers['x-cache-status']).toBeUndefined();
  });

  it('caches UI assets after the first request and gzips them', () => {
    const first = pod.http('http://127.0.0.1:8080/lib/app.css');
    expect(first.status).toBe(200);
    expect(first.headers['x-cache-status']).toBe('MISS');
    const second = pod.http('http://127.0.0.1:8080/lib/app.css', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(second.headers['x-cache-status']).toBe('HIT');
    expect(second.headers['content-encoding']).toBe('gzip');
  });

  it('serves /script.js from the ConfigMap, not the app', () => {
    const script = pod.http('http://127.0.0.1:8080/script.js');
    expect(script.status).toBe(200);
    expect(script.body).toBe(fs.readFileSync(path.join(ROOT, 'apps', 'alertmanager', 'overrides', 'script.js'), 'utf8'));
  });
});
