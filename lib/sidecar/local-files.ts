import * as fs from 'fs';
import * as path from 'path';
import { invalid } from '../errors';
import { CONFIG_MAP_MAX_BYTES } from './static-content';

/** A local file read for a static or file route. */
export interface LocalFile {
  /** Path below the route's directory (or the URI path of a file route), e.g. `js/app.js`. */
  readonly relPath: string;
  /** The absolute path it was read from, for messages. */
  readonly source: string;
  readonly bytes: Buffer;
}

const FILE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Reads a directory recursively, in a stable (sorted) order. Every file and directory name must be
 * usable both as a URI segment and inside a ConfigMap key. Symbolic links are followed only when
 * they stay inside the directory.
 */
export function readDirectory(field: string, directory: string): LocalFile[] {
  const root = path.resolve(directory);
  if (!statOrThrow(field, directory).isDirectory()) {
    throw invalid(field, directory, 'is not a directory');
  }
  const out: LocalFile[] = [];
  const visited = new Set<string>();
  let total = 0;
  const walk = (dir: string, rel: string) => {
    const realDir = realpathOrThrow(field, directory, dir, rel || '.');
    if (visited.has(realDir)) {
      throw invalid(field, directory, `holds ${JSON.stringify(rel)}, a link back to a directory above it (a loop)`);
    }
    visited.add(realDir);
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      if (!FILE_NAME.test(name)) {
        throw invalid(field, directory, `holds ${JSON.stringify(relPath)}, whose name may contain only letters, digits and "._-"`);
      }
      if (name.startsWith('.') && !(name === '.well-known' && rel === '')) {
        // .env, .git, .htpasswd: hidden files are not meant to be published.
        throw invalid(field, directory, `holds the hidden ${JSON.stringify(relPath)}; remove it (only a top-level .well-known is served)`);
      }
      const real = realpathOrThrow(field, directory, abs, relPath);
      if (real !== root && !real.startsWith(fs.realpathSync(root) + path.sep)) {
        throw invalid(field, directory, `holds ${JSON.stringify(relPath)}, a link that leaves the directory`);
      }
      const s = fs.statSync(abs);
      if (s.isDirectory()) {
        walk(abs, relPath);
      } else if (s.isFile()) {
        // Sizes first: a huge (or sparse) file is refused before it is read.
        total += s.size;
        if (total > CONFIG_MAP_MAX_BYTES) {
          throw invalid(field, directory, `holds more than ${CONFIG_MAP_MAX_BYTES} bytes of files (at ${JSON.stringify(relPath)}), `
            + 'over the Kubernetes limit of a ConfigMap (1 MiB); serve large assets from the app or an image');
        }
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
  } catch (e) {
    throw invalid(field, local, fsReason(e, `does not exist (resolved to ${path.resolve(local)})`));
  }
}

function realpathOrThrow(field: string, directory: string, abs: string, relPath: string): string {
  try {
    return fs.realpathSync(abs);
  } catch (e) {
    throw invalid(field, directory, `holds ${JSON.stringify(relPath)}, ${fsReason(e, 'which cannot be read')}`);
  }
}

/** A file system error as words: links that loop, missing files, no permission. */
function fsReason(e: unknown, missing: string): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ELOOP': return 'is a symbolic link that loops (ELOOP)';
    case 'ENOENT': return missing;
    case 'EACCES': return 'cannot be read: permission denied (EACCES)';
    default: return `cannot be read (${code ?? String(e)})`;
  }
}

/** Reads one file, refused before reading when it is larger than a ConfigMap can hold. */
export function readFile(field: string, file: string): Omit<LocalFile, 'relPath'> {
  if (typeof file !== 'string' || file === '') {
    throw invalid(field, file, 'must name a local file');
  }
  const abs = path.resolve(file);
  const s = statOrThrow(field, file);
  if (!s.isFile()) {
    throw invalid(field, file, 'is not a regular file');
  }
  if (s.size > CONFIG_MAP_MAX_BYTES) {
    throw invalid(field, file, `is ${s.size} bytes, over the Kubernetes limit of a ConfigMap (${CONFIG_MAP_MAX_BYTES} bytes, 1 MiB)`);
  }
  return { source: abs, bytes: fs.readFileSync(abs) };
}


/** Reads one file that must be UTF-8 text (a Latin-1 file would turn into U+FFFD silently). */
export function readText(field: string, file: string): string {
  const bytes = readFile(field, file).bytes;
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    throw invalid(field, file, 'is not UTF-8 text; save it as UTF-8 (and declare <meta charset="utf-8">)');
  }
  return text;
}
