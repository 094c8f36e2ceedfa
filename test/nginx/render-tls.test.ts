import { NginxConfModel, TlsModel } from '../../lib/nginx/model';
import { renderNginxConf } from '../../lib/nginx/render';
import { TLS12_CIPHERS } from '../../lib/nginx/render-tls';
import { parseNginxConf } from '../support/nginx-parse';
import { baseModel, lines, proxyRoute, staticRoute } from './render-helpers';

const TLS: TlsModel = { listenPort: 8443, certificate: '/etc/nginx/tls/tls.crt', key: '/etc/nginx/tls/tls.key', http2MaxConcurrentStreams: 16 };

function tlsModel(tls: Partial<TlsModel> = {}, over: Partial<NginxConfModel> = {}): NginxConfModel {
  return baseModel({
    headers: [{ name: 'X-Content-Type-Options', value: 'nosniff' }],
    routes: [proxyRoute({ path: '/api/' }), staticRoute()],
    tls: { ...TLS, ...tls },
    ...over,
  });
}

/** The server blocks, in order, as the lines between `server {` and its closing brace, trimmed. */
function servers(conf: string): string[][] {
  const out: string[][] = [];
  const raw = conf.split('\n');
  raw.forEach((line, i) => {
    if (line === '  server {') {
      const end = raw.indexOf('  }', i);
      out.push(raw.slice(i + 1, end).map((l) => l.trim()).filter((l) => l !== ''));
    }
  });
  return out;
}

describe('renderNginxConf: the HTTPS listener', () => {
  it('renders one plain server without tls, and a second, TLS one with it', () => {
    expect(servers(renderNginxConf(baseModel()))).toHaveLength(1);
    const [plain, https] = servers(renderNginxConf(tlsModel()));
    expect(plain[0]).toBe('listen 8080;');
    expect(https.slice(0, 5)).toStrictEqual([
      'listen 8443 ssl http2;',
      'server_name _;',
      'http2_max_concurrent_streams 16;',
      'ssl_certificate /etc/nginx/tls/tls.crt;',
      'ssl_certificate_key /etc/nginx/tls/tls.key;',
    ]);
  });

  it('allows TLS 1.2 and 1.3 only, ECDHE with AEAD ciphers for 1.2, the client\'s preference, a 1m session cache and no tickets', () => {
    const [, https] = servers(renderNginxConf(tlsModel()));
    expect(https).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(https).toContain(`ssl_ciphers ${TLS12_CIPHERS.join(':')};`);
    for (const cipher of TLS12_CIPHERS) {
      expect(cipher).toMatch(/^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
    }
    expect(https).toContain('ssl_prefer_server_ciphers off;');
    expect(https).toContain('ssl_session_cache shared:sidecar_tls:1m;');
    expect(https).toContain('ssl_session_tickets off;');
  });

  it('serves the same locations on both listeners, and nothing else differs but the TLS lines', () => {
    const [plain, https] = servers(renderNginxConf(tlsModel()));
    const body = (s: string[]) => s.filter((l) => !/^(listen|ssl_|http2_)/.test(l));
    expect(body(https)).toStrictEqual(body(plain));
    expect(plain.filter((l) => l.startsWith('location'))).toStrictEqual([
      'location = /_sidecar/healthz {', 'location = /_sidecar/50x.html {', 'location /api/ {',
      'location = /_sidecar/upgrade/0 {', 'location /docs/ {',
    ]);
  });

  it('adds HSTS to every add_header location of the HTTPS server only', () => {
    const conf = renderNginxConf(tlsModel({ hstsMaxAgeSeconds: 31536000 }));
    const [plain, https] = servers(conf);
    expect(plain.join('\n')).not.toMatch(/Strict-Transport-Security/);
    const nosniff = https.filter((l) => l === 'add_header X-Content-Type-Options nosniff always;').length;
    expect(nosniff).toBeGreaterThan(2);
    expect(https.filter((l) => l === 'add_header Strict-Transport-Security max-age=31536000 always;')).toHaveLength(nosniff);
  });

  it('redirects the plain port with 308, keeping only the health endpoint there', () => {
    const [plain, https] = servers(renderNginxConf(tlsModel({ redirectPort: 443 })));
    expect(plain).toStrictEqual([
      'listen 8080;', 'server_name _;',
      'location = /_sidecar/healthz {', 'access_log off;', 'default_type text/plain;', 'return 200 "ok\\n";', '}',
      'location = /_sidecar/50x.html {', 'internal;', 'alias /etc/nginx/sidecar/50x.html;',
      'add_header Cache-Control "no-store" always;', 'add_header X-Request-ID $sidecar_request_id always;',
      'add_header X-Content-Type-Options nosniff always;', '}',
      'location / {', 'return 308 https://$host$request_uri;', '}',
    ]);
    expect(https.filter((l) => l.startsWith('location /api/'))).toHaveLength(1);
    const [other] = servers(renderNginxConf(tlsModel({ redirectPort: 30443 })));
    expect(other).toContain('return 308 https://$host:30443$request_uri;');
  });

  it('tells the app https on the HTTPS listener even when it trusts X-Forwarded-Proto', () => {
    const conf = renderNginxConf(tlsModel({}, { trustForwardedProto: true }));
    const map = parseNginxConf(conf).find((d) => d.name === 'http')!.block!
      .find((d) => d.name === 'map' && d.args[1] === '$sidecar_forwarded_proto')!;
    expect(map.args[0]).toBe('$https:$http_x_forwarded_proto');
    expect(map.block!.map((d) => [d.name, ...d.args])).toStrictEqual([
      ['default', '$scheme'], ['~^on:', 'https'], ['~*^:https\\s*(,|$)', 'https'], ['~*^:http\\s*(,|$)', 'http'],
    ]);
    expect(lines(renderNginxConf(tlsModel()))).toContain('proxy_set_header X-Forwarded-Proto $scheme;');
  });

  it('renders no TLS directive without tls', () => {
    expect(renderNginxConf(baseModel())).not.toMatch(/ssl|http2|Strict-Transport/);
  });
});
