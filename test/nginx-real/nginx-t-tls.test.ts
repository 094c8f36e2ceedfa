import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Ipv6Mode, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { K8sObject, workloadsWithContainer } from '../support/manifests';
import { prepareContainer, runInContainer } from '../support/pod-sandbox';
import { describeWithTools } from '../support/real-tools';
import { TestCa } from '../support/tls-certs';

/**
 * Debian's nginx -t (1.22) on the configs with an HTTPS listener, as uid 101 on a read-only root,
 * the Secret laid out where the kubelet mounts it with a certificate from a throwaway CA. The
 * container runs nginx through the reload loop; its nginx command line (after `sh -c <script>
 * <name>`) is what is tested, so the loop's sleep does not hold the test.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'openssl'], 'real nginx -t on configs with TLS', () => {
  const ca = new TestCa();
  afterAll(() => ca.cleanup());

  function nginxTest(props: Partial<ReverseProxySidecarProps>, secret: K8sObject | undefined): { status: number | null; output: string } {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
    // A cached route too: with gzip on it goes through the compressing server on a Unix socket.
    const routes = [Route.proxy('/'), Route.proxy('/api/', { stripPrefix: true }), Route.proxy('/assets/', { cache: {} })];
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes, ...props });
    const objects = [...Testing.synth(chart) as K8sObject[], ...(secret ? [secret] : [])];
    const [workload] = workloadsWithContainer(objects, 'nginx');
    const container = prepareContainer(objects, workload, 'nginx');
    try {
      expect([container.uid, container.readOnlyRoot]).toStrictEqual([101, true]);
      const nginx = container.command[0] === '/bin/sh' ? container.command.slice(4) : container.command;
      expect(nginx.slice(0, 3)).toStrictEqual(['nginx', '-c', '/etc/nginx/sidecar/nginx.conf']);
      return runInContainer(container, [...nginx, '-t']);
    } finally {
      container.cleanup();
    }
  }

  const SUCCESS = 'nginx: the configuration file /etc/nginx/sidecar/nginx.conf syntax is ok\n'
    + 'nginx: configuration file /etc/nginx/sidecar/nginx.conf test is successful\n';

  it.each<[string, Partial<ReverseProxySidecarProps>, boolean]>([
    ['HTTPS beside HTTP, EC key', { tls: { secretName: 'web-tls' } }, false],
    ['redirect, HSTS, trusted X-Forwarded-Proto, RSA key', {
      tls: { secretName: 'web-tls', redirectHttp: true, redirectPort: 30443, hsts: Duration.days(365), port: 9443, portName: 'https' },
      trustForwardedProto: true,
    }, true],
    ['64 HTTP/2 streams per connection, the client address and X-Forwarded-Proto from trusted proxies, an HTTPS PROXY protocol port', {
      tls: { secretName: 'web-tls', http2MaxConcurrentStreams: 64, redirectHttp: true, hsts: Duration.days(1) },
      clientAddress: { trustedProxies: ['10.0.0.0/8', 'fd00::/8'], proxyProtocolPort: 8090 }, trustForwardedProto: true,
    }, false],
    // nginx alone runs here, without the start's lines: ALWAYS puts the [::] listeners into nginx.conf.
    ['[::] beside each port, written into nginx.conf', {
      tls: { secretName: 'web-tls', redirectHttp: true }, ipv6: Ipv6Mode.ALWAYS, clientAddress: { trustedProxies: ['10.0.0.0/8'], proxyProtocolPort: 8090 },
    }, false],
  ])('accepts: %s', (_name, props, rsa) => {
    const r = nginxTest(props, ca.secret('web-tls', 'web.test', { rsa }));
    expect(r.output).toBe(SUCCESS);
    expect(r.status).toBe(0);
  });

  it('proves the certificate is loaded: a key that does not match it fails', () => {
    const good = ca.secret('web-tls', 'web.test');
    const other = ca.secret('web-tls', 'web.test');
    const r = nginxTest({ tls: { secretName: 'web-tls' } }, { ...good, data: { ...good.data, 'tls.key': other.data['tls.key'] } });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/\[emerg\] \d+#\d+: SSL_CTX_use_PrivateKey\("\/etc\/nginx\/tls\/tls.key"\) failed .*key values mismatch/);
  });
});
