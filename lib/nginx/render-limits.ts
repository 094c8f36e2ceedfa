import { ConfWriter } from './conf-writer';
import { LimitsModel, NginxConfModel, RouteModel } from './model';

/**
 * Per-client limits: a request-rate zone for the sidecar-wide limits and one for each route with
 * its own (counted apart), one connection zone, all keyed by the client's address; 429 with
 * Retry-After over a limit.
 */

const ZONE_MIB = 1;
const SHARED_REQ_ZONE = 'sidecar_req';
const CONN_ZONE = 'sidecar_conn';

const routeLimits = (r: RouteModel): LimitsModel | undefined => (r.kind === 'proxy' ? r.limits : undefined);

/** Whether anything is limited: then the zones, the 429 status and the log fields are rendered. */
export function hasLimits(conf: NginxConfModel): boolean {
  return conf.limits !== undefined || conf.routes.some((r) => routeLimits(r) !== undefined);
}

/** Seconds until a client over `limits` may try again: the time one request's share takes. */
function retryAfter(limits: LimitsModel): number {
  return limits.rate ? Math.max(1, Math.ceil((limits.rate.unit === 'm' ? 60 : 1) / limits.rate.count)) : 1;
}

const retryVar = (seconds: number) => `$sidecar_retry_after_${seconds}`;

/** The http level: the zones (1 MiB each: about 8,000 clients' 128-byte states at once on 64-bit), 429, Retry-After maps. */
export function renderLimitZones(w: ConfWriter, conf: NginxConfModel): void {
  // 429 for any limit, the sidecar's own or one added by hand.
  w.directive('limit_req_status', '429');
  w.directive('limit_conn_status', '429');
  if (!hasLimits(conf)) {
    return;
  }
  const rate = (l: LimitsModel) => `rate=${l.rate!.count}r/${l.rate!.unit}`;
  if (conf.limits?.rate) {
    w.directive('limit_req_zone', '$binary_remote_addr', `zone=${SHARED_REQ_ZONE}:${ZONE_MIB}m`, rate(conf.limits));
  }
  conf.routes.forEach((r, i) => {
    const l = routeLimits(r);
    if (l?.rate) {
      w.directive('limit_req_zone', '$binary_remote_addr', `zone=${routeZone(i)}:${ZONE_MIB}m`, rate(l));
    }
  });
  const all = [conf.limits, ...conf.routes.map(routeLimits)].filter((l): l is LimitsModel => l !== undefined);
  if (all.some((l) => l.connections !== undefined)) {
    w.directive('limit_conn_zone', '$binary_remote_addr', `zone=${CONN_ZONE}:${ZONE_MIB}m`);
  }
  for (const seconds of [...new Set(all.map(retryAfter))].sort((a, b) => a - b)) {
    // Only nginx's own 429: an app's 429 keeps its own Retry-After, never a second one.
    w.block(`map "$limit_req_status:$limit_conn_status" ${retryVar(seconds)}`, () => {
      w.directive('default', '""');
      w.directive('~REJECTED', String(seconds));
    });
  }
  w.blank();
}

const routeZone = (index: number) => `sidecar_req_route${index}`;

/** Inside a route's location (and its upgrade location): its own limits, else the sidecar-wide ones. */
export function renderLocationLimits(w: ConfWriter, conf: NginxConfModel, route: RouteModel, index: number): void {
  const own = routeLimits(route);
  const limits = own ?? conf.limits;
  if (!limits) {
    return;
  }
  if (limits.rate) {
    const zone = `zone=${own ? routeZone(index) : SHARED_REQ_ZONE}`;
    // A burst is served at once (nodelay), not spread over time; nginx refuses "burst=0": no burst is none.
    if (limits.rate.burst > 0) {
      w.directive('limit_req', zone, `burst=${limits.rate.burst}`, 'nodelay');
    } else {
      w.directive('limit_req', zone);
    }
  }
  if (limits.connections !== undefined) {
    w.directive('limit_conn', CONN_ZONE, String(limits.connections));
  }
  w.directive('add_header', 'Retry-After', retryVar(retryAfter(limits)), 'always');
}
