import { invalid } from '../errors';
import { SIDECAR_ENDPOINTS } from '../nginx/model';
import { yamlUnsafeCharacter } from '../k8s/yaml-text';
import { checkListen, withoutComments } from './custom-conf-listen';
import { LAYOUT } from './layout';

/**
 * Checks a user's own nginx.conf for what the pod needs of it, as far as text can tell (nginx -t in
 * the validation plugin checks the rest): a `listen` on the sidecar's port (the probes and the
 * Service reach it there), a location for the health endpoint (else the pod never becomes ready),
 * and the pid file in the writable emptyDir (the root is read-only).
 */
export function checkCustomConf(conf: unknown, port: number, tlsPort?: number): string | undefined {
  if (conf === undefined) {
    return undefined;
  }
  if (typeof conf !== 'string' || conf.trim() === '') {
    throw invalid('nginxConf', conf, 'is empty');
  }
  const bad = yamlUnsafeCharacter(conf);
  if (bad) {
    throw invalid('nginxConf', `${conf.slice(0, 40)}...`, `holds ${bad}; nginx.conf must be printable text (tabs and newlines allowed)`);
  }
  // Comments do not count.
  const text = withoutComments(conf);
  checkListen(summary(conf), text, port, false, `the probes and the Service reach nginx on port ${port}`);
  if (tlsPort !== undefined) {
    checkListen(summary(conf), text, tlsPort, true, `tls serves HTTPS on port ${tlsPort}, with the certificate at ${LAYOUT.tlsDir}/tls.crt `
      + `and its key at ${LAYOUT.tlsDir}/tls.key`);
  }
  const health = new RegExp(`(^|[\\s;{}])location\\s+(=\\s*)?"?${SIDECAR_ENDPOINTS.health}"?\\s*\\{`);
  if (!health.test(text)) {
    throw invalid('nginxConf', summary(conf), `has no "location = ${SIDECAR_ENDPOINTS.health}": the probes ask there, `
      + 'and the pod would never become ready');
  }
  const pid = /(^|[\s;{}])pid\s+"?([^";\s]+)"?\s*;/.exec(text);
  if (!pid || !pid[2].startsWith(`${LAYOUT.varDir}/`)) {
    throw invalid('nginxConf', summary(conf), `must set "pid ${LAYOUT.varDir}/nginx.pid;": the root is read-only, `
      + `and ${LAYOUT.varDir} is the writable emptyDir`);
  }
  return conf;
}

/**
 * Props that only change the rendered nginx.conf: with your own `nginxConf` they would be taken and
 * ignored, so each is refused, with what to do instead. (`metrics` is refused by its own check; static
 * and file routes still mount their files, which your config may serve; the error page is written.)
 */
const RENDER_ONLY: ReadonlyArray<readonly [string, (p: Record<string, any>) => unknown]> = [
  ['tls.hsts', (p) => p.tls?.hsts], ['tls.http2MaxConcurrentStreams', (p) => p.tls?.http2MaxConcurrentStreams], ['tls.redirectHttp', (p) => p.tls?.redirectHttp], ['tls.redirectPort', (p) => p.tls?.redirectPort],
  ['accessLog', (p) => p.accessLog], ['accessLogFormat', (p) => p.accessLogFormat], ['gzip', (p) => p.gzip], ['cache', (p) => p.cache],
  ['responseHeaders', (p) => p.responseHeaders], ['workerConnections', (p) => p.workerConnections],
  ['upstreamKeepalive', (p) => p.upstreamKeepalive], ['clientMaxBodySize', (p) => p.clientMaxBodySize],
  ['trustForwardedProto', (p) => p.trustForwardedProto], ['clientAddress', (p) => p.clientAddress],
  ['clientTimeouts', (p) => p.clientTimeouts], ['clientLimits', (p) => p.clientLimits], ['ipv6', (p) => p.ipv6], ['access', (p) => p.access],
];

/** With `nginxConf`: refuses a prop that only the rendered nginx.conf would use. */
export function checkRenderOnlyProps(props: object): void {
  if ((props as { nginxConf?: unknown }).nginxConf === undefined) {
    return;
  }
  for (const [field, read] of RENDER_ONLY) {
    const value: any = read(props as Record<string, any>);
    if (value !== undefined) {
      // A Duration or Size as it reads ("1 day", "1Mi"), not as its fields.
      const shown = typeof value?.toHumanString === 'function' ? value.toHumanString() : typeof value?.asString === 'function' ? value.asString() : value;
      throw invalid(field, shown, 'only changes the rendered nginx.conf, and nginxConf replaces it: write it into your nginx.conf instead');
    }
  }
}

/** With `nginxConf`: a route or directive that only the rendered nginx.conf would use (`what` names it). */
export function renderOnlyError(field: string, what: unknown): Error {
  return invalid(field, what, 'only changes the rendered nginx.conf, and nginxConf replaces it: write it into your nginx.conf instead');
}

function summary(conf: string): string {
  const first = conf.trim().split('\n')[0];
  return first.length > 60 ? `${first.slice(0, 60)}...` : first;
}
