import { spawnSync } from 'child_process';
import { Ipv6Mode, ReverseProxySidecarProps, Route } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { hostPort } from '../support/pod-network';
import { PodNetworkKind, RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';
import { TestCa } from '../support/tls-certs';

const PROPS: Omit<ReverseProxySidecarProps, 'host'> = {
  routes: [Route.proxy('/')],
  tls: { secretName: 'web-tls', redirectHttp: true, reloadOnRotation: false },
  metrics: { exporter: true },
};

/**
 * Issue 20, item 4: the synthesized pod (the probe app, HTTPS with the plain port's redirect, the
 * status listener and its exporter) on each kind of pod network, its probes from the node to the
 * primary pod IP as the kubelet's, its clients on the node. The one config starts in each and
 * serves every address the pod has; the client's address reaches the app as it is (an IPv6 one
 * never as `::ffff:` IPv4).
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn', 'openssl', 'prometheus-nginx-exporter'],
  'IPv6 and dual-stack pods', () => {
    const ca = new TestCa();
    const secret = ca.secret('web-tls', 'web.test');
    afterAll(() => ca.cleanup());

    const start = (network: PodNetworkKind, props = PROPS, readyTimeoutMs?: number) => {
      const { objects, workload } = testAppPod(props, { image: 'sidecar-traffic-app:1', appReadiness: network !== 'ipv6-only' });
      return RunningPod.start([...objects, secret], workload, { images: EXAMPLE_IMAGES, network, readyTimeoutMs });
    };

    /** curl from the node to one pod IP: status, Location, body (HTTPS through web.test resolved to it). */
    function curl(pod: RunningPod, ip: string, port: number, path: string) {
      const https = port === 8443;
      const url = https ? `https://web.test:8443${path}` : `http://${hostPort(ip, port)}${path}`;
      const r = spawnSync('ip', ['netns', 'exec', pod.network!.nodeNetns, 'curl', '-sS', '--max-time', '5', '--cacert', ca.caFile,
        '--resolve', `web.test:8443:${ip.includes(':') ? `[${ip}]` : ip}`, '-o', '-', '-w', '\n%{http_code} %{redirect_url}', url], { encoding: 'utf8' });
      const lines = r.stdout.split('\n');
      const [status, location] = lines.pop()!.split(' ');
      return { status: Number(status), location, body: lines.join('\n'), error: r.stderr };
    }
    const echoOf = (r: { body: string }) => JSON.parse(r.body) as { headers: Record<string, string> };

    /** What each address of the pod serves, from the node's address of the same family. */
    function checkServes(pod: RunningPod, podIP: string, nodeIP: string): void {
      expect(curl(pod, podIP, 8080, '/_sidecar/healthz').status).toBe(200);
      expect(curl(pod, podIP, 8080, '/echo')).toMatchObject({ status: 308, location: 'https://' + hostPort(podIP, 0).replace(/:0$/, '') + '/echo' });
      const https = curl(pod, podIP, 8443, '/echo');
      expect([https.status, https.error]).toStrictEqual([200, '']);
      expect(echoOf(https).headers['X-Real-Ip']).toBe(nodeIP);
      expect(echoOf(https).headers['X-Forwarded-For']).toBe(nodeIP);
      // The exporter's scrape of the status listener on 127.0.0.1, which every pod has.
      expect(curl(pod, podIP, 9113, '/metrics').body).toMatch(/^nginx_up 1$/m);
    }

    it('an IPv6-only pod: ready on its IPv6 address, and serves it', async () => {
      const pod = await start('ipv6-only');
      try {
        expect(pod.log('nginx')).toContain('nginx-start: IPv6 in this pod: listening on [::] too\n');
        checkServes(pod, pod.network!.podIPs[0], pod.network!.nodeIPs[0]);
      } finally {
        await pod.stop();
      }
    });

    it('a dual-stack pod: serves both addresses, each client with its own address', async () => {
      const pod = await start('dual-stack');
      try {
        const { podIPs, nodeIPs } = pod.network!;
        expect(podIPs.map((ip) => ip.includes(':'))).toStrictEqual([false, true]);
        checkServes(pod, podIPs[0], nodeIPs[0]);
        checkServes(pod, podIPs[1], nodeIPs[1]);
      } finally {
        await pod.stop();
      }
    });

    it('a pod with IPv6 disabled: starts, on IPv4 only', async () => {
      const pod = await start('ipv6-disabled');
      try {
        expect(pod.log('nginx')).toContain('nginx-start: no IPv6 address in this pod (/proc/net/if_inet6 absent or empty): listening on IPv4 only\n');
        checkServes(pod, pod.network!.podIPs[0], pod.network!.nodeIPs[0]);
      } finally {
        await pod.stop();
      }
    });

    it('without it (IPV4_ONLY), an IPv6-only pod never becomes ready: the kubelet probes the IPv6 address', async () => {
      await expect(start('ipv6-only', { ...PROPS, ipv6: Ipv6Mode.IPV4_ONLY }, 1500))
        .rejects.toThrow(/^container "nginx" not ready \(http:\/\/\[fd00:250::2\]:8080\/_sidecar\/healthz\) in time/);
    });
  });
