import { ApiObject, Chart, ChartProps, Duration, Include } from 'cdk8s';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';

/** Where the example's files are, relative to the project root (where synth runs). */
const HERE = 'apps/alertmanager';

/**
 * Prometheus AlertManager from the chart's objects (loaded with Include), with the nginx sidecar in
 * front: gzip, caching of the UI's static assets only, `/script.js` overridden from a ConfigMap,
 * and the Service moved from 9093 to the sidecar's 8080 (`nginx-http`).
 */
export class AlertmanagerChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props });

    const chart = new Include(this, 'chart', { url: `${HERE}/chart/alertmanager.yaml` });
    const find = (kind: string, name: string): ApiObject => {
      const found = chart.apiObjects.find((o) => o.kind === kind && o.name === name);
      if (!found) {
        throw new Error(`${HERE}/chart/alertmanager.yaml has no ${kind} "${name}"`);
      }
      return found;
    };

    const sidecar = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromApiObject(find('StatefulSet', 'monitor-alertmanager')),
      // The alertmanager container also declares its cluster port (9094), so name the app's port.
      appPort: 9093,
      routes: [
        Route.file('/script.js', { path: `${HERE}/overrides/script.js` }),
        // The API and the health/reload endpoints are live data: never cached.
        Route.proxy('/api/'),
        Route.proxy('/-/'),
        // The UI's static assets. AlertManager marks them no-store, so caching them is an explicit choice.
        Route.proxy('/lib/', { cache: { validFor: Duration.hours(1), ignoreUpstreamCacheHeaders: true } }),
        Route.proxy('/favicon.ico', { cache: { validFor: Duration.hours(1), ignoreUpstreamCacheHeaders: true } }),
        // Everything else (index.html, /metrics, ...) goes through uncached.
        Route.proxy('/'),
      ],
    });

    sidecar.retargetService(find('Service', 'monitor-alertmanager'), { fromPort: 9093 });
  }
}
