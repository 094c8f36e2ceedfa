import { spawnSync } from 'child_process';
import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';
import { TestCa } from '../support/tls-certs';

const HTTPS = 'https://web.test:8443';

/**
 * Issue 13, TLS termination: the synthesized pod with real nginx and the probe app, a certificate
 * from a throwaway CA in a `kubernetes.io/tls` Secret, reached with curl and openssl from inside the
 * pod's network namespace. Then the Secret is updated the way the kubelet does (`..data` swap) and
 * the new certificate is served by the same nginx master, without a restart.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn', 'openssl'], 'TLS termination in the pod', () => {
  const ca = new TestCa();
  const first = ca.secret('web-tls', 'web.test');
  let pod: RunningPod;
  beforeAll(async () => {
    const { objects, workload } = testAppPod({
      routes: [Route.proxy('/')],
      tls: { secretName: 'web-tls', redirectHttp: true, hsts: Duration.days(1), rotationCheckInterval: Duration.seconds(1) },
      trustForwardedProto: true,
    }, { image: 'sidecar-traffic-app:1' });
    pod = await RunningPod.start([...objects, first], workload, { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => {
    await pod?.stop();
    ca.cleanup();
  });

  /** curl over HTTPS with the CA, web.test resolved to the pod; `-v` output in `stderr`. */
  function curl(args: string[], path = '/echo') {
    const r = spawnSync('ip', ['netns', 'exec', pod.netns, 'curl', '-sS', '-v', '--max-time', '10', '--cacert', ca.caFile,
      '--resolve', 'web.test:8443:127.0.0.1', '-D', '-', ...args, `${HTTPS}${path}`], { encoding: 'utf8' });
    const [head, ...body] = r.stdout.split('\r\n\r\n');
    return { exit: r.status, head: head.toLowerCase(), body: body.join('\r\n\r\n'), verbose: r.stderr };
  }

  /** What openssl s_client sees of the handshake(s). */
  function sClient(args: string[]): string {
    const r = spawnSync('ip', ['netns', 'exec', pod.netns, 'openssl', 's_client', '-connect', '127.0.0.1:8443',
      '-servername', 'web.test', '-CAfile', ca.caFile, ...args], { encoding: 'utf8', input: '', timeout: 20000 });
    return `${r.stdout}${r.stderr}`;
  }

  it('serves TLS 1.2 with an ECDHE AEAD suite, and the app is told https', () => {
    const r = curl(['--tlsv1.2', '--tls-max', '1.2', '--http1.1']);
    expect(r.exit).toBe(0);
    expect(r.verbose).toMatch(/SSL connection using TLSv1\.2 \/ ECDHE-ECDSA-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)/);
    const echo = JSON.parse(r.body);
    expect(echo.headers['X-Forwarded-Proto']).toBe('https');
    expect(echo.headers['X-Forwarded-Port']).toBe('8443');
    expect(echo.headers.Host).toBe('web.test:8443');
  });

  it('serves TLS 1.3', () => {
    const r = curl(['--tlsv1.3']);
    expect(r.exit).toBe(0);
    expect(r.verbose).toMatch(/SSL connection using TLSv1\.3 \/ TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)/);
    expect(JSON.parse(r.body).headers['X-Forwarded-Proto']).toBe('https');
  });

  it('speaks HTTP/2 through ALPN, on TLS 1.2 and 1.3', () => {
    for (const version of [['--tlsv1.2', '--tls-max', '1.2'], ['--tlsv1.3']]) {
      const r = curl([...version, '--http2', '-o', '/dev/null', '-w', '%{http_version} %{http_code}']);
      expect(r.verbose).toMatch(/ALPN.*h2/);
      expect(r.body).toBe('2 200');
    }
  });

  it('refuses TLS 1.0 and 1.1 with a protocol_version alert from the server', () => {
    for (const max of ['1.0', '1.1']) {
      // SECLEVEL=0 so that this client does offer the old version: the refusal is the server's.
      const r = curl(['--tlsv1', '--tls-max', max, '--ciphers', 'DEFAULT@SECLEVEL=0']);
      expect(r.exit).toBe(35);
      expect(r.verbose).toMatch(/TLS alert, protocol version \(582\)/);
    }
  });

  it('refuses a TLS 1.2 suite without ECDHE or AEAD', () => {
    for (const cipher of ['ECDHE-ECDSA-AES128-SHA256', 'AES128-GCM-SHA256']) {
      const r = curl(['--tlsv1.2', '--tls-max', '1.2', '--ciphers', cipher]);
      expect(r.exit).toBe(35);
      expect(r.verbose).toMatch(/alert handshake failure/);
    }
  });

  it('resumes TLS 1.2 sessions from the shared cache, with tickets off', () => {
    const out = sClient(['-tls1_2', '-reconnect']);
    expect(out).toMatch(/^Reused, TLSv1\.2/m);
    expect(out).not.toMatch(/TLS session ticket:/);
  });

  it('offers only Mozilla\'s intermediate key exchange groups: a client that asks for finite-field groups only is refused', () => {
    // ffdhe8192 costs the worker about 120 ms of CPU per handshake; X25519 well under 1 ms.
    expect(sClient(['-tls1_3', '-groups', 'ffdhe2048:ffdhe8192'])).toMatch(/handshake failure|no shared group|alert/);
    for (const group of ['X25519', 'P-256', 'P-384']) {
      expect({ group, out: sClient(['-tls1_3', '-groups', group]) }).toMatchObject({ group, out: expect.stringContaining(`Server Temp Key: `) });
    }
  });

  it('serves a plain request a trusted TLS proxy forwarded (X-Forwarded-Proto: https) instead of redirecting it again', () => {
    // (HSTS too, as the HTTPS listener sends it: the client is on HTTPS; a proxy that appends its own value keeps the client's first)
    for (const proto of ['https', 'HTTPS', 'https, http']) {
      const r = pod.http('http://127.0.0.1:8080/echo/x', { headers: { Host: 'web.test', 'X-Forwarded-Proto': proto } });
      expect({ proto, status: r.status, app: JSON.parse(r.body).headers['X-Forwarded-Proto'], hsts: r.headers['strict-transport-security'] })
        .toStrictEqual({ proto, status: 200, app: 'https', hsts: 'max-age=86400' });
    }
    const plain = pod.http('http://127.0.0.1:8080/echo/x', { headers: { Host: 'web.test', 'X-Forwarded-Proto': 'http' } });
    expect([plain.status, plain.headers.location, plain.headers['strict-transport-security']]).toStrictEqual([308, 'https://web.test/echo/x', undefined]);
    // Only the health endpoint itself is spared the redirect, not a path that ends in a newline after it.
    expect(pod.http('http://127.0.0.1:8080/_sidecar/healthz%0A', { headers: { Host: 'web.test' } }).status).toBe(308);
  });

  it('sends HSTS on HTTPS responses', () => {
    expect(curl(['--http1.1']).head).toContain('\nstrict-transport-security: max-age=86400');
  });

  it('redirects plain HTTP to HTTPS with 308 and no HSTS, and keeps the health endpoint there', () => {
    const r = pod.http('http://127.0.0.1:8080/echo/a%2Fb?x=1', { headers: { Host: 'web.test' } });
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe('https://web.test/echo/a%2Fb?x=1');
    expect(r.headers['strict-transport-security']).toBeUndefined();
    const health = pod.http('http://127.0.0.1:8080/_sidecar/healthz');
    expect([health.status, health.body]).toStrictEqual([200, 'ok\n']);
  });

  it('keeps serving its certificate when the Secret turns bad, and says why at error level every interval', async () => {
    // GIVEN the certificate served now, and pairs that cannot serve: a key of the same type that does not
    // match, a key of the other type (nginx -t accepts that one), garbage, and empty files
    const serial = () => /serial=([0-9A-F]+)/.exec(spawnSync('openssl', ['x509', '-noout', '-serial'],
      { input: sClient([]), encoding: 'utf8' }).stdout)?.[1];
    expect(serial()).toBe(TestCa.serialOf(first));
    const other = ca.secret('web-tls', 'web.test');
    const rsa = ca.secret('web-tls', 'web.test', { rsa: true });
    const pair = (crt: string, key: string) => ({ ...first, data: { 'tls.crt': crt, 'tls.key': key } });
    const bad: Array<[string, object, RegExp]> = [
      ['a key of the same type that does not match', pair(first.data['tls.crt'], other.data['tls.key']), /key values mismatch/],
      ['an RSA key beside an ECDSA certificate', pair(first.data['tls.crt'], rsa.data['tls.key']),
        /tls-reload: \[error\] \/etc\/nginx\/tls\/tls\.crt holds a ec certificate and \/etc\/nginx\/tls\/tls\.key a rsa key/],
      ['garbage', pair(Buffer.from('not a certificate\n').toString('base64'), Buffer.from('not a key\n').toString('base64')), /PEM_read_bio/],
      ['empty files', pair('', ''), /cannot load certificate/],
    ];
    const refusals = () => pod.log('nginx').split('cannot serve HTTPS; nginx keeps the ones it has').length - 1;
    for (const [i, [name, secret, why]] of bad.entries()) {
      // WHEN the kubelet swaps it in
      const before = refusals();
      expect(pod.updateSecret(secret as typeof first)).toBe(1);
      // (the last one is left for two intervals: it is refused again at each)
      const times = i === bad.length - 1 ? 2 : 1;
      const deadline = Date.now() + 10000;
      while (refusals() < before + times && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // THEN it is refused, saying why, and HTTPS still serves the first certificate
      expect({ name, refusals: refusals() - before >= times, why: why.test(pod.log('nginx')) }).toStrictEqual({ name, refusals: true, why: true });
      expect({ name, serial: serial(), exit: curl(['--http1.1']).exit }).toStrictEqual({ name, serial: TestCa.serialOf(first), exit: 0 });
    }
    expect(pod.log('nginx')).not.toContain('tls-reload: the certificate in /etc/nginx/tls changed; reloading nginx');
  });

  it('serves a rotated certificate without a restart, once the Secret volume is updated', async () => {
    const pid = () => pod.exec('nginx', ['cat', '/var/cache/nginx/nginx.pid']).then((r) => r.output.trim());
    const serial = () => /serial=([0-9A-F]+)/.exec(spawnSync('openssl', ['x509', '-noout', '-serial'],
      { input: sClient([]), encoding: 'utf8' }).stdout)?.[1];
    const before = await pid();
    expect(serial()).toBe(TestCa.serialOf(first));
    // WHEN the Secret changes (an RSA key this time) and the kubelet swaps the volume's ..data
    const second = ca.secret('web-tls', 'web.test', { rsa: true });
    expect(pod.updateSecret(second)).toBe(1);
    // THEN within a few check intervals the new certificate is served, by the same master
    const deadline = Date.now() + 15000;
    while (serial() !== TestCa.serialOf(second) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(serial()).toBe(TestCa.serialOf(second));
    expect(await pid()).toBe(before);
    expect(pod.isRunning('nginx')).toBe(true);
    expect(pod.log('nginx')).toContain('tls-reload: the certificate in /etc/nginx/tls changed; reloading nginx');
    const r = curl(['--tlsv1.2', '--tls-max', '1.2']);
    expect([r.exit, JSON.parse(r.body).headers['X-Forwarded-Proto']]).toStrictEqual([0, 'https']);
    expect(r.verbose).toMatch(/SSL connection using TLSv1\.2 \/ ECDHE-RSA-/);
  });
});
