import * as path from 'path';
import { gzipSync } from 'zlib';
import { GzipModel } from '../nginx/model';
import { LocalFile } from './local-files';

/** The MIME type nginx's mime.types gives each extension the sidecar precompresses. */
const TYPES: Record<string, string> = {
  '.html': 'text/html', '.htm': 'text/html', '.css': 'text/css', '.js': 'application/javascript',
  '.mjs': 'application/javascript', '.json': 'application/json', '.map': 'application/json', '.txt': 'text/plain',
  '.xml': 'text/xml', '.svg': 'image/svg+xml', '.rss': 'application/rss+xml', '.atom': 'application/atom+xml',
  '.webmanifest': 'application/manifest+json',
};

/**
 * A `.gz` beside each file of a type the sidecar compresses (text/html and `gzip.types`) that is at
 * least `gzip.minLength` and that gzip shrinks by a tenth or more: nginx serves it as it is
 * (`gzip_static on`), so a static file costs no compression per request. Compressed at level 9 once,
 * at synthesis; the gzip header carries no time or name, so the output is the same every run.
 */
export function gzipSiblings(files: LocalFile[], gzip: GzipModel): LocalFile[] {
  const present = new Set(files.map((f) => f.relPath));
  const out: LocalFile[] = [];
  for (const f of files) {
    const type = TYPES[path.extname(f.relPath).toLowerCase()];
    const compressible = type === 'text/html' || (type !== undefined && gzip.types.includes(type));
    if (!compressible || f.bytes.length < gzip.minLengthBytes || present.has(`${f.relPath}.gz`)) {
      continue;
    }
    const gz = gzipSync(f.bytes, { level: 9 });
    if (gz.length <= f.bytes.length * 0.9) {
      out.push({ relPath: `${f.relPath}.gz`, source: `${f.source} (gzip)`, bytes: gz });
    }
  }
  return out;
}
