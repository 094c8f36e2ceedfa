import { DirectiveModel } from '../nginx/model';
import { invalid } from '../errors';
import { checkDirectiveArg, checkDirectiveName } from '../nginx/tokens';

const BLOCK_DIRECTIVES = new Set([
  'charset_map', 'events', 'geo', 'http', 'if', 'limit_except', 'location', 'mail', 'map', 'match', 'server',
  'split_clients', 'stream', 'types', 'upstream',
]);

/** Where an extra directive goes in nginx.conf. */
export enum DirectiveContext {
  /** Inside `http { }`. */
  HTTP = 'http',
  /** Inside the sidecar's `server { }`. */
  SERVER = 'server',
}

/**
 * An extra nginx directive: the escape hatch for what the typed options do not cover.
 *
 * The name must be a plain directive name and each argument is written quoted, so an argument can
 * hold spaces, `;` or `{` but never start a second directive or block. Variables (`$host`) work.
 */
export class Directive {
  /**
   * A directive with its arguments; throws when the name is not a simple directive's or an argument is unsafe.
   * @param name directive name, e.g. `proxy_buffer_size`
   * @param args its arguments, e.g. `16k`
   */
  public static of(name: string, ...args: string[]): Directive {
    checkDirectiveName('Directive name', name);
    if (BLOCK_DIRECTIVES.has(name)) {
      throw invalid('Directive name', name, 'opens a block; only simple directives can be added');
    }
    args.forEach((a, i) => checkDirectiveArg(`Directive "${name}" argument ${i + 1}`, a));
    return new Directive(name, [...args]);
  }

  private constructor(
    /** The directive's name. */
    public readonly name: string,
    /** Its arguments, each written quoted where needed. */
    public readonly args: string[],
  ) {}

  /** @internal */
  public _toModel(): DirectiveModel {
    return { name: this.name, args: [...this.args] };
  }
}
