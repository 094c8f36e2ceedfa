import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { LoadSample, RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BASE = 'http://127.0.0.1:8080';

/**
 * Pod termination with traffic: the kubelet runs every container's preStop at once, then sends
 * STOPSIGNAL. Endpoints drop the pod within the drain delay, so clients keep sending for part of
 * it; no request sent before then, nor any in flight when nginx quits, may fail.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn'], 'graceful stop with requests in flight', () => {
  it('answers every request sent during the drain delay and every request in flight at the quit', async () => {
    const drainSeconds = 3;
    const { objects, workload } = testAppPod({
      drainDelay: Duration.seconds(drainSeconds),
      routes: [Route.proxy('/api/', { stripPrefix: true })],
    }, { terminationGracePeriod: Duration.seconds(15) });
    const pod = await RunningPod.start(objects, workload, { images: EXAMPLE_IMAGES });
    let samples: LoadSample[] = [];
    try {
      const load = pod.load({ base: BASE, paths: ['/api/', '/api/count'], concurrency: 4 });
      await sleep(300);
      const begin = Date.now();
      const stopping = pod.terminate();
      // Clients still reach the pod for most of the drain delay (endpoints propagate slowly).
      await sleep((drainSeconds - 1) * 1000);
      // Requests still in flight when nginx gets its quit, drainSeconds after termination began.
      const slow = [1, 2, 3].map(() => pod.request(`${BASE}/api/slow?ms=2500`));
      await sleep(500);
      samples = await load.stop();
      const slowResults = await Promise.all(slow);
      const stops = await stopping;

      const failed = samples.filter((s) => s.status !== 200);
      expect({ failed: failed.length, first: failed.slice(0, 3) }).toEqual({ failed: 0, first: [] });
      // The load ran through the drain, not just before it: requests sent a second or more into it.
      expect(samples.filter((s) => s.startAt > begin + 1000).length).toBeGreaterThan(50);
      expect(slowResults.map((r) => r.status)).toEqual([200, 200, 200]);
      const nginx = stops.find((s) => s.container === 'nginx')!;
      const app = stops.find((s) => s.container === 'app')!;
      // nginx drained, then quit on its own once the slow requests were answered.
      expect(nginx).toMatchObject({ hookStatus: 0, killed: false });
      expect(nginx.exitedAfterMs).toBeGreaterThan((drainSeconds + 2) * 1000);
      expect(app.killed).toBe(false);
      expect(Date.now() - begin).toBeLessThan(15000);
    } finally {
      await pod.stop();
    }
  });
});
