/** Where things live in the nginx container. */
export const LAYOUT = {
  /** The writable emptyDir: pid file, temp paths and cache. */
  varDir: '/var/cache/nginx',
  /** The nginx.conf ConfigMap (with the error page). */
  confDir: '/etc/nginx/sidecar',
  /** Each static route's ConfigMap volume is mounted at `<staticDir>/<n>`. */
  staticDir: '/usr/share/nginx/html',
  /** The TLS Secret's volume (its `tls.crt` and `tls.key`), mounted whole so that rotations reach it. */
  tlsDir: '/etc/nginx/tls',
  /** Each basicAuth Secret's volume is mounted whole at `<authDir>/<secretName>`. */
  authDir: '/etc/nginx/auth',
  /** `mime.types` shipped by the image. */
  mimeTypes: '/etc/nginx/mime.types',
} as const;

/** The config ConfigMap's file names. */
export const CONFIG_FILES = {
  nginxConf: 'nginx.conf',
  errorPage: '50x.html',
} as const;

/** The keys of a `kubernetes.io/tls` Secret, each mounted as the file of the same name. */
export const TLS_FILES = {
  certificate: 'tls.crt',
  key: 'tls.key',
} as const;

/** The uid and gid of the nginx images (nginx-unprivileged and the official image's `nginx` user). */
export const NGINX_UID = 101;
