import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** A certificate and its private key, PEM. */
export interface TestCertificate {
  readonly certificate: Buffer;
  readonly key: Buffer;
}

/**
 * A throwaway self-signed certificate (P-256, valid one day) for `nginx -t` of a config that serves
 * TLS from a Secret volume: the Secret's own keys are never among the manifests, and nginx loads the
 * files it names while it tests. Made by the local `openssl` in `dir` (a temporary directory the
 * caller removes); undefined when openssl cannot be run.
 */
export function makeTestCertificate(dir: string, openssl: string = 'openssl'): TestCertificate | undefined {
  const key = path.join(dir, 'test.key');
  const certificate = path.join(dir, 'test.crt');
  const r = spawnSync(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=nginx-t.invalid', '-days', '1', '-keyout', key, '-out', certificate], { stdio: 'ignore', timeout: 20000 });
  if (r.error || r.status !== 0) {
    return undefined;
  }
  return { certificate: fs.readFileSync(certificate), key: fs.readFileSync(key) };
}

/**
 * Writes a Secret volume's files as nginx -t needs them: each item (or, without items, the keys of
 * a `kubernetes.io/tls` Secret) at its path, a key file (`*.key`) with the test key, any other with
 * the test certificate.
 */
export function writeSecretVolume(source: any, dir: string, cert: TestCertificate): void {
  const items: Array<{ key: string; path: string }> = Array.isArray(source?.items)
    ? source.items : ['tls.crt', 'tls.key', 'ca.crt'].map((key) => ({ key, path: key }));
  for (const item of items) {
    const file = path.join(dir, String(item.path));
    if (!file.startsWith(`${dir}${path.sep}`)) {
      continue; // the schema and the kubelet report these
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, String(item.key).endsWith('.key') ? cert.key : cert.certificate, { mode: 0o600 });
  }
}

/** A Secret volume laid out from data the caller gave (its `items`, or every key), as the kubelet would. */
export function writeGivenSecret(source: any, data: { [key: string]: string }, dir: string): void {
  const items: Array<{ key: string; path: string }> = Array.isArray(source?.items)
    ? source.items : Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of items) {
    const file = path.join(dir, String(item.path));
    if (!file.startsWith(`${dir}${path.sep}`) || data[item.key] === undefined) {
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data[item.key], { mode: 0o600 });
  }
}
