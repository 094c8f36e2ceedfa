import { ConfigError, invalid } from '../errors';
import { yamlUnsafeCharacter } from '../k8s/yaml-text';

/** The Kubernetes limit on a ConfigMap's data (keys plus values), in bytes. */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/** One file that goes into the static ConfigMap and is mounted at `itemPath`. */
export interface ContentFile {
  /** Path below the static mount, e.g. `www/js/app.js`. */
  readonly itemPath: string;
  /** Where it came from, for messages. */
  readonly source: string;
  readonly bytes: Buffer;
}

/**
 * The static ConfigMap: files keyed by a name derived from their mount path, placed back at that
 * path with `items`. UTF-8 text that every YAML reader reads back as written goes to `data`; anything
 * else (binary files, text with CR, U+2028 or other characters Go's YAML reads differently) to
 * `binaryData`, byte for byte.
 */
export class StaticContent {
  /** By ConfigMap key. */
  private files = new Map<string, ContentFile>();

  /**
   * Adds a route's files, all or none: a clash of paths or keys, or going over 1 MiB, is an error
   * that names the file, and leaves the content as it was.
   */
  public addAll(field: string, files: ContentFile[]): void {
    const staged = new Map(this.files);
    for (const file of files) {
      const key = StaticContent.keyOf(file.itemPath);
      if (key.length > 253) {
        throw invalid(field, file.source, `gives a ConfigMap key of ${key.length} characters, over the limit of 253`);
      }
      const other = staged.get(key); // keys are injective, so the same key is the same path
      if (other) {
        throw invalid(field, file.source, `would be served at the same path as ${JSON.stringify(other.source)} (${file.itemPath})`);
      }
      staged.set(key, file);
    }
    const size = StaticContent.sizeOf(staged);
    if (size > CONFIG_MAP_MAX_BYTES) {
      throw new ConfigError(`${field} ${JSON.stringify(files[files.length - 1]?.source)} brings the static ConfigMap to ${size} bytes, `
        + `over the Kubernetes limit of ${CONFIG_MAP_MAX_BYTES} bytes (1 MiB); serve large assets from the app or an image`);
    }
    this.files = staged;
  }

  /** Bytes counted the way the API server does: key plus value, raw bytes for binaryData. */
  public size(): number {
    return StaticContent.sizeOf(this.files);
  }

  /** `data` and `binaryData`, sorted by key so the output is stable. */
  public toConfigMap(): { data: Record<string, string>; binaryData: Record<string, string> } {
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    for (const key of [...this.files.keys()].sort(cmp)) {
      const bytes = this.files.get(key)!.bytes;
      const text = bytes.toString('utf8');
      if (Buffer.from(text, 'utf8').equals(bytes) && yamlUnsafeCharacter(text) === undefined) {
        data[key] = text;
      } else {
        binaryData[key] = bytes.toString('base64');
      }
    }
    return { data, binaryData };
  }

  private static sizeOf(files: Map<string, ContentFile>): number {
    let total = 0;
    for (const [key, f] of files) {
      total += key.length + f.bytes.length;
    }
    return total;
  }

  /**
   * A ConfigMap key for a mount path. Keys may hold only `-._a-zA-Z0-9`, so `_` escapes: `__` is
   * `_`, `_-` is `/`, `_.` is `~`. Different paths always give different keys.
   */
  public static keyOf(itemPath: string): string {
    return itemPath.replace(/[_/~]/g, (c) => ({ '_': '__', '/': '_-', '~': '_.' } as Record<string, string>)[c]);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
