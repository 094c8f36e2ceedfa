import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { K8sObject } from '../support/manifests';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';

/** One version of a site behind the sidecar: its objects, as `kubectl apply` would send them. */
function version(page: string): K8sObject[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'site-'));
  try {
    fs.writeFileSync(path.join(dir, 'index.html'), page);
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'sidecar-test-app:1', workingDir: '/app', ports: [{ number: 5000, name: 'http' }],
        securityContext: { user: 10001, group: 10001 }, readiness: kplus.Probe.fromHttpGet('/healthz', { port: 5000 }) }],
    });
    web.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp', 'app-tmp'));
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.staticFiles('/', { directory: dir })] });
    return Testing.synth(chart) as K8sObject[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The objects a cluster holds after applying these versions in order: a later object of the same kind and name replaces the earlier. */
function applied(...versions: K8sObject[][]): K8sObject[] {
  const byName = new Map<string, K8sObject>();
  versions.flat().forEach((o) => byName.set(`${o.kind}/${o.metadata.name}`, o));
  return [...byName.values()];
}

const deployment = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Deployment')!;

/**
 * A rollout and a `kubectl rollout undo` with two synthesized versions side by side: the ConfigMaps
 * are named by their content and immutable, so each pod template reads exactly the files it was
 * rendered with, whatever else the cluster holds.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'ip', 'curl', 'gunicorn'], 'rollout and undo with content-named ConfigMaps', () => {
  const v1 = version('<p>version 1</p>\n');
  const v2 = version('<p>version 2</p>\n');
  const pods: RunningPod[] = [];
  afterAll(async () => Promise.all(pods.map((p) => p.stop())));

  it('gives each version its own immutable ConfigMaps; the two templates point at different ones', () => {
    const maps = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.immutable]);
    expect(maps(v1)).toHaveLength(2);
    expect(maps(v1).every(([name, immutable]) => /^test-proxy-(config|static)-c8[0-9a-f]+-[0-9a-f]{10}$/.test(name) && immutable === true)).toBe(true);
    // nginx.conf is the same in both (same routes); the static files differ.
    expect(maps(v1)[0][0]).toBe(maps(v2)[0][0]);
    expect(maps(v1)[1][0]).not.toBe(maps(v2)[1][0]);
    expect(applied(v1, v2).filter((o) => o.kind === 'ConfigMap')).toHaveLength(3);
  });

  it('during the rollout, old and new pods each serve their own version from the same cluster', async () => {
    const cluster = applied(v1, v2);
    pods.push(await RunningPod.start(cluster, deployment(v1), { images: EXAMPLE_IMAGES }));
    pods.push(await RunningPod.start(cluster, deployment(v2), { images: EXAMPLE_IMAGES }));
    expect(pods[0].http('http://127.0.0.1:8080/').body).toBe('<p>version 1</p>\n');
    expect(pods[1].http('http://127.0.0.1:8080/').body).toBe('<p>version 2</p>\n');
  });

  it('after an undo (the v1 template applied again over v2), the pod serves version 1 again', async () => {
    const undone = applied(v1, v2, [deployment(v1)]);
    const pod = await RunningPod.start(undone, deployment(undone), { images: EXAMPLE_IMAGES });
    pods.push(pod);
    expect(pod.http('http://127.0.0.1:8080/').body).toBe('<p>version 1</p>\n');
  });
});
