import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { K8sObject } from '../support/manifests';
import { LoadSample, RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { TempDir } from '../sidecar/helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BASE = 'http://127.0.0.1:8080';
const IMAGES = { ...EXAMPLE_IMAGES, 'curlimages/curl': { entrypoint: ['curl'], user: 10001 } };

/** The synthesized objects of a chart and its one object of `kind`. */
function synth(chart: ReturnType<typeof Testing.chart>, kind: string): { objects: K8sObject[]; workload: K8sObject } {
  const objects = Testing.synth(chart) as K8sObject[];
  return { objects, workload: objects.find((o) => o.kind === kind)! };
}

/**
 * Native sidecars (cdk8s-plus-34's default): nginx is an init container with restartPolicy Always.
 * The pod runner starts it first and waits until it is ready, runs the app beside it, and stops it
 * only once the app's containers have exited, as the kubelet of Kubernetes 1.29+ does.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn'], 'native sidecar', () => {
  it('a Job completes: its task reaches nginx at its first request, exits 0, and then nginx is stopped', async () => {
    // GIVEN a Job whose one task fetches a file through the sidecar, once, without retrying
    const dir = new TempDir();
    try {
      const chart = Testing.chart();
      const job = new kplus.Job(chart, 'task', {
        containers: [{
          name: 'task', image: 'curlimages/curl:8.10.1', command: ['curl', '-sSf', `${BASE}/job.txt`],
          securityContext: { user: 10001, group: 10001 },
        }],
      });
      const proxy = new ReverseProxySidecar(chart, 'proxy', {
        host: SidecarHost.fromWorkload(job), routes: [Route.file('/job.txt', { path: dir.write('job.txt', 'served by the sidecar\n') })],
      });
      expect(proxy.nativeSidecar).toBe(true);
      const { objects, workload } = synth(chart, 'Job');
      // WHEN
      const pod = await RunningPod.start(objects, workload, { images: IMAGES });
      const done = await pod.waitForCompletion(10000);
      // THEN
      expect(done.exitCodes).toStrictEqual({ task: 0 });
      expect(pod.log('task')).toBe('served by the sidecar\n');
      expect(done.sidecarStops).toMatchObject([{ container: 'nginx', hookStatus: 0, killed: false }]);
      expect(pod.isRunning('nginx')).toBe(false);
    } finally {
      dir.cleanup();
    }
  });

  it('a Deployment stops the app first (it holds drainDelay + 1 s, then exits), then nginx, which quits at once; no request fails', async () => {
    // GIVEN the test app behind a native sidecar, under load
    const drainSeconds = 2;
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', {
      terminationGracePeriod: Duration.seconds(15),
      containers: [{
        name: 'app', image: 'sidecar-test-app:1', workingDir: '/app', ports: [{ number: 5000, name: 'http' }],
        securityContext: { user: 10001, group: 10001 }, readiness: kplus.Probe.fromHttpGet('/healthz', { port: 5000 }),
      }],
    });
    web.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp', 'app-tmp'));
    new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(web), drainDelay: Duration.seconds(drainSeconds), routes: [Route.proxy('/api/', { stripPrefix: true })],
    });
    const { objects, workload } = synth(chart, 'Deployment');
    expect(workload.spec.template.spec.initContainers.map((c: any) => c.name)).toStrictEqual(['nginx']);
    const pod = await RunningPod.start(objects, workload, { images: IMAGES });
    let samples: LoadSample[] = [];
    try {
      const load = pod.load({ base: BASE, paths: ['/api/', '/api/count'], concurrency: 4 });
      await sleep(300);
      // WHEN the pod is deleted; clients reach it for the drain delay (endpoints propagate), then stop
      const stopping = pod.terminate();
      await sleep(drainSeconds * 1000);
      samples = await load.stop();
      const stops = await stopping;
      // THEN
      const failed = samples.filter((s) => s.status !== 200);
      expect({ failed: failed.length, first: failed.slice(0, 3) }).toEqual({ failed: 0, first: [] });
      const app = stops.find((s) => s.container === 'app')!;
      const nginx = stops.find((s) => s.container === 'nginx')!;
      expect(stops.map((s) => s.container)).toStrictEqual(['app', 'nginx']);
      expect(app).toMatchObject({ hookStatus: 0, killed: false });
      expect(app.exitedAfterMs).toBeGreaterThanOrEqual((drainSeconds + 1) * 1000);
      // nginx's stop began only after the app had exited, and its preStop did not sleep again.
      expect(nginx.stopBeganAfterMs).toBeGreaterThanOrEqual(app.exitedAfterMs);
      expect(nginx).toMatchObject({ hookStatus: 0, killed: false });
      expect(nginx.exitedAfterMs - nginx.stopBeganAfterMs).toBeLessThan(1500);
    } finally {
      await pod.stop();
    }
  });
});
