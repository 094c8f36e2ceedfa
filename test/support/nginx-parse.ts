/**
 * A parser of nginx.conf that follows nginx's own lexer (`ngx_conf_read_token` and `ngx_conf_parse`
 * in src/core/ngx_conf_file.c, 1.22), so a test can see a generated config the way nginx will:
 *
 * - a token ends at space, tab, CR, LF, `;` or `{` (and `;`/`{` also end the directive);
 * - `}` and `#` are special only where a token would start: `}` closes a block (an error inside a
 *   directive), `#` starts a comment to the end of the line; inside a token both are literal;
 * - a token starting with `"` or `'` runs to the matching unescaped quote, which must be followed by
 *   whitespace, `;`, `{` or `)` ("unexpected" otherwise); a quote inside an unquoted token is literal;
 * - a backslash protects the next byte from all of the above; when the word is copied, `\"`, `\'` and
 *   `\\` lose the backslash, `\t`, `\r`, `\n` become TAB, CR, LF, any other `\x` stays as it is;
 * - `$` is not special, except that `${` does not end a token at the `{`.
 *
 * - nginx reads the file through a 4096-byte buffer: a token (with what the lexer reads after it
 *   before it moves on) that does not fit fails with "too long parameter".
 *
 * nginx reads bytes: the text is encoded as UTF-8 (what a ConfigMap holds), lexed byte by byte, and
 * each word decoded back, so a value that does not survive UTF-8 (a lone surrogate) comes back changed.
 */

/** One directive: its name (the first word), its arguments, and its block when it opens one. */
export interface NginxDirective {
  readonly name: string;
  readonly args: string[];
  readonly block?: NginxDirective[];
  /** 1-based line of the directive's first word. */
  readonly line: number;
}

export class NginxParseError extends Error {
  constructor(message: string, public readonly line: number) {
    super(`${message} in line ${line}`);
    this.name = 'NginxParseError';
  }
}

/** What the lexer hands to the parser, in order. */
export type NginxToken =
  | { kind: 'word'; value: string; line: number }
  | { kind: 'end'; line: number } // `;`
  | { kind: 'open'; line: number } // `{`
  | { kind: 'close'; line: number } // `}`
  | { kind: 'eof'; line: number };

const SPACE = new Set([' ', '\t', '\r', '\n']);

/** nginx's NGX_CONF_BUFFER: the size of the buffer a token must fit in. */
export const NGX_CONF_BUFFER = 4096;

/** Unescapes a word the way nginx copies it into `cf->args`. */
function unescape(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1];
      if (n === '"' || n === '\'' || n === '\\') {
        out += n;
        i++;
        continue;
      }
      if (n === 't' || n === 'r' || n === 'n') {
        out += n === 't' ? '\t' : n === 'r' ? '\r' : '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * Splits the text into nginx's tokens, lazily (nginx acts on each directive as soon as it is read,
 * before it reads on). Mirrors the state machine of `ngx_conf_read_token` (sharp_comment, quoted,
 * need_space, last_space, d_quoted, s_quoted, variable).
 */
export function* lexNginxConf(source: string): Generator<NginxToken> {
  // One JS character per byte, as nginx sees the file.
  const text = Buffer.from(source, 'utf8').toString('latin1');
  let line = 1;
  let i = 0;
  let argsInDirective = 0;
  let sharpComment = false;
  let quoted = false;
  let needSpace = false;
  let lastSpace = true;
  let dQuoted = false;
  let sQuoted = false;
  let variable = false;
  let start = 0;
  let startLine = 1;
  while (true) {
    if (i >= text.length) {
      if (argsInDirective > 0 || !lastSpace) {
        throw new NginxParseError('unexpected end of file, expecting ";" or "}"', line);
      }
      yield { kind: 'eof', line };
      return;
    }
    // nginx refills its buffer here, keeping the current token (from `start`) at its beginning; when
    // the token already fills the whole buffer, that is an error.
    if (i - start >= NGX_CONF_BUFFER) {
      throw new NginxParseError(`too long parameter "${Buffer.from(text.slice(start, start + 10), 'latin1').toString('utf8')}..." started`, startLine);
    }
    const ch = text[i++];
    if (ch === '\n') {
      line++;
      if (sharpComment) {
        sharpComment = false;
      }
    }
    if (sharpComment) {
      continue;
    }
    if (quoted) {
      quoted = false;
      continue;
    }
    if (needSpace) {
      if (SPACE.has(ch)) {
        lastSpace = true;
        needSpace = false;
        continue;
      }
      if (ch === ';') {
        argsInDirective = 0;
        yield { kind: 'end', line };
        start = i;
        lastSpace = true;
        needSpace = false;
        continue;
      }
      if (ch === '{') {
        argsInDirective = 0;
        yield { kind: 'open', line };
        start = i;
        lastSpace = true;
        needSpace = false;
        continue;
      }
      if (ch === ')') {
        lastSpace = true;
        needSpace = false;
      } else {
        throw new NginxParseError(`unexpected "${ch}"`, line);
      }
    }
    if (lastSpace) {
      start = i - 1;
      startLine = line;
      if (SPACE.has(ch)) {
        continue;
      }
      switch (ch) {
        case ';':
        case '{':
          if (argsInDirective === 0) {
            throw new NginxParseError(`unexpected "${ch}"`, line);
          }
          argsInDirective = 0;
          yield ch === '{' ? { kind: 'open', line } : { kind: 'end', line };
          start = i;
          continue;
        case '}':
          if (argsInDirective !== 0) {
            throw new NginxParseError('unexpected "}"', line);
          }
          yield { kind: 'close', line };
          start = i;
          continue;
        case '#':
          sharpComment = true;
          continue;
        case '\\':
          quoted = true;
          lastSpace = false;
          continue;
        case '"':
          start++;
          dQuoted = true;
          lastSpace = false;
          continue;
        case '\'':
          start++;
          sQuoted = true;
          lastSpace = false;
          continue;
        case '$':
          variable = true;
          lastSpace = false;
          continue;
        default:
          lastSpace = false;
      }
    } else {
      if (ch === '{' && variable) {
        continue;
      }
      variable = false;
      if (ch === '\\') {
        quoted = true;
        continue;
      }
      if (ch === '$') {
        variable = true;
        continue;
      }
      let found = false;
      if (dQuoted) {
        if (ch === '"') {
          dQuoted = false;
          needSpace = true;
          found = true;
        }
      } else if (sQuoted) {
        if (ch === '\'') {
          sQuoted = false;
          needSpace = true;
          found = true;
        }
      } else if (SPACE.has(ch) || ch === ';' || ch === '{') {
        lastSpace = true;
        found = true;
      }
      if (found) {
        argsInDirective++;
        yield { kind: 'word', value: Buffer.from(unescape(text.slice(start, i - 1)), 'latin1').toString('utf8'), line: startLine };
        if (ch === ';' || ch === '{') {
          argsInDirective = 0;
          yield ch === '{' ? { kind: 'open', line } : { kind: 'end', line };
          start = i;
        }
      }
    }
  }
}

/**
 * Parses nginx.conf into its directives and blocks, failing where nginx's parser would fail on
 * syntax (not on unknown directives or bad arguments: that is `nginx -t`'s job).
 */
export function parseNginxConf(text: string): NginxDirective[] {
  const stack: NginxDirective[][] = [[]];
  let words: Array<{ value: string; line: number }> = [];
  for (const t of lexNginxConf(text)) {
    switch (t.kind) {
      case 'word':
        words.push(t);
        break;
      case 'end':
      case 'open': {
        const d: NginxDirective = {
          name: words[0].value,
          args: words.slice(1).map((w) => w.value),
          line: words[0].line,
          ...(t.kind === 'open' ? { block: [] } : {}),
        };
        stack[stack.length - 1].push(d);
        if (d.block) {
          stack.push(d.block);
        }
        words = [];
        break;
      }
      case 'close':
        if (stack.length === 1) {
          throw new NginxParseError('unexpected "}"', t.line);
        }
        stack.pop();
        break;
      case 'eof':
        if (stack.length !== 1) {
          throw new NginxParseError('unexpected end of file, expecting "}"', t.line);
        }
        return stack[0];
    }
  }
  throw new Error('unreachable');
}

/** Each directive (depth first) with the names of the blocks around it, e.g. `['http', 'server']`. */
export function* walk(conf: NginxDirective[], parents: NginxDirective[] = []): Generator<{ d: NginxDirective; parents: NginxDirective[] }> {
  for (const d of conf) {
    yield { d, parents };
    if (d.block) {
      yield* walk(d.block, [...parents, d]);
    }
  }
}

/**
 * The structure of a config without its argument values: names, argument counts and nesting, one
 * line per directive. Two configs with the same shape have the same directives and blocks.
 */
export function shapeOf(conf: NginxDirective[], depth = 0): string[] {
  const out: string[] = [];
  for (const d of conf) {
    out.push(`${'  '.repeat(depth)}${d.name}/${d.args.length}${d.block ? ' {' : ''}`);
    if (d.block) {
      out.push(...shapeOf(d.block, depth + 1), `${'  '.repeat(depth)}}`);
    }
  }
  return out;
}
