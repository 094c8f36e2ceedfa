import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { K8sObject } from './manifests';

/** A throwaway CA and the server certificates it signs, in a temporary directory of the test's own. */
export class TestCa {
  public readonly dir: string;
  /** The CA's certificate, for `curl --cacert`. */
  public readonly caFile: string;
  private serial = 0;

  constructor(name = 'sidecar test CA') {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-ca-'));
    this.caFile = path.join(this.dir, 'ca.crt');
    this.openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', `/CN=${name}`, '-keyout', path.join(this.dir, 'ca.key'), '-out', this.caFile);
  }

  /**
   * A server certificate for `host` (and 127.0.0.1), signed by the CA, as a `kubernetes.io/tls`
   * Secret named `secretName`; `rsa` for an RSA key instead of P-256.
   */
  public secret(secretName: string, host: string, opts: { rsa?: boolean } = {}): K8sObject {
    const n = ++this.serial;
    const key = path.join(this.dir, `server-${n}.key`);
    const csr = path.join(this.dir, `server-${n}.csr`);
    const crt = path.join(this.dir, `server-${n}.crt`);
    const ext = path.join(this.dir, `server-${n}.ext`);
    fs.writeFileSync(ext, `subjectAltName=DNS:${host},IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    const keyArgs = opts.rsa ? ['rsa:2048'] : ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    this.openssl('req', '-newkey', ...keyArgs, '-nodes', '-subj', `/CN=${host}`, '-keyout', key, '-out', csr);
    this.openssl('x509', '-req', '-in', csr, '-CA', this.caFile, '-CAkey', path.join(this.dir, 'ca.key'),
      '-set_serial', String(1000 + n), '-days', '1', '-extfile', ext, '-out', crt);
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: secretName },
      data: { 'tls.crt': fs.readFileSync(crt).toString('base64'), 'tls.key': fs.readFileSync(key).toString('base64') },
    };
  }

  /** The serial number of a Secret's certificate, as openssl prints it (e.g. `03EA`). */
  public static serialOf(secret: K8sObject): string {
    const out = execFileSync('openssl', ['x509', '-noout', '-serial'], { input: Buffer.from(secret.data['tls.crt'], 'base64') }).toString();
    return out.trim().replace(/^serial=/, '');
  }

  public cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private openssl(...args: string[]): void {
    execFileSync('openssl', args, { stdio: 'ignore' });
  }
}
