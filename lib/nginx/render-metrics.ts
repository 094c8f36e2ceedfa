import { ConfWriter } from './conf-writer';
import { NginxConfModel, SIDECAR_ENDPOINTS } from './model';

/**
 * The status listener: `stub_status` in a server of its own on 127.0.0.1, so only containers of the
 * pod (the exporter) reach it; the Service-facing server has no such location. Nothing else is
 * served there, and nothing is logged (the exporter scrapes it on every Prometheus scrape).
 */
export function renderStatusServer(w: ConfWriter, conf: NginxConfModel): void {
  if (conf.statusPort === undefined) {
    return;
  }
  w.blank();
  w.block('server', () => {
    w.directive('listen', `127.0.0.1:${conf.statusPort}`);
    w.directive('server_name', '_');
    w.directive('access_log', 'off');
    w.block(`location = ${SIDECAR_ENDPOINTS.stubStatus}`, () => {
      w.directive('stub_status');
    });
    w.block('location /', () => {
      w.directive('return', '404');
    });
  });
}
