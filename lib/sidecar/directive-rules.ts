import { invalid } from '../errors';
import { TLS_SERVER_DIRECTIVES } from '../nginx/render-tls';
import { renderOnlyError } from './custom-conf';
import { Directive, DirectiveContext } from './directive';

/**
 * Which extra directives may go where. nginx refuses a directive in the wrong context, or one the
 * sidecar already renders there ("is duplicate"), only at `nginx -t`; a directive that repeats a
 * header sends it twice. These tables refuse them when the directive is added, naming the option
 * to use instead. Anything not listed is left to nginx -t (the validation plugin runs it).
 */

/** Directives of the main and events contexts, which the sidecar renders itself. */
const MAIN_ONLY: Record<string, string> = Object.fromEntries([
  'worker_processes', 'worker_rlimit_nofile', 'pid', 'daemon', 'user', 'load_module', 'env', 'pcre_jit', 'thread_pool',
  'timer_resolution', 'worker_priority', 'worker_cpu_affinity', 'worker_shutdown_timeout', 'lock_file', 'master_process',
  'ssl_engine', 'accept_mutex', 'accept_mutex_delay', 'multi_accept', 'use', 'worker_aio_requests', 'debug_connection',
  'worker_connections',
].map((d) => [d, 'belongs to the main or events context, which the sidecar renders itself'
  + (d === 'worker_connections' ? '; use workerConnections' : d === 'worker_processes' ? '; it follows resources.cpuLimitMillicores' : '')]));

/** Directives only the http context takes. */
const HTTP_ONLY = ['proxy_cache_path', 'log_format', 'limit_req_zone', 'limit_conn_zone', 'variables_hash_max_size',
  'variables_hash_bucket_size', 'server_names_hash_max_size', 'server_names_hash_bucket_size', 'map_hash_max_size',
  'map_hash_bucket_size', 'proxy_headers_hash_max_size', 'proxy_headers_hash_bucket_size'];

/** Directives only a location takes. */
const LOCATION_ONLY = ['alias', 'internal', 'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass'];

/** What the sidecar renders at the http level, and the option that sets it. */
const HTTP_RENDERED: Record<string, string> = {
  include: 'the sidecar includes mime.types itself',
  sendfile: 'the sidecar sets it', tcp_nopush: 'the sidecar sets it', keepalive_timeout: 'use clientTimeouts.keepalive',
  client_header_timeout: 'use clientTimeouts.header', client_body_timeout: 'use clientTimeouts.body', send_timeout: 'use clientTimeouts.send',
  reset_timedout_connection: 'the sidecar turns it on',
  limit_req_status: 'the sidecar answers 429 over a limit', limit_conn_status: 'the sidecar answers 429 over a limit',
  open_file_cache: 'the sidecar sets it',
  proxy_buffer_size: 'the sidecar sizes it for 16 KiB of response headers; set it in a route\'s directives',
  proxy_buffers: 'the sidecar sizes them for 16 KiB of response headers; set them in a route\'s directives',
  proxy_busy_buffers_size: 'the sidecar sizes it for 16 KiB of response headers; set it in a route\'s directives',
  default_type: 'the sidecar sets it',
  server_tokens: 'the sidecar turns it off',
  client_max_body_size: 'use clientMaxBodySize',
  absolute_redirect: 'the sidecar keeps redirects relative',
  access_log: 'use accessLog',
  gzip: 'use gzip', gzip_comp_level: 'use gzip.level', gzip_min_length: 'use gzip.minLength', gzip_types: 'use gzip.types',
  gzip_proxied: 'the sidecar compresses for proxies too', gzip_vary: 'the sidecar sends Vary: Accept-Encoding',
  gzip_disable: 'the sidecar sets it',
  client_body_temp_path: 'the sidecar keeps temp files in its emptyDir', proxy_temp_path: 'the sidecar keeps temp files in its emptyDir',
  fastcgi_temp_path: 'the sidecar keeps temp files in its emptyDir', uwsgi_temp_path: 'the sidecar keeps temp files in its emptyDir',
  scgi_temp_path: 'the sidecar keeps temp files in its emptyDir',
};

/** What the sidecar renders in its server block. */
const SERVER_RENDERED: Record<string, string> = {
  listen: 'use port', server_name: 'the sidecar answers every name',
  error_page: 'the sidecar answers 500 to 504 with its error page; use errorPage',
};

/** The real client address has one way in, so that X-Real-IP and X-Forwarded-For to the app follow it. */
const CLIENT_ADDRESS: Record<string, string> = Object.fromEntries(['set_real_ip_from', 'real_ip_header', 'real_ip_recursive']
  .map((d) => [d, 'use clientAddress.trustedProxies: the sidecar then renders the real address and sends it on in X-Real-IP and X-Forwarded-For']));

/** HTTP/2's stream bound is the HTTPS server's own. */
const HTTP2_STREAMS: Record<string, string> = { http2_max_concurrent_streams: 'use tls.http2MaxConcurrentStreams' };

/** Response headers have one way in, so that a name is never sent twice. */
const HEADERS = { add_header: 'use responseHeaders or a route\'s headers (a route\'s header replaces the sidecar-wide one of that name)' };

/** Directives every route renders or owns, and the option to use. */
export const ROUTE_RENDERED: Record<string, string> = { ...HEADERS };

function refuse(field: string, name: string, table: Record<string, string>): void {
  if (Object.prototype.hasOwnProperty.call(table, name)) {
    throw invalid(field, name, table[name]);
  }
}

/** With `tls`: what the HTTPS server sets itself, which would override an http-level one or clash with a server-level one. */
const TLS_RENDERED: Record<string, string> = Object.fromEntries(TLS_SERVER_DIRECTIVES.map((d) => [d, 'is set by the HTTPS server (tls) '
  + 'itself: at the http level it would be overridden there, at the server level nginx refuses a duplicate. The HTTPS server offers '
  + 'TLS 1.2 and 1.3 with ECDHE AEAD suites and Mozilla\'s intermediate groups']));

/**
 * With `tls`, the ssl_* directives that may be added: OCSP stapling, client certificates, the record
 * size, early data. Any other (`ssl_conf_command` can undo the key exchange groups,
 * `ssl_reject_handshake` takes HTTPS down, `ssl_dhparam` and `ssl_session_ticket_key` do nothing
 * beside the server's own settings) is refused.
 */
const TLS_ADDABLE = ['ssl_stapling', 'ssl_stapling_verify', 'ssl_stapling_file', 'ssl_stapling_responder', 'ssl_trusted_certificate',
  'ssl_ocsp', 'ssl_ocsp_cache', 'ssl_ocsp_responder', 'ssl_verify_client', 'ssl_verify_depth', 'ssl_client_certificate', 'ssl_crl',
  'ssl_buffer_size', 'ssl_early_data', 'ssl_handshake_timeout'];

/** Checks an extra directive for the http or server context (`tls`: the sidecar serves HTTPS). */
export function checkContextDirective(field: string, context: 'http' | 'server', name: string, tls = false): void {
  refuse(field, name, MAIN_ONLY);
  if (name === 'ssl') {
    throw invalid(field, name, 'would make the plain listener speak TLS (the probes speak plain HTTP); use tls');
  }
  if (tls) {
    refuse(field, name, TLS_RENDERED);
    if (name.startsWith('ssl_') && !TLS_ADDABLE.includes(name)) {
      throw invalid(field, name, `would change the HTTPS server (tls) beyond what it is tested with; of the ssl_* directives, add only `
        + `${TLS_ADDABLE.join(', ')}`);
    }
  }
  refuse(field, name, HEADERS);
  refuse(field, name, CLIENT_ADDRESS);
  refuse(field, name, HTTP2_STREAMS);
  if (context === 'http') {
    refuse(field, name, HTTP_RENDERED);
  } else {
    refuse(field, name, SERVER_RENDERED);
    if (HTTP_ONLY.includes(name)) {
      throw invalid(field, name, 'is valid only at the http level; use DirectiveContext.HTTP');
    }
  }
  if (LOCATION_ONLY.includes(name)) {
    throw invalid(field, name, 'is valid only inside a location; give it to a route\'s directives');
  }
}

/** Checks a route's extra directive: not another context's, and not one the route renders itself (`rendered`). */
export function checkRouteDirective(field: string, name: string, rendered: Record<string, string>): void {
  refuse(field, name, MAIN_ONLY);
  if (HTTP_ONLY.includes(name)) {
    throw invalid(field, name, 'is valid only at the http level; use addDirective(DirectiveContext.HTTP, ...)');
  }
  if (['listen', 'server_name'].includes(name)) {
    throw invalid(field, name, 'is valid only in the server block; use port');
  }
  refuse(field, name, CLIENT_ADDRESS);
  refuse(field, name, { ...ROUTE_RENDERED, ...rendered });
}

/**
 * Checks a directive given to `addDirective`: a real context and Directive, no header directive
 * (every location sets its own, so nginx would ignore an outer one), nothing another context or the
 * sidecar itself renders there (with `tls`, the HTTPS server's own), and none at all with `nginxConf`.
 */
export function checkAddedDirective(context: DirectiveContext, directive: Directive, sidecar: { tls: boolean; customConf: boolean }): void {
  if (!Object.values(DirectiveContext).includes(context)) {
    throw invalid('addDirective context', context, 'must be DirectiveContext.HTTP or DirectiveContext.SERVER');
  }
  if (typeof (directive as Partial<Directive> | undefined)?._toModel !== 'function') {
    throw invalid(`addDirective(${context}) directive`, directive, 'is not a Directive: make one with Directive.of(name, ...args)');
  }
  if (directive.name === 'add_header' || directive.name === 'proxy_set_header') {
    throw invalid(`addDirective(${context})`, directive.name, 'would be ignored in every location; use '
      + (directive.name === 'add_header' ? 'responseHeaders or a route\'s headers' : 'a proxy route\'s requestHeaders'));
  }
  checkContextDirective(`addDirective(${context})`, context, directive.name, sidecar.tls);
  if (sidecar.customConf) {
    throw renderOnlyError(`addDirective(${context})`, directive.name);
  }
}
