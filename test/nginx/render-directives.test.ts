import { renderNginxConf } from '../../lib/nginx/render';
import { baseModel, block, count, fileRoute, proxyRoute, staticRoute } from './render-helpers';

describe('renderNginxConf: extra directives', () => {
  it('writes http directives in the http block, outside the server', () => {
    const conf = renderNginxConf(baseModel({ httpDirectives: [{ name: 'map_hash_bucket_size', args: ['128'] }] }));
    expect(block(conf, 'http').direct).toContain('map_hash_bucket_size 128;');
    expect(block(conf, 'server').all).not.toContain('map_hash_bucket_size 128;');
  });

  it('writes server directives in the server block, outside the locations', () => {
    const conf = renderNginxConf(baseModel({ serverDirectives: [{ name: 'keepalive_requests', args: ['500'] }] }));
    expect(block(conf, 'server').direct).toContain('keepalive_requests 500;');
    expect(block(conf, 'location /').all).not.toContain('keepalive_requests 500;');
  });

  it.each<['proxy' | 'static' | 'file', string]>([
    ['proxy', 'location /x/'],
    ['static', 'location /x/'],
    ['file', 'location = /x.txt'],
  ])('writes %s route directives in its location', (kind, head) => {
    const directives = [{ name: 'expires', args: ['1h'] }];
    const route = kind === 'proxy' ? proxyRoute({ path: '/x/', directives })
      : kind === 'static' ? staticRoute({ path: '/x/', directives })
        : fileRoute({ path: '/x.txt', directives });
    const conf = renderNginxConf(baseModel({ routes: [route] }));
    expect(block(conf, head).all).toContain('expires 1h;');
    // A proxy route's upgraded requests go to a location of their own, which repeats them.
    if (kind === 'proxy') {
      expect(block(conf, 'location = /_sidecar/upgrade/0').all).toContain('expires 1h;');
    }
    expect(count(conf, 'expires 1h;')).toBe(kind === 'proxy' ? 2 : 1);
  });

  it('keeps an argument with ; { } # and spaces one quoted argument, at every level', () => {
    const d = { name: 'add_header', args: ['X-Test', 'a;b {c}', 'always'] };
    const conf = renderNginxConf(baseModel({
      httpDirectives: [{ name: 'set_real_ip_from', args: ['#x y'] }],
      serverDirectives: [d],
      routes: [proxyRoute({ path: '/p/', directives: [d] }), staticRoute({ directives: [d] }), fileRoute({ directives: [d] })],
    }));
    const line = 'add_header X-Test "a;b {c}" always;';
    expect(block(conf, 'http').direct).toContain('set_real_ip_from "#x y";');
    expect(block(conf, 'server').direct).toContain(line);
    expect(block(conf, 'location /p/').all).toContain(line);
    expect(block(conf, 'location /docs/').all).toContain(line);
    expect(block(conf, 'location = /robots.txt').all).toContain(line);
    expect(block(conf, 'location = /_sidecar/upgrade/0').all).toContain(line);
    expect(count(conf, line)).toBe(5);
    expect(conf).not.toContain('a;b {c} ');
  });

  it('escapes double quotes and quotes variables in arguments', () => {
    const conf = renderNginxConf(baseModel({
      serverDirectives: [{ name: 'add_header', args: ['X-Q', 'say "hi"'] }, { name: 'add_header', args: ['X-Up', '$upstream_addr'] }],
    }));
    expect(block(conf, 'server').direct).toEqual(expect.arrayContaining([
      'add_header X-Q "say \\"hi\\"";',
      'add_header X-Up "$upstream_addr";',
    ]));
  });

  it('refuses a directive argument with a newline that skipped the checks', () => {
    const model = baseModel({ serverDirectives: [{ name: 'return', args: ['200', 'ok\n}'] }] });
    expect(() => renderNginxConf(model)).toThrow('internal: unsafe nginx argument "ok\\n}"');
  });
});
