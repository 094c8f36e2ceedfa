import * as fs from 'fs';
import * as path from 'path';
import { invalid } from '../errors';

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
  const walk = (dir: string, rel: string) => {
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
export function readFile(field: string, file: string): Omit<LocalFile, 'relPath'> {
  const abs = path.resolve(file);
  if (!statOrThrow(field, file).isFile()) {
    throw invalid(field, file, 'is not a regular file');
  }
  return { source: abs, bytes: fs.readFileSync(abs) };
}

