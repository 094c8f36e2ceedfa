import { ConfigError } from '../../lib';
import { CONFIG_MAP_MAX_BYTES, ContentFile, StaticContent } from '../../lib/sidecar/static-content';
import { exactly } from './helpers';

/** A file for `addAll`, its source named after its path. */
function file(itemPath: string, content: string | Buffer = 'x'): ContentFile {
  return { itemPath, source: `/src/${itemPath}`, bytes: Buffer.isBuffer(content) ? content : Buffer.from(content) };
}

/** The inverse of the key escape, written from its documentation: `__` is `_`, `_-` is `/`, `_.` is `~`. */
function unescapeKey(key: string): string {
  return key.replace(/_(.)/g, (_m, c: string) => {
    const out = ({ '_': '_', '-': '/', '.': '~' } as Record<string, string>)[c];
    if (out === undefined) {
      throw new Error(`bad escape "_${c}" in ${key}`);
    }
    return out;
  });
}

describe('StaticContent.keyOf', () => {
  test.each<[string, string]>([
    ['1-index.html', '1-index.html'],
    ['1-js/app.js', '1-js_-app.js'],
    ['1-a_b.txt', '1-a__b.txt'],
    ['1-~me.txt', '1-_.me.txt'],
    ['2-.well-known/security.txt', '2-.well-known_-security.txt'],
    ['1-a/_/~', '1-a_-___-_.'],
  ])('%j has the key %j', (itemPath, key) => {
    expect(StaticContent.keyOf(itemPath)).toBe(key);
  });

  // Paths that escaping every unusual character as "_" would all send to "1-a_b" or near it.
  const CONFUSABLE = [
    '1-a/b', '1-a_b', '1-a~b', '1-a__b', '1-a_-b', '1-a_.b', '1-a/_b', '1-a_/b', '1-a/-b', '1-a-/b', '1-a~.b', '1-a.~b',
    '1-a//b', '1-a_/_b', '1-a/~b', '1-a~/b',
  ];

  test('different paths give different keys', () => {
    const keys = CONFUSABLE.map((p) => StaticContent.keyOf(p));
    expect(new Set(keys).size).toBe(CONFUSABLE.length);
  });

  test.each(CONFUSABLE)('the key of %j is a valid ConfigMap key that gives the path back', (itemPath) => {
    const key = StaticContent.keyOf(itemPath);
    expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
    expect(unescapeKey(key)).toBe(itemPath);
  });
});

describe('StaticContent.addAll', () => {
  test('adds the files under their keys, text to data and other bytes to binaryData, sorted', () => {
    // GIVEN
    const content = new StaticContent();
    // WHEN
    content.addAll('route', [file('1-js/app.js', 'js'), file('1-a.bin', Buffer.from([0xff, 0x00])), file('1-a_b.txt', 'ab')]);
    // THEN
    expect(content.toConfigMap()).toStrictEqual({
      data: { '1-a__b.txt': 'ab', '1-js_-app.js': 'js' },
      binaryData: { '1-a.bin': '/wA=' },
    });
    expect(Object.keys(content.toConfigMap().data)).toStrictEqual(['1-a__b.txt', '1-js_-app.js']);
  });

  test('counts keys and values in size()', () => {
    const content = new StaticContent();
    content.addAll('route', [file('1-js/app.js', 'abc')]);
    expect(content.size()).toBe('1-js_-app.js'.length + 3);
  });

  test('"a/b.txt" and "a_b.txt" are both kept', () => {
    const content = new StaticContent();
    content.addAll('route', [file('1-a/b.txt', 'slash'), file('1-a_b.txt', 'underscore')]);
    expect(content.toConfigMap().data).toStrictEqual({ '1-a_-b.txt': 'slash', '1-a__b.txt': 'underscore' });
  });

  test('the same path twice in one call adds none of the call', () => {
    // GIVEN
    const content = new StaticContent();
    content.addAll('routes[0]', [file('1-a.txt')]);
    const before = content.toConfigMap();
    // WHEN / THEN
    const again = { ...file('2-b.txt'), source: '/other/b.txt' };
    expect(() => content.addAll('routes[1]', [file('2-a.txt'), file('2-b.txt'), again])).toThrow(ConfigError);
    expect(() => content.addAll('routes[1]', [file('2-a.txt'), file('2-b.txt'), again]))
      .toThrow(exactly('routes[1] "/other/b.txt" would be served at the same path as "/src/2-b.txt" (2-b.txt)'));
    expect(content.toConfigMap()).toStrictEqual(before);
  });

  test('a path added by an earlier call is refused, and the call adds nothing', () => {
    // GIVEN
    const content = new StaticContent();
    content.addAll('routes[0]', [file('1-a.txt', 'first')]);
    // WHEN / THEN
    expect(() => content.addAll('routes[1]', [file('1-b.txt'), { ...file('1-a.txt', 'second'), source: '/other/a.txt' }]))
      .toThrow(exactly('routes[1] "/other/a.txt" would be served at the same path as "/src/1-a.txt" (1-a.txt)'));
    expect(content.toConfigMap()).toStrictEqual({ data: { '1-a.txt': 'first' }, binaryData: {} });
  });

  test('a key over 253 characters is refused, and the call adds nothing', () => {
    // GIVEN a path of 201 characters whose 100 "/" make a key of 301
    const content = new StaticContent();
    const long = `${'a/'.repeat(100)}x`;
    // WHEN / THEN
    expect(() => content.addAll('route', [file('1-ok.txt'), file(long)]))
      .toThrow(exactly(`route "/src/${long}" gives a ConfigMap key of 301 characters, over the limit of 253`));
    expect(content.size()).toBe(0);
  });

  test('going over 1 MiB adds none of the call', () => {
    // GIVEN
    const content = new StaticContent();
    content.addAll('routes[0]', [file('1-a.txt', 'a')]);
    const size = content.size();
    const half = 'b'.repeat(CONFIG_MAP_MAX_BYTES / 2);
    // WHEN / THEN
    expect(() => content.addAll('routes[1]', [file('2-b.txt', half), file('2-c.txt', half)]))
      .toThrow(exactly(`routes[1] "/src/2-c.txt" brings the static ConfigMap to ${size + 2 * (7 + CONFIG_MAP_MAX_BYTES / 2)} bytes, `
        + 'over the Kubernetes limit of 1048576 bytes (1 MiB); serve large assets from the app or an image'));
    expect(content.size()).toBe(size);
    expect(content.toConfigMap()).toStrictEqual({ data: { '1-a.txt': 'a' }, binaryData: {} });
  });

  test('exactly 1 MiB is accepted', () => {
    const content = new StaticContent();
    content.addAll('route', [file('1-a.txt', 'a'.repeat(CONFIG_MAP_MAX_BYTES - '1-a.txt'.length))]);
    expect(content.size()).toBe(CONFIG_MAP_MAX_BYTES);
  });

  test('is the only way in: no add, no isEmpty, and toConfigMap gives data and binaryData only', () => {
    const content = new StaticContent();
    expect('add' in content).toBe(false);
    expect('isEmpty' in content).toBe(false);
    expect(content.toConfigMap()).toStrictEqual({ data: {}, binaryData: {} });
  });
});
