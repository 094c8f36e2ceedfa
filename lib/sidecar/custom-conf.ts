import { invalid } from '../errors';
import { SIDECAR_ENDPOINTS } from '../nginx/model';
import { yamlUnsafeCharacter } from '../k8s/yaml-text';
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
  const text = conf.replace(/#[^\n]*/g, '');
  const listen = new RegExp(`(^|[\\s;{}])listen\\s+(\\S*:)?${port}(\\s|;)`);
  if (!listen.test(text)) {
    throw invalid('nginxConf', summary(conf), `has no "listen ${port};": the probes and the Service reach nginx on port ${port}`);
  }
  if (tlsPort !== undefined && !new RegExp(`(^|[\\s;{}])listen\\s+(\\S*:)?${tlsPort}\\s+ssl`).test(text)) {
    throw invalid('nginxConf', summary(conf), `has no "listen ${tlsPort} ssl;": tls serves HTTPS on port ${tlsPort}, `
      + `with the certificate at ${LAYOUT.tlsDir}/tls.crt and its key at ${LAYOUT.tlsDir}/tls.key`);
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

function summary(conf: string): string {
  const first = conf.trim().split('\n')[0];
  return first.length > 60 ? `${first.slice(0, 60)}...` : first;
}
