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

  it('changes the text when the model changes', () => {
    expect(renderNginxConf(baseModel({ listenPort: 8081 }))).not.toBe(renderNginxConf(baseModel()));
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

  it.each<[string, () => NginxConfModel]>([
    ['the base model', () => baseModel()],
    ['the full model', () => fullModel()],
    ['a static-only model', () => baseModel({ upstreamPort: undefined, routes: [staticRoute(), fileRoute()] })],
  ])('%s', (_name, make) => {
    const conf = renderNginxConf(make());
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
