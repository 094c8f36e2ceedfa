/** The default image: the official unprivileged build (uid 101, port 8080), pinned. */
export const DEFAULT_IMAGE = 'nginxinc/nginx-unprivileged:1.30.1-alpine';

/** Text types compressed by default; text/html is always compressed by nginx. Never images. */
export const DEFAULT_GZIP_TYPES: string[] = Object.freeze([
  'text/css', 'text/plain', 'text/xml', 'text/javascript', 'application/javascript', 'application/json',
  'application/xml', 'application/rss+xml', 'application/atom+xml', 'application/manifest+json', 'image/svg+xml',
]) as string[];

/** The default metrics exporter: NGINX's Prometheus exporter, pinned. */
export const DEFAULT_EXPORTER_IMAGE = 'nginx/nginx-prometheus-exporter:1.5.1';
