import { invalid } from '../../errors';
import { LimitsModel } from '../../nginx/model';
import { checkInt } from '../../nginx/tokens';
import { optionsObject } from '../prop-values';

/**
 * Per-client limits, counted by the client's address (`clientAddress` makes it the real client's
 * behind proxies). A request over a limit gets 429 with `Retry-After`; the app never sees it. The
 * health endpoint is never limited.
 */
export interface ClientLimitsOptions {
  /**
   * Requests a second each client address may make, on average.
   * @default - no request rate limit (unless requestsPerMinute)
   */
  readonly requestsPerSecond?: number;
  /**
   * Requests a minute each client address may make, on average: for a tight limit such as a login
   * route's. Not with requestsPerSecond.
   * @default - no request rate limit (unless requestsPerSecond)
   */
  readonly requestsPerMinute?: number;
  /**
   * Requests a client may make at once above the rate before it gets 429 (answered at once, not
   * delayed): a browser loading a page asks for its assets together.
   * @default - the rate's own count (one second's, or one minute's, worth)
   */
  readonly burst?: number;
  /**
   * Requests each client address may have in progress at once.
   * @default - no limit
   */
  readonly connections?: number;
}

/** `limits` (sidecar-wide as `clientLimits`, or a route's), checked; undefined without it. */
export function resolveClientLimits(field: string, value: ClientLimitsOptions | undefined): LimitsModel | undefined {
  if (value === undefined) {
    return undefined;
  }
  const o = optionsObject(field, value);
  if (o.requestsPerSecond !== undefined && o.requestsPerMinute !== undefined) {
    throw invalid(`${field}.requestsPerMinute`, o.requestsPerMinute, 'is set beside requestsPerSecond: give one rate');
  }
  const perSecond = o.requestsPerSecond === undefined ? undefined : checkInt(`${field}.requestsPerSecond`, o.requestsPerSecond, 1, 100000);
  const perMinute = o.requestsPerMinute === undefined ? undefined : checkInt(`${field}.requestsPerMinute`, o.requestsPerMinute, 1, 100000);
  const rate = perSecond !== undefined ? { count: perSecond, unit: 's' as const } : perMinute !== undefined ? { count: perMinute, unit: 'm' as const } : undefined;
  if (o.burst !== undefined && !rate) {
    throw invalid(`${field}.burst`, o.burst, 'is set, but no rate (requestsPerSecond or requestsPerMinute): nothing to burst over');
  }
  const connections = o.connections === undefined ? undefined : checkInt(`${field}.connections`, o.connections, 1, 65535);
  if (!rate && connections === undefined) {
    throw invalid(field, value, 'limits nothing: give requestsPerSecond, requestsPerMinute or connections');
  }
  return {
    rate: rate && { ...rate, burst: o.burst === undefined ? rate.count : checkInt(`${field}.burst`, o.burst, 0, 100000) },
    connections,
  };
}
