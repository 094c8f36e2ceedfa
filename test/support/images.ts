import * as path from 'path';
import { ImageMapping } from './pod-sandbox';

const ROOT = path.join(__dirname, '..', '..');

/** Where the AlertManager image would have its UI; Debian's build reads it from --web.ui-path. */
const AM_UI = '/usr/share/prometheus/alertmanager/ui';

/** The example images, mapped to Debian's binaries and this repository's sources. */
export const EXAMPLE_IMAGES: Record<string, ImageMapping> = {
  'nginxinc/nginx-unprivileged': { entrypoint: ['nginx', '-g', 'daemon off;'] },
  'flask-hello': {
    entrypoint: ['gunicorn', '-c', 'gunicorn.conf.py', 'hello:app'],
    files: [{ hostPath: path.join(ROOT, 'apps', 'flask-hello', 'app'), mountPath: '/app' }],
  },
  'quay.io/prometheus/alertmanager': {
    entrypoint: ['prometheus-alertmanager'],
    extraArgs: [`--web.ui-path=${AM_UI}/`],
    files: [{ hostPath: path.join(ROOT, 'test', 'fixtures', 'alertmanager-ui'), mountPath: AM_UI }],
  },
};
