/**
 * Metrics for Prometheus: nginx's `stub_status` on a listener only the pod reaches, and optionally
 * the NGINX Prometheus exporter as a second small container that turns it into `/metrics`.
 */
export interface MetricsOptions {
  /**
   * The port of the `stub_status` listener. It binds 127.0.0.1 only, so only containers of the pod
   * (the exporter) reach it; it is never a container port, and never the Service's.
   * @default 8081
   */
  readonly statusPort?: number;
  /**
   * Add the NGINX Prometheus exporter as a second container (pinned image, non-root, read-only
   * root, 10m/100m CPU, 16Mi/48Mi memory, probes on its `/metrics`). It runs the way nginx runs:
   * as a native sidecar when nginx is one, else as a container of the pod.
   * @default false - only the `stub_status` listener
   */
  readonly exporter?: boolean;
  /**
   * The exporter's image, pinned. Its entrypoint must take `--nginx.scrape-uri` and
   * `--web.listen-address` (the exporter's flags since 0.x).
   * @default ReverseProxySidecar.DEFAULT_EXPORTER_IMAGE
   */
  readonly exporterImage?: string;
  /**
   * The port the exporter serves `/metrics` on, on every address of the pod.
   * @default 9113
   */
  readonly exporterPort?: number;
  /**
   * The name of the exporter's container port, for a PodMonitor or a Service.
   * @default 'metrics'
   */
  readonly exporterPortName?: string;
}
