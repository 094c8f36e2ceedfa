import { ConfWriter } from './conf-writer';
import { hasLimits } from './render-limits';
import { NginxConfModel, ProxyRouteModel } from './model';

/**
 * The http-level parts that carry real traffic through proxy routes: the request ID, the client's
 * Host and port, the raw URI of stripped routes, the access log and the proxy buffers. Each is one
 * helper, called by render.ts; the locations use them through `TRAFFIC_VARS`.
 */

/** Variables defined here by `map` blocks. */
export const TRAFFIC_VARS = {
  /** The client's X-Request-ID when it is a safe token, else nginx's own `$request_id`. */
  requestId: '$sidecar_request_id',
  /** The client's Host header as sent, port included; `$host` when there was none (HTTP/1.0). */
  host: '$sidecar_host',
  /** With trusted proxies: the client's X-Forwarded-For and the address that reached the sidecar. */
  forwardedFor: '$sidecar_forwarded_for',
  /** The port the client addressed: the Host header's, else 443 for https and 80 for http. */
  forwardedPort: '$sidecar_forwarded_port',
  hostPort: '$sidecar_host_port',
} as const;

/** A request ID the sidecar passes on as it came: letters, digits and `._:-`, at most 128 of them. */
const SAFE_REQUEST_ID = '"~^[A-Za-z0-9._:-]{1,128}$"';

/** The variable holding route `index`'s request URI as the client sent it, without the route's prefix. */
export function strippedUriVar(index: number): string {
  return `$sidecar_strip_${index}`;
}

/** A route path as a regular expression that matches it literally (paths hold only `A-Za-z0-9._~/-`). */
export function literalRegex(path: string): string {
  return path.replace(/\./g, '[.]');
}

/**
 * The maps of the request ID, the forwarded Host and port, and, per stripPrefix route, its URI as
 * sent. nginx normalises the URI it matches (`%2F` becomes `/`) and `proxy_pass` with a URI part
 * passes that normalised form; the raw `$request_uri`, minus the prefix, keeps `%2F` and the query.
 */
export function renderTrafficMaps(w: ConfWriter, conf: NginxConfModel, proto: string): void {
  w.block(`map $http_x_request_id ${TRAFFIC_VARS.requestId}`, () => {
    w.directive('default', '$request_id');
    w.directive(SAFE_REQUEST_ID, '$http_x_request_id');
  });
  renderRealIp(w, conf);
  const proxies = conf.routes.filter((r): r is ProxyRouteModel => r.kind === 'proxy');
  if (proxies.length === 0) {
    w.blank();
    return;
  }
  if (conf.trustedProxies) {
    // $proxy_add_x_forwarded_for would append the client (now $remote_addr) to its own chain; the
    // chain gets the address that reached the sidecar instead, as a proxy appends its peer.
    const chain = conf.proxyProtocolPort === undefined ? TRAFFIC_VARS.forwardedFor : '$sidecar_forwarded_chain';
    w.block(`map $http_x_forwarded_for ${chain}`, () => {
      w.directive('""', '$realip_remote_addr');
      w.directive('default', '"$http_x_forwarded_for, $realip_remote_addr"');
    });
    if (conf.proxyProtocolPort !== undefined) {
      // Through the PROXY protocol listener the load balancer passed TCP on and added no hop: the
      // chain is the client's own plus the client's address, as $proxy_add_x_forwarded_for makes it.
      w.block(`map $proxy_protocol_addr ${TRAFFIC_VARS.forwardedFor}`, () => {
        w.directive('""', chain);
        w.directive('default', '$proxy_add_x_forwarded_for');
      });
    }
  }
  w.block(`map $http_host ${TRAFFIC_VARS.host}`, () => {
    w.directive('default', '$http_host');
    w.directive('""', '$host');
  });
  w.block(`map $http_host ${TRAFFIC_VARS.hostPort}`, () => {
    w.directive('default', '""');
    w.directive('"~:([0-9]+)$"', '$1');
  });
  w.block(`map "${TRAFFIC_VARS.hostPort}/${proto}" ${TRAFFIC_VARS.forwardedPort}`, () => {
    w.directive('default', '80');
    w.directive('"~^([0-9]+)/"', '$1');
    w.directive('/https', '443');
  });
  conf.routes.forEach((r, i) => {
    if (r.kind === 'proxy' && r.stripPrefix) {
      w.block(`map $request_uri ${strippedUriVar(i)}`, () => {
        // Anything else (an encoded prefix, "//api/") is refused with 400 by the location.
        w.directive('default', '""');
        w.directive(`"~^${literalRegex(r.path.replace(/\/$/, ''))}(/.*)$"`, '$1');
      });
    }
  });
  w.blank();
}

/**
 * A value of only valid UTF-8 (bytes, as nginx's PCRE matches without its UTF mode): ASCII, then
 * the well-formed multi-byte sequences of RFC 3629 (no overlongs, no surrogates, nothing past U+10FFFF).
 */
const VALID_UTF8 = '^(?:[\\x00-\\x7F]|[\\xC2-\\xDF][\\x80-\\xBF]|\\xE0[\\xA0-\\xBF][\\x80-\\xBF]|[\\xE1-\\xEC\\xEE\\xEF][\\x80-\\xBF]{2}'
  + '|\\xED[\\x80-\\x9F][\\x80-\\xBF]|\\xF0[\\x90-\\xBF][\\x80-\\xBF]{2}|[\\xF1-\\xF3][\\x80-\\xBF]{3}|\\xF4[\\x80-\\x8F][\\x80-\\xBF]{2})*$';

/** What the JSON log writes for a client's value that is not valid UTF-8. */
export const NOT_UTF8 = '(not UTF-8)';

/** The fields of the JSON log a client writes freely, and the variables that hold them only when they are valid UTF-8. */
const CLIENT_FIELDS = [['$request_uri', '$sidecar_log_path'], ['$http_referer', '$sidecar_log_referer'], ['$http_user_agent', '$sidecar_log_user_agent']];

/**
 * `escape=json` escapes quotes, backslashes and control bytes but passes bytes of 0x80 and above
 * through, so a client's invalid UTF-8 (E9 FF in User-Agent) would make the line invalid JSON text.
 * These maps pass a value on only when it is valid UTF-8 (an ASCII one at the first, cheap test).
 */
function renderLogMaps(w: ConfWriter): void {
  for (const [source, target] of CLIENT_FIELDS) {
    w.block(`map ${source} ${target}`, () => {
      // (nginx tries no regex on an empty value: that one is a key of its own)
      w.directive('""', '""');
      w.directive('"~^[\\x00-\\x7F]*$"', source);
      w.directive(`"~${VALID_UTF8}"`, source);
      w.directive('default', `"${NOT_UTF8}"`);
    });
  }
}

/** The access log: JSON lines by default, or the text format the sidecar wrote before. */
export function renderAccessLog(w: ConfWriter, conf: NginxConfModel): void {
  if (conf.accessLog === 'off') {
    w.directive('access_log', 'off');
    return;
  }
  if (conf.accessLog === 'text') {
    w.directive('log_format', 'sidecar',
      '\'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent \'',
      '\'"$http_referer" "$http_user_agent" $request_time $upstream_cache_status\'');
  } else {
    // escape=json escapes each value; numbers nginx always sets are written bare, the rest as strings;
    // what a client writes freely, only when it is valid UTF-8.
    renderLogMaps(w);
    w.directive('log_format', 'sidecar', 'escape=json',
      '\'{"time":"$time_iso8601","remote_addr":"$remote_addr","method":"$request_method",\'',
      '\'"path":"$sidecar_log_path","protocol":"$server_protocol","status":$status,"bytes":$body_bytes_sent,\'',
      '\'"request_time":$request_time,"upstream_response_time":"$upstream_response_time",\'',
      '\'"upstream_status":"$upstream_status","cache_status":"$upstream_cache_status",\'',
      `'"request_id":"${TRAFFIC_VARS.requestId}","referer":"$sidecar_log_referer","user_agent":"$sidecar_log_user_agent"${hasLimits(conf)
        ? ',"limit_req":"$limit_req_status","limit_conn":"$limit_conn_status"' : ''}${conf.trustedProxies
        // remote_addr is the client's: which proxy it came through.
        ? ',"peer_addr":"$realip_remote_addr"' : ''}}'`);
  }
  // Buffered: one write per 64 KiB or per second instead of one per request (measured: the
  // per-request write was a third of a cache hit's syscalls).
  w.directive('access_log', '/dev/stdout', 'sidecar', 'buffer=64k', 'flush=1s');
}

/**
 * Room for 16 KiB of response headers (big cookies, CSP, tokens): `proxy_buffer_size` holds the
 * upstream's headers, and nginx refuses to start unless `proxy_busy_buffers_size` is at least it and
 * below all `proxy_buffers` but one. A route that sets its own must keep the three consistent.
 */
export function renderProxyBuffers(w: ConfWriter, conf: NginxConfModel): void {
  if (!conf.routes.some((r) => r.kind === 'proxy')) {
    return;
  }
  w.directive('proxy_buffer_size', '32k');
  w.directive('proxy_buffers', '8', '8k');
  w.directive('proxy_busy_buffers_size', '32k');
  w.blank();
}

/**
 * The client's address from trusted proxies: a request from one of them takes the rightmost address
 * of its X-Forwarded-For that is not itself trusted (each proxy appends the peer it saw); any other
 * keeps the address that connected. `$remote_addr` (log, X-Real-IP) follows; `$realip_remote_addr`
 * keeps the peer.
 */
function renderRealIp(w: ConfWriter, conf: NginxConfModel): void {
  if (!conf.trustedProxies) {
    return;
  }
  for (const range of conf.trustedProxies) {
    w.directive('set_real_ip_from', range);
  }
  w.directive('real_ip_header', 'X-Forwarded-For');
  w.directive('real_ip_recursive', 'on');
}
