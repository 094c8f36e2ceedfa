import { ConfWriter } from './conf-writer';
import { ERROR_PAGE_CODES, NginxConfModel, SIDECAR_ENDPOINTS } from './model';
import { PROXY_PROTOCOL, renderListen } from './render-listen';
import { renderRoute, renderSidecarEndpoints } from './render-location';
import { renderDirectives } from './render-shared';
import { httpsConf, plainConf, renderRedirect, renderTlsListener, renderTrustedRedirect } from './render-tls';

/**
 * The server blocks: the plain listener, with TLS the HTTPS one, and the PROXY protocol one (HTTPS
 * with TLS). Each serves the same body (the sidecar's endpoints and every route); with
 * `redirectPort` the plain one keeps only the health endpoint and redirects the rest, unless a
 * trusted X-Forwarded-Proto says the client used HTTPS.
 */
export function renderServers(w: ConfWriter, conf: NginxConfModel): void {
  const tls = conf.tls;
  w.block('server', () => {
    renderListen(w, conf.ipv6, conf.listenPort);
    w.directive('server_name', '_');
    if (tls?.redirectPort !== undefined && conf.trustForwardedProto) {
      renderTrustedRedirect(w, tls.redirectPort);
    } else if (tls?.redirectPort !== undefined) {
      renderSidecarEndpoints(w, conf);
      w.blank();
      renderRedirect(w, tls.redirectPort);
      return;
    }
    renderServerBody(w, plainConf(conf));
  });
  if (tls) {
    w.blank();
    w.block('server', () => {
      renderTlsListener(w, tls, conf.ipv6);
      renderServerBody(w, httpsConf(conf));
    });
  }
  const proxyPort = conf.proxyProtocolPort;
  if (proxyPort !== undefined) {
    w.blank();
    w.block('server', () => {
      if (tls) {
        renderTlsListener(w, tls, conf.ipv6, proxyPort, [PROXY_PROTOCOL]);
      } else {
        renderListen(w, conf.ipv6, proxyPort, [PROXY_PROTOCOL]);
        w.directive('server_name', '_');
      }
      // The client's address is the PROXY header's, from the trusted proxies only (set_real_ip_from).
      w.directive('real_ip_header', PROXY_PROTOCOL);
      renderServerBody(w, tls ? httpsConf(conf) : conf);
    });
  }
}

/** What both listeners serve: the error page, the server-level directives, the sidecar's endpoints and the routes. */
function renderServerBody(w: ConfWriter, conf: NginxConfModel): void {
  w.directive('error_page', ...ERROR_PAGE_CODES.map(String), SIDECAR_ENDPOINTS.errorPage);
  renderDirectives(w, conf.serverDirectives);
  w.blank();
  renderSidecarEndpoints(w, conf);
  conf.routes.forEach((route, index) => {
    w.blank();
    renderRoute(w, conf, route, index);
  });
}
