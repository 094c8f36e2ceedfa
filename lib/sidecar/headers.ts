import { invalid } from '../errors';
import { HeaderModel } from '../nginx/model';
import { checkHeaderName, checkHeaderValue } from '../nginx/tokens';

/**
 * Checks a header map (names unique in any case, values literal) and returns it as a list in the
 * given order. A value may also be exactly one of `variables` (request headers only).
 */
export function headersOf(field: string, headers: { [name: string]: string } | undefined, variables: string[] = []): HeaderModel[] {
  const seen = new Map<string, string>();
  return Object.entries(headers ?? {}).map(([name, value]) => {
    checkHeaderName(`${field} header name`, name);
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
