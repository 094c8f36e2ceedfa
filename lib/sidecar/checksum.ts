import { createHash } from 'crypto';
import { SidecarFiles } from './rendered-files';

/** SHA-256 of everything rendered into the ConfigMaps: nginx.conf, the error page and the static files. */
export function checksumOf(files: SidecarFiles): string {
  const hash = createHash('sha256');
  const parts: Array<[string, string]> = [
    ...Object.entries(files.config).map(([k, v]) => [`conf:${k}`, v] as [string, string]),
    ...Object.entries(files.configBinary).map(([k, v]) => [`conf-binary:${k}`, v] as [string, string]),
    ...Object.entries(files.content.data).map(([k, v]) => [`data:${k}`, v] as [string, string]),
    ...Object.entries(files.content.binaryData).map(([k, v]) => [`binary:${k}`, v] as [string, string]),
  ];
  for (const [k, v] of parts) {
    // Length-prefixed, so no two different inputs give the same byte stream.
    hash.update(`${k.length}:${k}${Buffer.byteLength(v)}:`).update(v);
  }
  return hash.digest('hex');
}
