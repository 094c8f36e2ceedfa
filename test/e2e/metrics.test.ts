import { spawnSync } from 'child_process';
import { Testing } from 'cdk8s';
import * as plus27 from 'cdk8s-plus-27';
import * as plus34 from 'cdk8s-plus-34';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { K8sObject } from '../support/manifests';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { TempDir } from '../sidecar/helpers';

/**
 * The stub_status metrics every exporter version serves for open-source nginx: the one gauge of the
 * scrape, three connection gauges, two connection counters and the request counter. (Besides them
 * the exporter serves its own build info and Go runtime metrics, named differently per version.)
 */
const NGINX_METRICS = [
  'nginx_connections_accepted', 'nginx_connections_active', 'nginx_connections_handled', 'nginx_connections_reading',
  'nginx_connections_waiting', 'nginx_connections_writing', 'nginx_http_requests_total', 'nginx_up',
];

/** The samples of a Prometheus text exposition, by metric name (metrics without labels only). */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/.exec(line);
    if (m) {
      out.set(m[1], Number(m[2]));
    }
  }
  return out;
}

const MAJORS = [
  { name: 'cdk8s-plus-27 (classic sidecar: the exporter is a container beside nginx)', kplus: plus27 as any },
  { name: 'cdk8s-plus-34 (native sidecar: the exporter is an init container after nginx)', kplus: plus34 as any },
];

describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn', 'prometheus-nginx-exporter'], 'metrics', () => {
  describe.each(MAJORS)('$name', ({ kplus }) => {
    let pod: RunningPod;
    const dir = new TempDir();

    beforeAll(async () => {
      // GIVEN the test app behind the sidecar, with metrics and the exporter
      const chart = Testing.chart();
      const web = new kplus.Deployment(chart, 'web', {
        containers: [{
          name: 'app', image: 'sidecar-test-app:1', workingDir: '/app', ports: [{ number: 5000, name: 'http' }],
          securityContext: { user: 10001, group: 10001 }, readiness: kplus.Probe.fromHttpGet('/healthz', { port: 5000 }),
        }],
      });
      web.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'tmp', 'app-tmp'));
      new ReverseProxySidecar(chart, 'proxy', {
        host: SidecarHost.fromWorkload(web),
        routes: [Route.proxy('/api/', { stripPrefix: true }), Route.file('/robots.txt', { path: dir.write('robots.txt', 'User-agent: *\n') })],
        metrics: { exporter: true },
      });
      const objects = Testing.synth(chart) as K8sObject[];
      pod = await RunningPod.start(objects, objects.find((o) => o.kind === 'Deployment')!, { images: EXAMPLE_IMAGES });
    });

    afterAll(async () => {
      await pod?.stop();
      dir.cleanup();
    });

    it('serves exactly the stub_status metrics, and nginx_http_requests_total counts each request through nginx', () => {
      // GIVEN a first scrape
      const first = pod.http('http://127.0.0.1:9113/metrics');
      expect(first.status).toBe(200);
      const before = samples(first.body);
      expect([...before.keys()].filter((n) => n.startsWith('nginx_') && !n.startsWith('nginx_exporter_')).sort()).toStrictEqual(NGINX_METRICS);
      expect(before.get('nginx_up')).toBe(1);
      // WHEN 7 requests go through nginx (4 proxied to the app, 3 files), each on a connection of its own
      const statuses = [
        ...[0, 1, 2, 3].map(() => pod.http('http://127.0.0.1:8080/api/').status),
        ...[0, 1, 2].map(() => pod.http('http://127.0.0.1:8080/robots.txt').status),
      ];
      expect(statuses).toStrictEqual([200, 200, 200, 200, 200, 200, 200]);
      const after = samples(pod.http('http://127.0.0.1:9113/metrics').body);
      // THEN the counter went up by the 7 requests and the second scrape's own request to stub_status
      // (nothing else reaches nginx: the runner probes only until the pod is ready)
      expect(after.get('nginx_http_requests_total')! - before.get('nginx_http_requests_total')!).toBe(8);
      // AND each client connection was accepted and handled (the exporter keeps its own connection alive)
      expect(after.get('nginx_connections_accepted')! - before.get('nginx_connections_accepted')!).toBeGreaterThanOrEqual(7);
      expect(after.get('nginx_connections_handled')).toBe(after.get('nginx_connections_accepted'));
      expect(after.get('nginx_up')).toBe(1);
    });

    it('stub_status is on 127.0.0.1 only: not on the Service-facing port, not on the pod\'s address; /metrics is', () => {
      // GIVEN a client reaching the pod over a veth pair, as another pod or Prometheus would
      const client = pod.addVethClient();
      const curl = (url: string) => spawnSync('ip', ['netns', 'exec', client.netns, 'curl', '-sS', '--max-time', '5',
        '-w', '\n%{http_code}', url], { encoding: 'utf8' });
      // WHEN / THEN the Service's port has no stub_status: nginx answers 404 from the main server
      const viaService = curl(`http://${client.podAddress}:8080/stub_status`);
      expect(viaService.stdout.endsWith('\n404')).toBe(true);
      expect(viaService.stdout).not.toContain('Active connections');
      // AND the status port does not listen on the pod's address (curl: connection refused)
      expect(curl(`http://${client.podAddress}:8081/stub_status`).status).toBe(7);
      // AND inside the pod it answers, as stub_status does
      expect(pod.http('http://127.0.0.1:8081/stub_status').body).toMatch(/^Active connections: \d+ \nserver accepts handled requests\n/);
      // AND the exporter's named port is reachable on the pod's address, where Prometheus scrapes it
      const scraped = curl(`http://${client.podAddress}:9113/metrics`);
      expect(scraped.stdout.endsWith('\n200')).toBe(true);
      expect(samples(scraped.stdout).get('nginx_up')).toBe(1);
    });
  });
});
