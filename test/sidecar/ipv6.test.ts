import { Testing } from 'cdk8s';
import { Ipv6Mode, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { appDeployment, container, exactly, find } from './helpers';

function synth(props: Omit<ReverseProxySidecarProps, 'host'>) {
  const chart = Testing.chart();
  const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), routes: [Route.proxy('/')], ...props });
  const nginx = container(find(Testing.synth(chart), 'Deployment'), 'nginx');
  return { conf: sidecar.renderNginxConf().split('\n').map((l) => l.trim()), command: nginx.command as string[] };
}
const listens = (conf: string[]) => conf.filter((l) => /^(listen|include \/var\/cache\/nginx\/listen)/.test(l));
const NGINX = ['nginx', '-c', '/etc/nginx/sidecar/nginx.conf', '-e', 'stderr'];

describe('ipv6: listening on [::] as well', () => {
  test('by default, the plain and HTTPS listeners include the [::] lines the start writes where the pod has IPv6', () => {
    // GIVEN / WHEN
    const { conf, command } = synth({ tls: { secretName: 'web-tls', reloadOnRotation: false }, metrics: {} });
    // THEN: the status listener stays on 127.0.0.1, where the exporter in the pod reaches it in every pod.
    expect(listens(conf)).toStrictEqual(['listen 8080;', 'include /var/cache/nginx/listen-ipv6/8080/*.conf;',
      'listen 8443 ssl http2;', 'include /var/cache/nginx/listen-ipv6/8443/*.conf;', 'listen 127.0.0.1:8081;']);
    expect(command).toStrictEqual(['/bin/sh', '-c', [
      'rm -rf /var/cache/nginx/listen-ipv6',
      'if read -r _ 2>/dev/null < /proc/net/if_inet6; then',
      '  mkdir -p /var/cache/nginx/listen-ipv6/8080 /var/cache/nginx/listen-ipv6/8443',
      '  echo \'listen [::]:8080;\' > /var/cache/nginx/listen-ipv6/8080/listen.conf',
      '  echo \'listen [::]:8443 ssl http2;\' > /var/cache/nginx/listen-ipv6/8443/listen.conf',
      '  echo "nginx-start: IPv6 in this pod: listening on [::] too" >&2',
      'else',
      '  echo "nginx-start: no IPv6 address in this pod (/proc/net/if_inet6 absent or empty): listening on IPv4 only" >&2',
      'fi',
      'exec "$@"',
    ].join('\n'), 'nginx-start', ...NGINX]);
  });

  test('ALWAYS writes [::] into nginx.conf and runs nginx without a shell', () => {
    const { conf, command } = synth({ ipv6: Ipv6Mode.ALWAYS, port: 8081 });
    expect(listens(conf)).toStrictEqual(['listen 8081;', 'listen [::]:8081;']);
    expect(command).toStrictEqual(NGINX);
  });

  test('IPV4_ONLY listens as before, without a shell', () => {
    const { conf, command } = synth({ ipv6: Ipv6Mode.IPV4_ONLY });
    expect(listens(conf)).toStrictEqual(['listen 8080;']);
    expect(command).toStrictEqual(NGINX);
  });

  test('the start\'s lines come before the TLS reload loop, and nginx is exec\'d last', () => {
    const { command } = synth({ tls: { secretName: 'web-tls' } });
    const lines = command[2].split('\n');
    expect(lines.indexOf('fi')).toBeLessThan(lines.findIndex((l) => l.startsWith('sum()')));
    expect(lines.pop()).toBe('exec "$@"');
    expect(command[2]).not.toMatch(/\$\$|\$\(/);
  });

  // Bad values and nginxConf beside it: the bad-input catalogue, part 3.
  test('a value that is not an Ipv6Mode is refused, naming the modes', () => {
    expect(() => synth({ ipv6: 'yes' as any })).toThrow(exactly(
      'ipv6 "yes" must be one of "where-available", "always", "ipv4-only" (Ipv6Mode)'));
  });
});
