/**
 * The model of nginx's lexer (test/support/nginx-parse.ts), which the injection fuzzing
 * (test/guard/injection-fuzz-*.test.ts) parses every synthesized nginx.conf back with: fixed cases,
 * and a differential property against real nginx (seeded like the fuzzing: test/guard/fuzz/seed.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { NGX_CONF_BUFFER, lexNginxConf, parseNginxConf } from '../support/nginx-parse';
import { describeWithTools } from '../support/real-tools';
import { SEED, runs } from './fuzz/seed';

describe('the nginx lexer model', () => {
  it.each<[string, string[][]]>([
    ['a b;', [['a', 'b']]],
    ['a "b c" \'d;e\' f\\ g;', [['a', 'b c', 'd;e', 'f\\ g']]], // an unknown escape keeps its backslash
    ['a "x\\"y\\\\z\\n";', [['a', 'x"y\\z\n']]],
    ['a b#c;\n d;', [['a', 'b#c'], ['d']]],
    ['a b;#c;\nd;', [['a', 'b'], ['d']]],
    ['a b}c;', [['a', 'b}c']]],
    ['a ${x}y;', [['a', '${x}y']]],
    ['a x"y;', [['a', 'x"y']]],
    ['a \\$x;', [['a', '\\$x']]],
  ])('reads %j', (text, expected) => {
    expect(parseNginxConf(text).map((d) => [d.name, ...d.args])).toEqual(expected);
  });

  it('takes a quoted argument of 4093 bytes before a space, but not 4094 (as nginx 1.22 does)', () => {
    const x = 'x'.repeat(NGX_CONF_BUFFER - 3);
    expect(parseNginxConf(`a "${x}" b;`)[0].args).toEqual([x, 'b']);
    expect(() => parseNginxConf(`a "${x}x" b;`)).toThrow(/too long parameter/);
  });

  it.each([
    ['a "b"c;', 'a "b"c;', /unexpected "c"/],
    ['a b }', 'a b }', /unexpected "}"/],
    ['}', '}', /unexpected "}"/],
    ['a {', 'a {', /unexpected end of file, expecting "}"/],
    ['a b', 'a b', /unexpected end of file/],
    ['a "b;', 'a "b;', /unexpected end of file/],
    [';', ';', /unexpected ";"/],
    ['a quoted 4094-byte argument', `a "${'x'.repeat(NGX_CONF_BUFFER - 2)}" b;`, /too long parameter/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseNginxConf(text)).toThrow(message);
  });
});

describeWithTools(['nginx'], 'the nginx lexer model agrees with real nginx', () => {
  /** Pieces of an argument (quotes, escapes, `$`, braces, comments, UTF-8) and what may separate them. */
  const PIECES = ['a', 'b', 'on', ';', '{', '}', '#', '"', '\'', '\\', '$', '${', '$a', '(', ')', 'x"y', '\\"', '\\n', '\\t', '\\\\',
    '\\\'', '\\a', '\\;', '\\ ', '"a b"', '\'a;b\'', '"a\\"b"', 'é', '\u{1F600}'];
  const SPACES = [' ', '\t', '\n', '\r', '\r\n'];
  const ENDS = [';', '', ' ;', '\n;', '{', ' }', '"', ' x;'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-lexer-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** What nginx says about `daemon <text>`: its first error, reduced to what the model can predict. */
  function nginxSays(text: string): string {
    const file = path.join(dir, 'nginx.conf');
    fs.writeFileSync(file, text);
    const r = spawnSync('/usr/sbin/nginx', ['-t', '-p', dir, '-e', 'stderr', '-c', file], { encoding: 'latin1', timeout: 10000 });
    const out = `${r.stdout}${r.stderr}`;
    const m = /\[emerg\] \d+#\d+: ([\s\S]*?) in \/\S+:\d+\n/.exec(out);
    if (!m) {
      return `no emerg: ${out}`;
    }
    return classify(m[1]);
  }

  function classify(message: string): string {
    if (message.startsWith('too long parameter')) {
      return 'too long parameter';
    }
    const value = /^invalid value "([\s\S]*)" in "daemon" directive/.exec(message);
    if (value) {
      return `value ${JSON.stringify(value[1])}`;
    }
    // nginx cuts its messages at 1024 bytes (NGX_MAX_CONF_ERRSTR): a long value shows only its start.
    const cut = /^invalid value "([\s\S]*)$/.exec(message);
    if (cut && Buffer.byteLength(message, 'latin1') >= 1000) {
      return `value starting ${JSON.stringify(cut[1])}`;
    }
    return message;
  }

  /**
   * What the model predicts: nginx handles each directive as soon as the lexer has read it, so the
   * verdict is the lexer's first error, or what `daemon` (one argument, "on" or "off") says about
   * the first directive. Bytes are shown as latin1, as nginx prints them.
   */
  function modelSays(text: string): string | undefined {
    const words: string[] = [];
    try {
      for (const t of lexNginxConf(text)) {
        if (t.kind === 'word') {
          words.push(t.value);
          continue;
        }
        if (t.kind === 'open') {
          return 'directive "daemon" is not terminated by ";"';
        }
        if (t.kind === 'end') {
          if (words.length !== 2) {
            return 'invalid number of arguments in "daemon" directive';
          }
          // "on"/"off" are valid: nginx goes on to the rest, not compared.
          return words[1] === 'on' || words[1] === 'off' ? undefined : `value ${JSON.stringify(Buffer.from(words[1], 'utf8').toString('latin1'))}`;
        }
        return t.kind === 'close' ? 'unexpected "}"' : undefined;
      }
    } catch (e) {
      return classify((e as Error).message.replace(/ in line \d+$/, ''));
    }
    return undefined;
  }

  it('on the first directive of generated texts: the same error, the same unescaped argument', () => {
    const texts = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PIECES) },
        { weight: 1, arbitrary: fc.constantFrom(...SPACES) }), { maxLength: 8 }), fc.constantFrom(...ENDS))
        .map(([p, end]) => `daemon ${p.join('')}${end}`) },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom('"', '\'', ''), fc.integer({ min: 4088, max: 4100 }), fc.constantFrom(';', ' ;', '\n;', '"; '))
        .map(([q, n, end]) => `daemon ${q}${'a'.repeat(n)}${q}${end}`) },
    );
    let compared = 0;
    fc.assert(fc.property(texts, (text) => {
      const predicted = modelSays(text);
      if (predicted === undefined) {
        return;
      }
      compared++;
      const actual = nginxSays(text);
      const cut = /^value starting (".*")$/s.exec(actual);
      const same = cut ? predicted.startsWith(`value ${JSON.parse(cut[1]) === '' ? '"' : JSON.stringify(JSON.parse(cut[1])).slice(0, -1)}`) : actual === predicted;
      if (!same) {
        throw new Error(`for ${JSON.stringify(text.length > 200 ? text.slice(0, 200) + '...' : text)}: nginx says ${actual}, the model ${predicted}`);
      }
    }), { seed: SEED, numRuns: runs(150) });
    expect(compared).toBeGreaterThan(runs(150) / 2);
  });
});
