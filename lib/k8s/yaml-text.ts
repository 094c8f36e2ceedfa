/**
 * Text that every YAML reader reads back exactly as written: YAML 1.2's printable set without the
 * characters YAML 1.1 readers (Go's yaml, hence kubectl) treat as line breaks (U+0085, U+2028,
 * U+2029), without CR (line breaks are normalised), the BOM, and unpaired surrogates. Tab and LF
 * are kept.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

/** The first character of `text` a YAML reader may not read back as written, as `U+XXXX`; undefined when there is none. */
export function yamlUnsafeCharacter(text: string): string | undefined {
  const m = UNSAFE.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}
