import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, invalid } from '../nginx/tokens';

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

const FILE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Reads a directory recursively, in a stable (sorted) order. Every file and directory name must be
 * usable both as a URI segment and inside a ConfigMap key. Symbolic links are followed only when
 * they stay inside the directory.
 */
export function readDirectory(field: string, directory: string): Array<{ relPath: string; source: string; bytes: Buffer }> {
  const root = path.resolve(directory);
  if (!statOrThrow(field, directory).isDirectory()) {
    throw invalid(field, directory, 'is not a directory');
  }
  const out: Array<{ relPath: string; source: string; bytes: Buffer }> = [];
  const walk = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      if (!FILE_NAME.test(name) || name === '.' || name === '..') {
        throw invalid(field, directory, `holds ${JSON.stringify(relPath)}, whose name may contain only letters, digits and "._-"`);
      }
      const real = fs.realpathSync(abs);
      if (real !== root && !real.startsWith(fs.realpathSync(root) + path.sep)) {
        throw invalid(field, directory, `holds ${JSON.stringify(relPath)}, a link that leaves the directory`);
      }
      const s = fs.statSync(abs);
      if (s.isDirectory()) {
        walk(abs, relPath);
      } else if (s.isFile()) {
        out.push({ relPath, source: abs, bytes: fs.readFileSync(abs) });
      }
    }
  };
  walk(root, '');
  if (out.length === 0) {
    throw invalid(field, directory, 'holds no files');
  }
  return out;
}

function statOrThrow(field: string, local: string): fs.Stats {
  try {
    return fs.statSync(local);
  } catch {
    throw invalid(field, local, `does not exist (resolved to ${path.resolve(local)})`);
  }
}

/** Reads one file. */
export function readFile(field: string, file: string): { source: string; bytes: Buffer } {
  const abs = path.resolve(file);
  if (!statOrThrow(field, file).isFile()) {
    throw invalid(field, file, 'is not a regular file');
  }
  return { source: abs, bytes: fs.readFileSync(abs) };
}

/**
 * The static ConfigMap: files keyed by a name derived from their mount path, placed back at that
 * path with `items`. UTF-8 text goes to `data`, anything else to `binaryData`.
 */
export class StaticContent {
  private readonly files = new Map<string, ContentFile>();

  /** Adds a file; a second file at the same mount path is an error that names both. */
  public add(field: string, file: ContentFile): void {
    const existing = this.files.get(file.itemPath);
    if (existing) {
      throw invalid(field, file.source,
        `would be served at the same path as ${JSON.stringify(existing.source)} (${file.itemPath})`);
    }
    const key = StaticContent.keyOf(file.itemPath);
    if (key.length > 253) {
      throw invalid(field, file.source, `gives a ConfigMap key of ${key.length} characters, over the limit of 253`);
    }
    for (const other of this.files.values()) {
      if (StaticContent.keyOf(other.itemPath) === key) {
        throw invalid(field, file.source, `has the same ConfigMap key ${JSON.stringify(key)} as ${JSON.stringify(other.source)}`);
      }
    }
    this.files.set(file.itemPath, file);
    const size = this.size();
    if (size > CONFIG_MAP_MAX_BYTES) {
      throw new ConfigError(`${field} ${JSON.stringify(file.source)} brings the static ConfigMap to ${size} bytes, `
        + `over the Kubernetes limit of ${CONFIG_MAP_MAX_BYTES} bytes (1 MiB); serve large assets from the app or an image`);
    }
  }

  /** Bytes counted the way the API server does: key plus value, raw bytes for binaryData. */
  public size(): number {
    let total = 0;
    for (const f of this.files.values()) {
      total += StaticContent.keyOf(f.itemPath).length + f.bytes.length;
    }
    return total;
  }

  public get isEmpty(): boolean {
    return this.files.size === 0;
  }

  /** `data`, `binaryData` and `items`, sorted by key so the output is stable. */
  public toConfigMap(): { data: Record<string, string>; binaryData: Record<string, string>; items: Array<{ key: string; path: string }> } {
    const data: Record<string, string> = {};
    const binaryData: Record<string, string> = {};
    const items: Array<{ key: string; path: string }> = [];
    const sorted = [...this.files.values()].sort((a, b) => cmp(a.itemPath, b.itemPath));
    for (const f of sorted) {
      const key = StaticContent.keyOf(f.itemPath);
      const text = f.bytes.toString('utf8');
      if (Buffer.from(text, 'utf8').equals(f.bytes)) {
        data[key] = text;
      } else {
        binaryData[key] = f.bytes.toString('base64');
      }
      items.push({ key, path: f.itemPath });
    }
    return { data, binaryData, items };
  }

  /** A ConfigMap key: the mount path with every character a key may not hold (`/`, `~`) as `_`. */
  public static keyOf(itemPath: string): string {
    return itemPath.replace(/[^-._a-zA-Z0-9]/g, '_');
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
