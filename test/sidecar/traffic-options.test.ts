import { Duration, Size, Testing } from 'cdk8s';
import { AccessLogFormat, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { appDeployment } from './helpers';

/** nginx.conf of a sidecar with `props` on a fresh plus Deployment (app on 5000), as trimmed lines. */
function confLines(props: Omit<ReverseProxySidecarProps, 'host'>): string[] {
  const chart = Testing.chart();
  const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), ...props });
  return sidecar.renderNginxConf().split('\n').map((l) => l.trim());
}

describe('the traffic defaults', () => {
  test('4096 worker connections and twice that in open files, a JSON access log', () => {
    // GIVEN / WHEN
    const lines = confLines({ routes: [Route.proxy('/')] });
    // THEN
    expect(lines).toEqual(expect.arrayContaining(['worker_connections 4096;', 'worker_rlimit_nofile 8192;', 'access_log /dev/stdout sidecar buffer=64k flush=1s;']));
    expect(lines.find((l) => l.startsWith('log_format'))).toMatch(/^log_format sidecar escape=json /);
    // Upgraded requests idle for an hour at most; ordinary ones keep the 60 s read timeout.
    expect(lines).toEqual(expect.arrayContaining(['proxy_read_timeout 1h;', 'proxy_read_timeout 1m;']));
    expect(lines).not.toContain('proxy_buffering off;');
    // Slow clients: the whole header in 10 s, pauses of a minute, idle keep-alive above a load balancer's 60 s; timed out: reset.
    expect(lines).toEqual(expect.arrayContaining(['keepalive_timeout 65s;', 'client_header_timeout 10s;', 'client_body_timeout 1m;',
      'send_timeout 1m;', 'reset_timedout_connection on;']));
    // 64 idle connections to the app (and to the compressing server), not nginx's example 16.
    expect(lines.join('\n')).toContain('upstream app {\nserver 127.0.0.1:5000;\nkeepalive 64;\n}');
  });

  test('clientTimeouts sets each timeout, the others keep their defaults', () => {
    const lines = confLines({ clientTimeouts: { header: Duration.millis(1500), keepalive: Duration.minutes(5) }, routes: [Route.proxy('/')] });
    expect(lines).toEqual(expect.arrayContaining(['keepalive_timeout 5m;', 'client_header_timeout 1500ms;', 'client_body_timeout 1m;', 'send_timeout 1m;']));
  });

  test('workerConnections sets the open files too; the text format and no log are options', () => {
    expect(confLines({ workerConnections: 1000, routes: [Route.proxy('/')] })).toContain('worker_rlimit_nofile 2000;');
    const text = confLines({ accessLogFormat: AccessLogFormat.TEXT, routes: [Route.proxy('/')] });
    expect(text.find((l) => l.startsWith('log_format'))).toMatch(/^log_format sidecar '\$remote_addr - \$remote_user/);
    const off = confLines({ accessLog: false, accessLogFormat: AccessLogFormat.JSON, routes: [Route.proxy('/')] });
    expect(off).toContain('access_log off;');
  });
});

describe('Route.proxy traffic options', () => {
  test('reach the route\'s locations: request headers, body size, buffering, WebSocket idle timeout', () => {
    // GIVEN / WHEN
    const lines = confLines({
      routes: [Route.proxy('/live/', {
        stripPrefix: true,
        requestHeaders: { 'X-Forwarded-For': '$remote_addr', 'X-Tenant': 'blue' },
        maxBodySize: Size.mebibytes(20),
        buffering: false,
        webSocketIdleTimeout: Duration.minutes(5),
      })],
    });
    // THEN
    expect(lines).toEqual(expect.arrayContaining([
      'proxy_set_header X-Forwarded-For "$remote_addr";', 'proxy_set_header X-Tenant blue;', 'client_max_body_size 20m;',
      'proxy_buffering off;', 'proxy_read_timeout 5m;', 'proxy_pass http://app$sidecar_strip_0;',
    ]));
    expect(lines).not.toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
  });
});
