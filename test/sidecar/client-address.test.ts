import { Testing } from 'cdk8s';
import { ClientAddressOptions, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { appDeployment } from './helpers';

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
