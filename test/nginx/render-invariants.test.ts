import { NginxConfModel } from '../../lib/nginx/model';
import { renderNginxConf } from '../../lib/nginx/render';
import { baseModel, fileRoute, fullModel, lines, staticRoute } from './render-helpers';

describe('renderNginxConf: purity', () => {
  it('gives identical text for the same model, and for an equal copy', () => {
    const model = fullModel();
    const first = renderNginxConf(model);
    expect(renderNginxConf(model)).toBe(first);
    expect(renderNginxConf(JSON.parse(JSON.stringify(model)) as NginxConfModel)).toBe(first);
    expect(renderNginxConf(fullModel())).toBe(first);
  });

  it('does not modify the model', () => {
    const model = fullModel();
    const before = JSON.stringify(model);
    renderNginxConf(model);
    expect(JSON.stringify(model)).toBe(before);
  });

  it('changes the text when the model changes, in the changed line only', () => {
    const before = lines(renderNginxConf(baseModel()));
    const after = lines(renderNginxConf(baseModel({ listenPort: 8081 })));
    expect(after).toHaveLength(before.length);
    const changed = after.map((l, i) => [before[i], l]).filter(([b, a]) => b !== a);
    expect(changed).toStrictEqual([['listen 8080;', 'listen 8081;']]);
  });

  it('balances its braces', () => {
    const conf = renderNginxConf(fullModel());
    const opens = lines(conf).filter((l) => l.endsWith('{')).length;
    const closes = lines(conf).filter((l) => l === '}').length;
    expect(opens).toBeGreaterThan(5);
    expect(closes).toBe(opens);
  });
});

describe('renderNginxConf: never the known faults', () => {
  const FAULTS = ['server localhost', 'http://localhost', 'proxy_cache_valid any', 'worker_processes auto', 'image/png', 'image/jpeg'];

  // What each model renders in place of the faults: a numeric worker_processes first (where a `user`
  // line would go), gzip's types by name, the upstream by address, the cache's statuses (in render order).
  const RIGHT = {
    base: ['worker_processes 2;', 'server 127.0.0.1:5000;'],
    full: ['worker_processes 2;', 'gzip_types text/css application/javascript application/json image/svg+xml;',
      'server 127.0.0.1:5000;', 'proxy_cache_valid 200 301 1m;'],
    static: ['worker_processes 2;', 'root /srv/static;', 'root /srv/files;'],
  };

  it.each<[string, () => NginxConfModel, string[]]>([
    ['the base model', () => baseModel(), RIGHT.base],
    ['the full model', () => fullModel(), RIGHT.full],
    ['a static-only model', () => baseModel({ upstreamPort: undefined, routes: [staticRoute(), fileRoute()] }), RIGHT.static],
  ])('%s: renders the right form, never the fault', (_name, make, right) => {
    const conf = renderNginxConf(make());
    expect(lines(conf).filter((l) => right.includes(l))).toStrictEqual(right);
    expect(lines(conf).find((l) => l !== '' && !l.startsWith('#'))).toBe('worker_processes 2;');
    expect(FAULTS).toHaveLength(6);
    for (const fault of FAULTS) {
      expect(conf).not.toContain(fault);
    }
    expect(conf).not.toMatch(/^\s*user\s/m);
    // Unbuffered responses are never cached: a location has one or the other.
    for (const location of conf.split(/\n\s*location /).slice(1)) {
      expect(location.includes('proxy_buffering off') && location.includes('proxy_cache ')).toBe(false);
    }
  });
});
