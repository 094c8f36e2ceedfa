import { Testing } from 'cdk8s';
import { ClientAddressOptions, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { appDeployment, container, find } from './helpers';

function sidecar(props: Omit<ReverseProxySidecarProps, 'host'>): ReverseProxySidecar {
  const chart = Testing.chart();
  return new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), ...props });
}
const lines = (props: Omit<ReverseProxySidecarProps, 'host'>) => sidecar(props).renderNginxConf().split('\n').map((l) => l.trim());
const withProxies = (trustedProxies: unknown) => ({ clientAddress: { trustedProxies } as ClientAddressOptions, routes: [Route.proxy('/')] });

describe('clientAddress: the client\'s address from trusted proxies', () => {
  test('believes X-Forwarded-For, recursively, from the listed ranges only, at the http level', () => {
    // GIVEN / WHEN
    const conf = lines(withProxies(['10.0.0.0/8', '192.0.2.10', 'fd00::/8']));
    // THEN
    const at = conf.indexOf('set_real_ip_from 10.0.0.0/8;');
    expect(conf.slice(at, at + 5)).toStrictEqual(['set_real_ip_from 10.0.0.0/8;', 'set_real_ip_from 192.0.2.10;',
      'set_real_ip_from fd00::/8;', 'real_ip_header X-Forwarded-For;', 'real_ip_recursive on;']);
    expect(conf.slice(0, at)).toContain('http {');
  });

  test('sends the app X-Real-IP from it and X-Forwarded-For as the chain plus the peer, never the client twice', () => {
    const conf = lines(withProxies(['10.0.0.0/8']));
    const map = conf.indexOf('map $http_x_forwarded_for $sidecar_forwarded_for {');
    expect(conf.slice(map, map + 4)).toStrictEqual(['map $http_x_forwarded_for $sidecar_forwarded_for {',
      '"" $realip_remote_addr;', 'default "$http_x_forwarded_for, $realip_remote_addr";', '}']);
    // In both the route's location and its upgrade location.
    expect(conf.filter((l) => l === 'proxy_set_header X-Forwarded-For $sidecar_forwarded_for;')).toHaveLength(2);
    expect(conf.filter((l) => l === 'proxy_set_header X-Real-IP $remote_addr;')).toHaveLength(2);
    expect(conf.join('\n')).not.toContain('$proxy_add_x_forwarded_for');
  });

  test('without it, nothing of it is rendered and X-Forwarded-For appends the peer as before', () => {
    const conf = lines({ routes: [Route.proxy('/')] });
    expect(conf.filter((l) => /real_ip|sidecar_forwarded_for/.test(l))).toStrictEqual([]);
    expect(conf).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
  });

  // Bad values, the realip directives by hand and nginxConf beside it: the bad-input catalogue, part 4.
});

describe('clientAddress.proxyProtocolPort: a listener for a load balancer that speaks the PROXY protocol', () => {
  const withPort = (more: object = {}) => ({ clientAddress: { trustedProxies: ['10.0.0.0/8'], proxyProtocolPort: 8090 }, routes: [Route.proxy('/')], ...more });

  test('a third server, its address from the PROXY header; the plain one, where the probes go, keeps none', () => {
    const conf = lines(withPort());
    const servers = conf.map((l, i) => (l === 'server {' ? i : -1)).filter((i) => i >= 0);
    expect(servers).toHaveLength(2);
    expect(conf.slice(servers[1] + 1, servers[1] + 5)).toStrictEqual(['listen 8090 proxy_protocol;',
      'include /var/cache/nginx/listen-ipv6/8090/*.conf;', 'server_name _;', 'real_ip_header proxy_protocol;']);
    expect(conf.slice(servers[0] + 1, servers[0] + 2)).toStrictEqual(['listen 8080;']);
  });

  test('X-Forwarded-For through it is the client\'s chain plus the client (the load balancer adds no hop)', () => {
    const conf = lines(withPort());
    const map = conf.indexOf('map $proxy_protocol_addr $sidecar_forwarded_for {');
    expect(conf.slice(map, map + 4)).toStrictEqual(['map $proxy_protocol_addr $sidecar_forwarded_for {',
      '"" $sidecar_forwarded_chain;', 'default $proxy_add_x_forwarded_for;', '}']);
  });

  test('with tls it speaks HTTPS, HTTP/2 and the same certificate; the container declares it and its start listens on [::] too', () => {
    const chart = Testing.chart();
    const s = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), ...withPort({ tls: { secretName: 'web-tls' } }) });
    const conf = s.renderNginxConf().split('\n').map((l) => l.trim());
    const at = conf.indexOf('listen 8090 ssl http2 proxy_protocol;');
    expect(conf.slice(at, at + 5)).toStrictEqual(['listen 8090 ssl http2 proxy_protocol;', 'include /var/cache/nginx/listen-ipv6/8090/*.conf;',
      'server_name _;', 'http2_max_concurrent_streams 16;', 'ssl_certificate /etc/nginx/tls/tls.crt;']);
    const nginx = container(find(Testing.synth(chart), 'Deployment'), 'nginx');
    expect(nginx.ports).toStrictEqual([{ containerPort: 8080, name: 'nginx-http' }, { containerPort: 8443, name: 'nginx-https' },
      { containerPort: 8090, name: 'nginx-proxy' }]);
    expect(nginx.command[2]).toContain('\n  echo \'listen [::]:8090 ssl http2 proxy_protocol;\' > /var/cache/nginx/listen-ipv6/8090/listen.conf\n');
    expect(s.proxyProtocolPort).toBe(8090);
  });

  test('a trusted proxy\'s X-Forwarded-Proto counts only on connections without a PROXY header', () => {
    const conf = lines(withPort({ trustForwardedProto: true }));
    const map = conf.indexOf('map "$sidecar_trusted_peer:$proxy_protocol_addr" $sidecar_trusted_forwarded_proto {');
    expect(conf.slice(map, map + 4)).toStrictEqual(['map "$sidecar_trusted_peer:$proxy_protocol_addr" $sidecar_trusted_forwarded_proto {',
      'default "";', '"1:" $http_x_forwarded_proto;', '}']);
  });
});
