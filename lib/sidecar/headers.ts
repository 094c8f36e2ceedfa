import { invalid } from '../errors';
import { HeaderModel } from '../nginx/model';
import { checkHeaderName, checkHeaderValue } from '../nginx/tokens';
import { checkRecord } from './prop-values';

/**
 * Response headers nginx makes itself (from the file, the app's answer or its own modules): one
 * added on top would be sent twice, so each is refused with what to do instead.
 */
const NGINX_RESPONSE_HEADERS: Record<string, string> = {
  'content-type': 'is set by nginx (from mime.types for files, from the app\'s answer otherwise); use a "default_type" route directive for files',
  'location': 'is set by nginx or the app on redirects; use a "return 301 <url>" route directive to redirect',
  'date': 'is set by nginx on every response',
  'server': 'is set by nginx on every response (server_tokens off)',
  'last-modified': 'is set by nginx for files and kept from the app otherwise',
  'etag': 'is set by nginx for files and kept from the app otherwise',
  'accept-ranges': 'is set by nginx for files and kept from the app otherwise',
  'content-range': 'is set by nginx for range requests',
  'vary': 'is set by nginx (Vary: Accept-Encoding with gzip) and by the app; a second Vary would be sent',
};

/**
 * Checks a header map (names unique in any case, values literal) and returns it as a list in the
 * given order. Request headers (`request`) may also have a value that is exactly one of its
 * `variables`; response headers may not be one nginx makes itself.
 */
export function headersOf(field: string, headers: { [name: string]: string } | undefined,
  request?: { readonly variables: string[] }): HeaderModel[] {
  if (headers !== undefined) {
    checkRecord(field === 'responseHeaders' ? field : `${field} headers`, headers, 'header names to values');
  }
  const variables = request?.variables ?? [];
  const seen = new Map<string, string>();
  return Object.entries(headers ?? {}).map(([name, value]) => {
    checkHeaderName(`${field} header name`, name);
    const own = request ? undefined : NGINX_RESPONSE_HEADERS[name.toLowerCase()];
    if (own !== undefined) {
      throw invalid(`${field} header name`, name, own);
    }
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      throw invalid(`${field} header name`, name, `repeats ${JSON.stringify(first)} (header names are case-insensitive); nginx would send both`);
    }
    if (name.toLowerCase() === 'x-request-id') {
      throw invalid(`${field} header name`, name, 'is set by the sidecar: the client\'s ID when it is a safe token, else a new one');
    }
    seen.set(name.toLowerCase(), name);
    if (variables.includes(value)) {
      return { name, value };
    }
    const valueField = `${field} header ${JSON.stringify(name)}`;
    if (variables.length > 0 && typeof value === 'string' && value.includes('$')) {
      throw invalid(valueField, value, `must be literal, or exactly one of ${variables.join(', ')}`);
    }
    return { name, value: checkHeaderValue(valueField, value) };
  });
}

/** Whether a header of that name (any case) is in the list. */
export function hasHeader(headers: HeaderModel[], name: string): boolean {
  return headers.some((h) => h.name.toLowerCase() === name.toLowerCase());
}
