import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { describeWithTools } from '../support/real-tools';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';

/**
 * The certificate reload loop's key-type check (class 13 of issue 17), as the container's `sh` runs
 * it, on certificates and keys openssl makes in every encoding a Secret may hold: the pair must be
 * of one type the HTTPS server can use (RSA, ECDSA, Ed25519), or nginx keeps its old certificate.
 */
describeWithTools(['openssl'], 'the reload loop\'s key-type check', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-key-types-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });

  /** The script of the nginx container's command, with a `tls` sidecar. */
  const script = (() => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')], tls: { secretName: 'web-tls' } });
    const spec = Testing.synth(chart).find((m) => m.kind === 'Deployment').spec.template.spec;
    return String(spec.initContainers.find((c: { name: string }) => c.name === 'nginx').command[2]);
  })();
  const keytype = script.slice(script.indexOf('keytype() {'), script.indexOf('\n}\n', script.indexOf('keytype() {')) + 2);

  /** What the loop's check says of a pair: the key type of each, and whether they may be loaded. */
  function check(crt: string, key: string): string {
    const r = spawnSync('sh', ['-c', `${keytype}\nc=\`keytype "$1"\`; k=\`keytype "$2"\`; `
      + 'if [ "$c" = "$k" ] && [ "$c" != unknown ]; then echo "$c ok"; else echo "$c/$k refused"; fi', 'check', file(crt), file(key)],
    { encoding: 'utf8' });
    return r.stdout.trim();
  }

  beforeAll(() => {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=ec', '-keyout', 'ec.key', '-out', 'ec.crt');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-days', '1', '-subj', '/CN=p384', '-keyout', 'p384.key', '-out', 'p384.crt');
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=rsa', '-keyout', 'rsa.key', '-out', 'rsa.crt');
    openssl('req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '1', '-subj', '/CN=ed', '-keyout', 'ed.key', '-out', 'ed.crt');
    openssl('rsa', '-in', 'rsa.key', '-traditional', '-out', 'rsa-pkcs1.key');
    openssl('ec', '-in', 'ec.key', '-out', 'ec-sec1.key');
    fs.writeFileSync(file('ec-params.key'), Buffer.concat([openssl('ecparam', '-name', 'prime256v1'), fs.readFileSync(file('ec-sec1.key'))]));
    // An ECDSA leaf signed by the RSA CA (its signature OID is RSA's), first in a chain file.
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=leaf', '-keyout', 'leaf.key', '-out', 'leaf.csr');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'rsa.crt', '-CAkey', 'rsa.key', '-set_serial', '7', '-days', '1', '-out', 'leaf.crt');
    fs.writeFileSync(file('chain.crt'), Buffer.concat([fs.readFileSync(file('leaf.crt')), fs.readFileSync(file('rsa.crt'))]));
    fs.writeFileSync(file('crlf.crt'), fs.readFileSync(file('ec.crt'), 'utf8').replace(/\n/g, '\r\n'));
    openssl('dsaparam', '-out', 'dsa.params', '1024');
    openssl('gendsa', '-out', 'dsa.key', 'dsa.params');
    openssl('req', '-x509', '-key', 'dsa.key', '-days', '1', '-subj', '/CN=dsa', '-out', 'dsa.crt');
    fs.writeFileSync(file('empty'), '');
    fs.writeFileSync(file('garbage'), 'not a PEM file\n');
  });

  test.each([
    ['ECDSA P-256, PKCS#8 key', 'ec.crt', 'ec.key', 'ec ok'],
    ['ECDSA P-384', 'p384.crt', 'p384.key', 'ec ok'],
    ['ECDSA, SEC1 key', 'ec.crt', 'ec-sec1.key', 'ec ok'],
    ['ECDSA, key after an EC PARAMETERS block (openssl ecparam -genkey)', 'ec.crt', 'ec-params.key', 'ec ok'],
    ['ECDSA, certificate with CRLF line ends', 'crlf.crt', 'ec.key', 'ec ok'],
    ['RSA, PKCS#8 key', 'rsa.crt', 'rsa.key', 'rsa ok'],
    ['RSA, PKCS#1 key', 'rsa.crt', 'rsa-pkcs1.key', 'rsa ok'],
    ['Ed25519', 'ed.crt', 'ed.key', 'ed25519 ok'],
    ['an ECDSA leaf signed by an RSA CA, first in a chain', 'chain.crt', 'leaf.key', 'ec ok'],
    ['an ECDSA certificate with an RSA key', 'ec.crt', 'rsa.key', 'ec/rsa refused'],
    ['an RSA certificate with an ECDSA key', 'rsa.crt', 'ec-sec1.key', 'rsa/ec refused'],
    ['DSA, which no suite of the HTTPS server can use', 'dsa.crt', 'dsa.key', 'unknown/unknown refused'],
    ['empty files', 'empty', 'empty', 'unknown/unknown refused'],
    ['garbage', 'garbage', 'garbage', 'unknown/unknown refused'],
  ])('%s', (_name, crt, key, expected) => {
    expect(check(crt, key)).toBe(expected);
  });
});
