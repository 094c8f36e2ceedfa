import { renderNginxConf } from '../../lib/nginx/render';
import { baseModel, block, proxyRoute, staticRoute } from './render-helpers';

describe('renderNginxConf: per-client limits', () => {
  const conf = renderNginxConf(baseModel({
    accessLog: 'json',
    limits: { rate: { count: 20, unit: 's', burst: 40 }, connections: 10 },
    routes: [
      proxyRoute({ path: '/login', limits: { rate: { count: 5, unit: 'm', burst: 0 } } }),
      proxyRoute({ path: '/' }),
      staticRoute(),
    ],
  }));
  const http = block(conf, 'http').direct;

  it('keys a rate zone for the sidecar and one per route with its own, and one connection zone, by the client\'s address', () => {
    expect(http).toEqual(expect.arrayContaining([
      'limit_req_status 429;', 'limit_conn_status 429;',
      'limit_req_zone $binary_remote_addr zone=sidecar_req:1m rate=20r/s;',
      'limit_req_zone $binary_remote_addr zone=sidecar_req_route0:1m rate=5r/m;',
      'limit_conn_zone $binary_remote_addr zone=sidecar_conn:1m;',
    ]));
  });

  it('sends Retry-After only with nginx\'s own 429: one second, or the time one request\'s share takes', () => {
    expect(block(conf, 'map "$limit_req_status:$limit_conn_status" $sidecar_retry_after_1').all).toStrictEqual(['default "";', '~REJECTED 1;']);
    expect(block(conf, 'map "$limit_req_status:$limit_conn_status" $sidecar_retry_after_12').all).toStrictEqual(['default "";', '~REJECTED 12;']);
  });

  it('applies a route\'s own limits (no burst: none written) and the sidecar\'s elsewhere, upgrades included; never to health', () => {
    expect(block(conf, 'location /login').direct.filter((l) => /limit|Retry/.test(l)))
      .toStrictEqual(['limit_req zone=sidecar_req_route0;', 'add_header Retry-After $sidecar_retry_after_12 always;']);
    const shared = ['limit_req zone=sidecar_req burst=40 nodelay;', 'limit_conn sidecar_conn 10;', 'add_header Retry-After $sidecar_retry_after_1 always;'];
    for (const loc of ['location /', 'location = /_sidecar/upgrade/1', 'location /docs/']) {
      expect({ loc, limits: block(conf, loc).direct.filter((l) => /limit|Retry/.test(l)) }).toStrictEqual({ loc, limits: shared });
    }
    expect(block(conf, 'location = /_sidecar/healthz').all.join('\n')).not.toMatch(/limit/);
  });

  it('logs each limit\'s verdict, only when something is limited', () => {
    expect(conf).toContain('"limit_req":"$limit_req_status","limit_conn":"$limit_conn_status"}\';');
    const none = renderNginxConf(baseModel({ accessLog: 'json' }));
    expect(none).not.toMatch(/limit_req_zone|limit_conn_zone|limit_req |limit_conn |"limit_req"/);
    expect(none).toContain('limit_req_status 429;');
  });
});
