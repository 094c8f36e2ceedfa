import { arg } from './tokens';

/**
 * Builds nginx.conf text with consistent indentation. Arguments are passed as already-encoded
 * tokens: the renderer writes its own constants as they are and user values through `arg()`.
 */
export class ConfWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  /** A directive: `name tok tok;`. */
  public directive(name: string, ...tokens: string[]): this {
    this.lines.push(`${this.indent()}${[name, ...tokens].join(' ')};`);
    return this;
  }

  /** A directive whose arguments are user values, each checked and quoted as needed. */
  public userDirective(name: string, args: readonly string[]): this {
    return this.directive(name, ...args.map(arg));
  }

  /** A block: `name tok {` ... `}`. */
  public block(head: string, body: (w: this) => void): this {
    this.lines.push(`${this.indent()}${head} {`);
    this.depth++;
    body(this);
    this.depth--;
    this.lines.push(`${this.indent()}}`);
    return this;
  }

  public comment(text: string): this {
    this.lines.push(`${this.indent()}# ${text.replace(/[\r\n]+/g, ' ')}`);
    return this;
  }

  public blank(): this {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== '') {
      this.lines.push('');
    }
    return this;
  }

  public toString(): string {
    return this.lines.join('\n').replace(/\n+$/, '') + '\n';
  }

  private indent(): string {
    return '  '.repeat(this.depth);
  }
}

/** Formats milliseconds as an nginx time in the largest unit that divides it (`10m`, `5s`, `250ms`). */
export function nginxTime(ms: number): string {
  for (const [unit, size] of [['h', 3600000], ['m', 60000], ['s', 1000]] as const) {
    if (ms > 0 && ms % size === 0) {
      return `${ms / size}${unit}`;
    }
  }
  return `${ms}ms`;
}

/** Formats KiB as an nginx size: whole MiB as `Nm`, otherwise `Nk`. */
export function nginxSize(kib: number): string {
  return kib % 1024 === 0 ? `${kib / 1024}m` : `${kib}k`;
}
