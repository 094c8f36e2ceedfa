import { invalid } from '../errors';
import { HeaderModel } from '../nginx/model';
import { checkHeaderName, checkHeaderValue } from '../nginx/tokens';

/** Checks a header map (names unique in any case, values literal) and returns it as a list in the given order. */
export function headersOf(field: string, headers: { [name: string]: string } | undefined): HeaderModel[] {
  const seen = new Map<string, string>();
  return Object.entries(headers ?? {}).map(([name, value]) => {
    checkHeaderName(`${field} header name`, name);
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      throw invalid(`${field} header name`, name, `repeats ${JSON.stringify(first)} (header names are case-insensitive); nginx would send both`);
    }
    seen.set(name.toLowerCase(), name);
    return { name, value: checkHeaderValue(`${field} header ${JSON.stringify(name)}`, value) };
  });
}

/** Whether a header of that name (any case) is in the list. */
export function hasHeader(headers: HeaderModel[], name: string): boolean {
  return headers.some((h) => h.name.toLowerCase() === name.toLowerCase());
}
