import * as path from 'path';
import { ImageMapping } from './pod-sandbox';

const ROOT = path.join(__dirname, '..', '..');

/** Where the AlertManager image would have its UI; Debian's build reads it from --web.ui-path. */
const AM_UI = '/usr/share/prometheus/alertmanager/ui';

/**
 * The images the tests run, mapped to Debian's binaries and this repository's sources, with the
 * USER and STOPSIGNAL each real image declares.
 */
export const EXAMPLE_IMAGES: Record<string, ImageMapping> = {
  // The nginx images stop with SIGQUIT: a graceful quit.
  'nginxinc/nginx-unprivileged': { entrypoint: ['nginx', '-g', 'daemon off;'], user: 101, stopSignal: 'SIGQUIT' },
  'flask-hello': {
    entrypoint: ['gunicorn', '-c', 'gunicorn.conf.py', 'hello:app'],
    files: [{ hostPath: path.join(ROOT, 'apps', 'flask-hello', 'app'), mountPath: '/app' }],
    user: 10001,
  },
  'quay.io/prometheus/alertmanager': {
    entrypoint: ['prometheus-alertmanager'],
    extraArgs: [`--web.ui-path=${AM_UI}/`],
    files: [{ hostPath: path.join(ROOT, 'test', 'fixtures', 'alertmanager-ui'), mountPath: AM_UI }],
    user: 65534,
  },
  // NGINX's Prometheus exporter. The image (1.5.1) parses flags with kingpin, Debian bookworm's
  // prometheus-nginx-exporter (0.11.0) with Go's flag package, which accepts one or two dashes: the
  // sidecar's `--nginx.scrape-uri=...` and `--web.listen-address=...` reach both unchanged. 0.11
  // checks nginx once at start and exits if it is not up yet (1.x starts anyway and reports
  // nginx_up 0); a kubelet restarts such a container, this runner does not, so 0.11 retries here.
  // The image is FROM scratch with USER 1001:1001 and a static binary.
  'nginx/nginx-prometheus-exporter': {
    entrypoint: ['prometheus-nginx-exporter'],
    extraArgs: ['--nginx.retries=40', '--nginx.retry-interval=250ms'],
    user: 1001,
  },
  // A small Flask app with slow, counting and error endpoints (test/fixtures/test-app).
  'sidecar-test-app': {
    entrypoint: ['gunicorn', '--bind', '0.0.0.0:5000', '--worker-class', 'gthread', '--threads', '16',
      '--worker-tmp-dir', '/tmp', '--graceful-timeout', '20', 'app:app'],
    files: [{ hostPath: path.join(ROOT, 'test', 'fixtures', 'test-app'), mountPath: '/app' }],
    user: 10001,
  },
  // The probe app of the traffic tests (test/fixtures/traffic-app): echo, streams, big headers,
  // redirects, ranges and a WebSocket echo on gunicorn's socket.
  'sidecar-traffic-app': {
    entrypoint: ['gunicorn', '--bind', '0.0.0.0:5000', '--worker-class', 'gthread', '--threads', '32',
      '--worker-tmp-dir', '/tmp', '--graceful-timeout', '5', 'app:application'],
    files: [{ hostPath: path.join(ROOT, 'test', 'fixtures', 'traffic-app'), mountPath: '/app' }],
    user: 10001,
  },
};
