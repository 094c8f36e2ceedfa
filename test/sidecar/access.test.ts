import { Testing } from 'cdk8s';
import { AccessOptions, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { appDeployment, container, exactly, find, volume } from './helpers';

function synth(props: Omit<ReverseProxySidecarProps, 'host'>) {
  const chart = Testing.chart();
  const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), ...props });
  const deployment = find(Testing.synth(chart), 'Deployment');
  return { conf: sidecar.renderNginxConf().split('\n').map((l) => l.trim()), deployment };
}
/** The lines of the block that starts with `head`. */
function block(conf: string[], head: string): string[] {
  const at = conf.indexOf(head);
  expect(at).toBeGreaterThanOrEqual(0);
  let depth = 0;
  for (let i = at; i < conf.length; i++) {
    depth += (conf[i].endsWith('{') ? 1 : 0) - (conf[i] === '}' ? 1 : 0);
    if (depth === 0) {
      return conf.slice(at, i + 1);
    }
  }
  return conf.slice(at);
}

describe('access: allowFrom, basicAuth, cors', () => {
  test('an allow list is a geo on the client\'s address and a 403 first in the route\'s locations, its upgrade one too', () => {
    const { conf } = synth({ access: { allowFrom: ['10.0.0.0/8', 'fd00::/8'] }, routes: [Route.proxy('/')] });
    expect(block(conf, 'geo $sidecar_allow_0 {')).toStrictEqual(['geo $sidecar_allow_0 {', 'default 0;', '10.0.0.0/8 1;', 'fd00::/8 1;', '}']);
    const location = block(conf, 'location / {');
    expect(location.slice(1, 4)).toStrictEqual(['if ($sidecar_allow_0 = 0) {', 'return 403;', '}']);
    expect(block(conf, 'location = /_sidecar/upgrade/0 {').slice(2, 5)).toStrictEqual(['if ($sidecar_allow_0 = 0) {', 'return 403;', '}']);
    expect(block(conf, 'location = /_sidecar/healthz {').join('\n')).not.toContain('sidecar_allow');
  });

  test('a route\'s own access replaces the sidecar\'s; routes with the same list share one geo', () => {
    const { conf } = synth({
      access: { allowFrom: ['10.0.0.0/8'] },
      routes: [Route.proxy('/a/'), Route.proxy('/b/'), Route.proxy('/c/', { access: { allowFrom: ['192.0.2.0/24'] } }), Route.proxy('/d/', { access: {} })],
    });
    expect(conf.filter((l) => l.startsWith('geo '))).toStrictEqual(['geo $sidecar_allow_0 {', 'geo $sidecar_allow_1 {']);
    expect(block(conf, 'location /c/ {')[1]).toBe('if ($sidecar_allow_1 = 0) {');
    expect(block(conf, 'location /d/ {').join('\n')).not.toContain('sidecar_allow');
  });

  test('basic auth: the Secret mounted read-only, the realm and file in the location, the app told who and never the password', () => {
    const { conf, deployment } = synth({ routes: [Route.proxy('/admin/', { access: { basicAuth: { secretName: 'admin-users', realm: 'Admin area' } } })] });
    const location = block(conf, 'location /admin/ {');
    expect(location).toContain('auth_basic "Admin area";');
    expect(location).toContain('auth_basic_user_file /etc/nginx/auth/admin-users/auth/htpasswd;');
    expect(location).toContain('proxy_set_header Authorization "";');
    expect(location).toContain('proxy_set_header X-Forwarded-User $remote_user;');
    expect(volume(deployment, 'nginx-auth-1')).toStrictEqual({ name: 'nginx-auth-1', secret: { secretName: 'admin-users', items: [{ key: 'auth', path: 'htpasswd' }] } });
    expect(container(deployment, 'nginx').volumeMounts).toContainEqual({ name: 'nginx-auth-1', mountPath: '/etc/nginx/auth/admin-users/auth', readOnly: true });
  });

  test('one volume per Secret and key, however many routes use it', () => {
    const auth = (key?: string): AccessOptions => ({ basicAuth: { secretName: 'users', key } });
    const { deployment } = synth({ access: auth(), routes: [Route.proxy('/a/'), Route.proxy('/b/', { access: auth('auth') }), Route.proxy('/c/', { access: auth('admins') })] });
    expect(container(deployment, 'nginx').volumeMounts.filter((m: any) => m.name.startsWith('nginx-auth-')).map((m: any) => m.mountPath))
      .toStrictEqual(['/etc/nginx/auth/users/auth', '/etc/nginx/auth/users/admins']);
  });

  test('cors: the origin map, the preflight answered in the location, the headers of every response, the app\'s hidden', () => {
    const { conf } = synth({
      access: { cors: { allowOrigins: ['https://app.example.com', 'https://*.example.org:8443'], allowCredentials: true, exposeHeaders: ['X-Total'] } },
      routes: [Route.proxy('/')],
    });
    expect(block(conf, 'map $http_origin $sidecar_cors_origin_0 {')).toStrictEqual(['map $http_origin $sidecar_cors_origin_0 {', 'default "";',
      'https://app.example.com $http_origin;', '"~^https://[a-z0-9]([a-z0-9-]*[a-z0-9])?\\.example\\.org:8443$" $http_origin;', '}']);
    const location = block(conf, 'location / {');
    // The preflight's headers are all in the `if` (add_header there replaces the location's): the sidecar's own too.
    expect(block(location, 'if ($sidecar_cors_preflight_0) {')).toStrictEqual(['if ($sidecar_cors_preflight_0) {',
      'add_header X-Request-ID $sidecar_request_id always;', 'add_header X-Content-Type-Options nosniff always;',
      'add_header Access-Control-Allow-Origin $sidecar_cors_origin_0;', 'add_header Access-Control-Allow-Credentials $sidecar_cors_credentials_0;',
      'add_header Vary Origin;', 'add_header Access-Control-Allow-Methods "GET, HEAD, POST, PUT, PATCH, DELETE";',
      'add_header Access-Control-Allow-Headers "Accept, Authorization, Content-Type, X-Requested-With";', 'add_header Access-Control-Max-Age 7200;',
      'return 204;', '}']);
    expect(location).toContain('proxy_hide_header Access-Control-Allow-Origin;');
    expect(location).toContain('add_header Access-Control-Allow-Origin $sidecar_cors_origin_0 always;');
    expect(location).toContain('add_header Access-Control-Expose-Headers $sidecar_cors_expose_0 always;');
    // The upgrade location has no preflight (WebSockets have none).
    expect(block(conf, 'location = /_sidecar/upgrade/0 {').join('\n')).not.toContain('preflight');
  });

  test('cors with any origin: "*", no map of origins, no Vary', () => {
    const { conf } = synth({ access: { cors: { allowOrigins: ['*'] } }, routes: [Route.proxy('/')] });
    expect(conf.filter((l) => l.startsWith('map $http_origin'))).toStrictEqual([]);
    expect(conf).toContain('map "$request_method:$http_access_control_request_method:$http_origin" $sidecar_cors_preflight_0 {');
    expect(block(conf, 'location / {')).toContain('add_header Access-Control-Allow-Origin * always;');
    expect(block(conf, 'location / {').filter((l) => l.startsWith('add_header Vary'))).toStrictEqual([]);
  });

  test('on static and file routes too', () => {
    const { conf } = synth({ access: { allowFrom: ['10.0.0.0/8'], cors: { allowOrigins: ['*'] } }, routes: [Route.file('/robots.txt', { path: __filename })] });
    const location = block(conf, 'location = /robots.txt {');
    expect(location.slice(1, 4)).toStrictEqual(['if ($sidecar_allow_0 = 0) {', 'return 403;', '}']);
    expect(location).toContain('add_header Access-Control-Allow-Origin * always;');
  });

  test('external auth: the subrequest location (no body, its timeouts), the names the service\'s headers get, the sign-in redirect', () => {
    const { conf } = synth({
      access: { externalAuth: { url: 'http://127.0.0.1:4180/oauth2/auth', signInUrl: '/oauth2/start', responseHeaders: ['X-Auth-Request-User'] } },
      routes: [Route.proxy('/oauth2/', { port: 4180, access: {} }), Route.proxy('/')],
    });
    const location = block(conf, 'location / {');
    expect(location).toContain('auth_request /_sidecar/auth/0;');
    expect(location).toContain('auth_request_set $sidecar_auth_0_0 $upstream_http_x_auth_request_user;');
    expect(location).toContain('error_page 401 = @sidecar_signin_0;');
    expect(location).toContain('error_page 500 501 502 503 504 /_sidecar/50x.html;');
    expect(location).toContain('proxy_set_header X-Auth-Request-User $sidecar_auth_0_0;');
    expect(block(conf, 'location = /_sidecar/auth/0 {')).toStrictEqual(['location = /_sidecar/auth/0 {', 'internal;',
      'proxy_pass http://sidecar_auth_0/oauth2/auth;', 'proxy_http_version 1.1;', 'proxy_set_header Connection "";',
      'proxy_set_header Host $sidecar_host;', 'proxy_pass_request_body off;',
      'proxy_set_header Content-Length "";', 'proxy_set_header X-Original-URI $request_uri;', 'proxy_set_header X-Original-Method $request_method;',
      'proxy_set_header X-Forwarded-Uri $request_uri;', 'proxy_set_header X-Forwarded-Host $sidecar_host;', 'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_set_header X-Real-IP $remote_addr;', 'proxy_connect_timeout 5s;', 'proxy_send_timeout 5s;', 'proxy_read_timeout 5s;', '}']);
    expect(block(conf, 'location @sidecar_signin_0 {').slice(1, 5)).toStrictEqual(['add_header X-Request-ID $sidecar_request_id always;',
      'add_header X-Content-Type-Options nosniff always;', 'add_header Cache-Control "no-store" always;',
      'return 302 "/oauth2/start?rd=$sidecar_sign_in_rd";']);
    expect(block(conf, 'upstream sidecar_auth_0 {')).toStrictEqual(['upstream sidecar_auth_0 {', 'server 127.0.0.1:4180;', 'keepalive 8;', '}']);
    const pages = block(conf, 'location /oauth2/ {');
    expect(pages).toContain('proxy_pass http://127.0.0.1:4180;');
    expect(pages.join('\n')).not.toContain('auth_request');
  });

  test('external auth in the cluster: a Service\'s name in the upstream (resolved when nginx starts); localhost as 127.0.0.1', () => {
    const { conf } = synth({ access: { externalAuth: { url: 'http://oauth2-proxy.auth.svc.cluster.local:4180/oauth2/auth' } }, routes: [Route.proxy('/')] });
    expect(block(conf, 'upstream sidecar_auth_0 {')[1]).toBe('server oauth2-proxy.auth.svc.cluster.local:4180;');
    expect(block(conf, 'location = /_sidecar/auth/0 {')).toContain('proxy_set_header Host oauth2-proxy.auth.svc.cluster.local:4180;');
    const local = synth({ access: { externalAuth: { url: 'http://localhost:4180/check' } }, routes: [Route.proxy('/')] });
    expect(block(local.conf, 'upstream sidecar_auth_0 {')[1]).toBe('server 127.0.0.1:4180;');
  });

  test('the error page carries the CORS headers of the route the request came from, by the variables some route sets', () => {
    const page = (props: Omit<ReverseProxySidecarProps, 'host'>) => block(synth(props).conf, 'location = /_sidecar/50x.html {').slice(-5);
    expect(page({ routes: [Route.proxy('/')] })).not.toContain('uninitialized_variable_warn off;');
    expect(page({ access: { cors: { allowOrigins: ['*'] } }, routes: [Route.proxy('/')] })).toStrictEqual([
      'add_header X-Request-ID $sidecar_request_id always;', 'add_header X-Content-Type-Options nosniff always;',
      'uninitialized_variable_warn off;', 'add_header Access-Control-Allow-Origin $sidecar_redirected_cors_origin always;', '}']);
    const both = synth({ access: { cors: { allowOrigins: ['https://a.example'], allowCredentials: true } }, routes: [Route.proxy('/'), Route.proxy('/open/', { access: {} })] });
    expect(block(both.conf, 'location = /_sidecar/50x.html {').slice(-4)).toStrictEqual([
      'add_header Access-Control-Allow-Origin $sidecar_redirected_cors_origin always;',
      'add_header Access-Control-Allow-Credentials $sidecar_redirected_cors_credentials always;',
      'add_header Vary $sidecar_redirected_cors_vary always;', '}']);
    expect(block(both.conf, 'location / {').filter((l) => l.startsWith('set '))).toStrictEqual([
      'set $sidecar_redirected_cors_origin $sidecar_cors_origin_0;', 'set $sidecar_redirected_cors_credentials $sidecar_cors_credentials_0;',
      'set $sidecar_redirected_cors_vary Origin;']);
    expect(block(both.conf, 'location /open/ {').filter((l) => l.startsWith('set '))).toStrictEqual([]);
  });

  describe('a sign-in path behind the auth it signs in to, refused at synthesis', () => {
    const auth = (signInUrl: string) => ({ externalAuth: { url: 'http://127.0.0.1:4180/oauth2/auth', signInUrl } });
    const synthError = (props: Omit<ReverseProxySidecarProps, 'host'>, add: Route[] = []) => {
      const chart = Testing.chart();
      const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), ...props });
      add.forEach((r) => sidecar.addRoute(r));
      return () => Testing.synth(chart);
    };
    const line = (field: string, url: string, by: string) => `  [test/proxy] ${field} "${url}" is served by ${by}, behind the same external auth: `
      + 'every sign-in would be sent to sign in again; serve the sign-in pages on a route without externalAuth (`access: {}`)';
    const loop = (field: string, url: string, by: string) => exactly(`Validation failed with the following errors:\n${line(field, url, by)}`);

    test('the sidecar\'s signInUrl served by a route with that auth (the longest prefix, query left out)', () => {
      expect(synthError({ access: auth('/oauth2/start?x=1'), routes: [Route.proxy('/'), Route.proxy('/oauth2/', { port: 4180 })] }))
        .toThrow(loop('access.externalAuth.signInUrl', '/oauth2/start?x=1', 'routes[1] Route.proxy("/oauth2/")'));
    });

    test('a route\'s own signInUrl, served by a route added later with the same auth (whose own sign-in loops too)', () => {
      expect(synthError({ routes: [Route.proxy('/app/', { access: auth('/login') })] }, [Route.proxy('/', { port: 4180, access: auth('/login') })]))
        .toThrow(exactly(['Validation failed with the following errors:',
          line('routes[0] Route.proxy("/app/") access.externalAuth.signInUrl', '/login', 'routes[1] Route.proxy("/")'),
          line('routes[1] Route.proxy("/") access.externalAuth.signInUrl', '/login', 'routes[1] Route.proxy("/")')].join('\n')));
    });

    test('as nginx matches it: the path without its slash (a 301 to the route at path/), %XX decoded, dot segments resolved', () => {
      const open = { access: {} };
      expect(synthError({ access: auth('/login'), routes: [Route.proxy('/', open), Route.proxy('/login/', { port: 4180 })] }))
        .toThrow(loop('access.externalAuth.signInUrl', '/login', 'routes[1] Route.proxy("/login/")'));
      expect(synthError({ access: auth('/%6Cogin/start'), routes: [Route.proxy('/', open), Route.proxy('/login/', { port: 4180 })] }))
        .toThrow(loop('access.externalAuth.signInUrl', '/%6Cogin/start', 'routes[1] Route.proxy("/login/")'));
      expect(synthError({ access: auth('/x/../login/start'), routes: [Route.proxy('/', open), Route.proxy('/login/', { port: 4180 })] }))
        .toThrow(loop('access.externalAuth.signInUrl', '/x/../login/start', 'routes[1] Route.proxy("/login/")'));
      // The sign-in pages at /login/, without auth: "/login" reaches them by nginx's 301.
      expect(synthError({ access: auth('/login'), routes: [Route.proxy('/'), Route.proxy('/login/', { port: 4180, access: {} })] })).not.toThrow();
    });

    test('served by a route behind another auth service (signing in to one may be what the other asks): synthesizes', () => {
      const other = { externalAuth: { url: 'http://127.0.0.1:4181/check', signInUrl: 'https://sso.example.com/start' } };
      expect(synthError({ access: auth('/login/start'), routes: [Route.proxy('/'), Route.proxy('/login/', { port: 4180, access: other })] })).not.toThrow();
    });

    test('served by a route without external auth, by none, or elsewhere (a URL): synthesizes', () => {
      expect(synthError({ access: auth('/oauth2/start'), routes: [Route.proxy('/'), Route.proxy('/oauth2/', { port: 4180, access: {} })] })).not.toThrow();
      expect(synthError({ access: auth('/oauth2/start'), routes: [Route.proxy('/api/')] })).not.toThrow();
      expect(synthError({ access: auth('https://sso.example.com/start'), routes: [Route.proxy('/')] })).not.toThrow();
      expect(synthError({ routes: [Route.proxy('/app/', { access: auth('/login') }), Route.proxy('/', { port: 4180 })] })).not.toThrow();
    });
  });
});
