import { ConfWriter } from './conf-writer';
import { Ipv6ListenModel, NginxConfModel, SIDECAR_ENDPOINTS, TlsModel } from './model';
import { TLS_LISTEN_PARAMS, renderListen } from './render-listen';
import { VARS } from './render-shared';
import { arg } from './tokens';

/**
 * The HTTPS listener's own directives, the plain port's redirect and the trusted-scheme map. The
 * routes themselves are rendered by render-server.ts into both servers.
 */

/**
 * TLS 1.2 suites: ECDHE key exchange (forward secrecy) with AEAD ciphers only, ECDSA and RSA
 * certificates alike; the same list as Mozilla's "intermediate" profile minus its DHE suites.
 * TLS 1.3 suites are OpenSSL's defaults, which are all AEAD.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
];

/**
 * The key exchange groups, Mozilla's "intermediate" profile: without them OpenSSL 3 also offers the
 * finite-field groups ffdhe2048 to ffdhe8192 to TLS 1.3 clients, and a client that asks for
 * ffdhe8192 costs the worker about 120 ms of CPU per handshake (X25519: under 1 ms).
 */
export const TLS_GROUPS = ['X25519', 'prime256v1', 'secp384r1'];

/** The directives the HTTPS server sets itself (an extra one at the http level is overridden, at the server level a duplicate). */
export const TLS_SERVER_DIRECTIVES = ['ssl_certificate', 'ssl_certificate_key', 'ssl_protocols', 'ssl_ciphers', 'ssl_ecdh_curve',
  'ssl_prefer_server_ciphers', 'ssl_session_cache', 'ssl_session_timeout', 'ssl_session_tickets'];

/** The shared TLS session cache: 1 MiB holds about 4,000 sessions, plenty for one pod. */
export const TLS_SESSION_ZONE = 'sidecar_tls';

/**
 * The HTTPS server's listen line and TLS settings.
 *
 * HTTP/2 is the `http2` parameter of `listen`: the one form both the nginx 1.22 the tests run and
 * nginx 1.25.1 and later (the default image is 1.30) accept. `http2 on;` appeared in 1.25.1 and is
 * an unknown directive before it; the parameter is deprecated since then, and such nginx logs one
 * warning when it reads the config ("the "listen ... http2" directive is deprecated").
 */
export function renderTlsListener(w: ConfWriter, tls: TlsModel, ipv6: Ipv6ListenModel, port = tls.listenPort,
  extraParams: readonly string[] = []): void {
  renderListen(w, ipv6, port, [...TLS_LISTEN_PARAMS, ...extraParams]);
  w.directive('server_name', '_');
  // One client connection is at most this many requests to the app at once (nginx's own: 128).
  w.directive('http2_max_concurrent_streams', String(tls.http2MaxConcurrentStreams));
  w.directive('ssl_certificate', arg(tls.certificate));
  w.directive('ssl_certificate_key', arg(tls.key));
  w.directive('ssl_protocols', 'TLSv1.2', 'TLSv1.3');
  w.directive('ssl_ciphers', TLS12_CIPHERS.join(':'));
  w.directive('ssl_ecdh_curve', TLS_GROUPS.join(':'));
  // Every suite offered is strong: let the client pick (it knows whether it has AES hardware).
  w.directive('ssl_prefer_server_ciphers', 'off');
  w.directive('ssl_session_cache', `shared:${TLS_SESSION_ZONE}:1m`);
  w.directive('ssl_session_timeout', '1d');
  // Ticket keys would be random per nginx start and never rotated: off keeps forward secrecy,
  // and resumption still works through the session cache.
  w.directive('ssl_session_tickets', 'off');
}

/** Where the plain port redirects to. 308 keeps the method and body of a POST, which 301 lets clients turn into a GET. */
function redirectTarget(redirectPort: number): string[] {
  const authority = redirectPort === 443 ? '$host' : `$host:${redirectPort}`;
  return ['308', `https://${authority}$request_uri`];
}

/** The plain server's body when it only redirects: the health endpoint (probes use it) and a 308 for the rest. */
export function renderRedirect(w: ConfWriter, redirectPort: number): void {
  w.block('location /', () => {
    w.directive('return', ...redirectTarget(redirectPort));
  });
}

/**
 * With a trusted X-Forwarded-Proto, the plain server serves every route and redirects only what
 * the client did not send over HTTPS: a TLS proxy in front forwards HTTPS requests to the plain
 * port with `X-Forwarded-Proto: https`, and redirecting those would loop. A server-level `if` with
 * `return` only (safe in nginx), on a map that spares the health endpoint.
 */
export function renderTrustedRedirect(w: ConfWriter, redirectPort: number): void {
  w.block(`if (${VARS.httpsRedirect})`, () => {
    w.directive('return', ...redirectTarget(redirectPort));
  });
}

function renderTrustedRedirectMap(w: ConfWriter): void {
  w.block(`map "${VARS.forwardedProto}:$uri" ${VARS.httpsRedirect}`, () => {
    w.directive('default', '1');
    w.directive('"~^https:"', '0');
    // Exact keys: a regex `$` would also match before a final newline (`/_sidecar/healthz%0A`).
    w.directive(`"http:${SIDECAR_ENDPOINTS.health}"`, '0');
    w.directive(`"https:${SIDECAR_ENDPOINTS.health}"`, '0');
  });
}

/** The sidecar's headers for the HTTPS server: the others plus HSTS, which browsers honour only over HTTPS. */
export function httpsConf(conf: NginxConfModel): NginxConfModel {
  const maxAge = conf.tls?.hstsMaxAgeSeconds;
  if (maxAge === undefined) {
    return conf;
  }
  return { ...conf, headers: [...conf.headers, { name: 'Strict-Transport-Security', value: `max-age=${maxAge}` }] };
}

/**
 * The trusted `X-Forwarded-Proto`, mapped to http or https. On the HTTPS listener the scheme is
 * https whatever the client sends: a trusted proxy connects to the plain port.
 */
export function renderForwardedProtoMap(w: ConfWriter, conf: NginxConfModel): void {
  let header = '$http_x_forwarded_proto';
  if (conf.trustedProxies) {
    // With the proxies named (clientAddress), only theirs is believed: anyone else's is ignored.
    header = '$sidecar_trusted_forwarded_proto';
    w.block('geo $realip_remote_addr $sidecar_trusted_peer', () => {
      w.directive('default', '0');
      conf.trustedProxies!.forEach((r) => w.directive(r, '1'));
    });
    // A load balancer that speaks the PROXY protocol passes TCP on: the header is its client's own.
    const viaProxyProtocol = conf.proxyProtocolPort !== undefined;
    w.block(`map ${viaProxyProtocol ? '"$sidecar_trusted_peer:$proxy_protocol_addr"' : '$sidecar_trusted_peer'} ${header}`, () => {
      w.directive('default', '""');
      w.directive(viaProxyProtocol ? '"1:"' : '1', '$http_x_forwarded_proto');
    });
  }
  if (!conf.tls) {
    // Only http or https reach the app (and the cache key); anything else is the request's own scheme.
    w.block(`map ${header} ${VARS.forwardedProto}`, () => {
      // The leftmost value is the client's (proxies append theirs; nginx 1.23+ joins repeated headers with ", ").
      w.directive('default', '$scheme');
      w.directive('"~*^https\\s*(,|$)"', 'https');
      w.directive('"~*^http\\s*(,|$)"', 'http');
    });
    return;
  }
  w.block(`map "$https:${header}" ${VARS.forwardedProto}`, () => {
    w.directive('default', '$scheme');
    w.directive('"~^on:"', 'https');
    w.directive('"~*^:https\\s*(,|$)"', 'https');
    w.directive('"~*^:http\\s*(,|$)"', 'http');
  });
  if (conf.tls.redirectPort !== undefined) {
    renderTrustedRedirectMap(w);
  }
  if (conf.tls.hstsMaxAgeSeconds !== undefined) {
    // HSTS on the plain port too, for the requests a trusted TLS proxy forwarded (empty: no header).
    w.block(`map ${VARS.forwardedProto} ${VARS.hsts}`, () => {
      w.directive('default', '""');
      w.directive('https', `"max-age=${conf.tls!.hstsMaxAgeSeconds}"`);
    });
  }
}

/**
 * The plain server's model: with a trusted X-Forwarded-Proto and HSTS, its responses to requests a
 * TLS proxy forwarded carry HSTS as the HTTPS listener's do (the header is empty, so not sent, otherwise).
 */
export function plainConf(conf: NginxConfModel): NginxConfModel {
  if (!conf.trustForwardedProto || conf.tls?.hstsMaxAgeSeconds === undefined) {
    return conf;
  }
  return { ...conf, headers: [...conf.headers, { name: 'Strict-Transport-Security', value: VARS.hsts }] };
}
