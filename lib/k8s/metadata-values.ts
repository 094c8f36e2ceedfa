import { invalid } from '../errors';
import { yamlUnsafeCharacter } from './yaml-text';

/** A DNS-1035 label, as Kubernetes requires of a Service's name. */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** The name part of a label or annotation key, and a non-empty label value. */
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A DNS-1123 subdomain: the prefix of a label or annotation key. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether a value is a DNS-1123 subdomain of at most 253 characters (a Secret's, an IngressClass' name). */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/** Whether a value is a plain object (a literal or `Object.create(null)`): a Map's or an array's entries are not properties. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  return proto === Object.prototype || proto === null;
}

/** A Service's (and its Ingress') `metadata.name`: a DNS-1035 label of at most 63 characters. */
export function checkServiceName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS_1035_LABEL.test(value)) {
    throw invalid(field, value, 'must be a DNS-1035 label of at most 63 characters (lower-case letters, digits, "-"; a letter first)');
  }
  return value;
}

/** A label or annotation key: `[prefix/]name`, as Kubernetes checks it. */
function checkKey(field: string, key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length > 63 || !QUALIFIED_NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))) {
    throw invalid(field, key, 'is not a valid key: [a DNS subdomain prefix and "/"] then at most 63 letters, digits, "-", "_" or "."');
  }
}

function checkMap(field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) {
    return {};
  }
  // A plain object only: a Map's (or an array's) entries would not be read.
  if (!isPlainObject(value)) {
    throw invalid(field, value instanceof Map ? Object.fromEntries(value) : value, 'must be an object of string values (or left out), not a Map');
  }
  return value as Record<string, unknown>;
}

/** Labels: valid keys, and values of at most 63 letters, digits, "-", "_" or "." (or empty). */
export function checkLabels(field: string, value: unknown): Record<string, string> {
  const labels = checkMap(field, value);
  for (const [key, v] of Object.entries(labels)) {
    checkKey(`${field} key`, key);
    if (typeof v !== 'string' || v.length > 63 || (v !== '' && !QUALIFIED_NAME.test(v))) {
      throw invalid(`${field}[${JSON.stringify(key)}]`, v, 'must be a label value: at most 63 letters, digits, "-", "_" or "." (or empty)');
    }
  }
  return { ...labels } as Record<string, string>;
}

/** Annotations: valid keys, and string values that every YAML reader reads the same. */
export function checkAnnotations(field: string, value: unknown): Record<string, string> {
  const annotations = checkMap(field, value);
  for (const [key, v] of Object.entries(annotations)) {
    checkKey(`${field} key`, key);
    if (typeof v !== 'string') {
      throw invalid(`${field}[${JSON.stringify(key)}]`, v, 'must be a string');
    }
    const unsafe = yamlUnsafeCharacter(v);
    if (unsafe !== undefined) {
      throw invalid(`${field}[${JSON.stringify(key)}]`, v, `holds ${unsafe}, which YAML readers outside JavaScript read differently`);
    }
  }
  return { ...annotations } as Record<string, string>;
}

/** An object name that is a DNS-1123 subdomain (an IngressClass, a Secret), at most 253 characters. */
export function checkDnsSubdomain(field: string, value: unknown): string {
  if (typeof value !== 'string' || !isDnsSubdomain(value)) {
    throw invalid(field, value, 'must be a DNS subdomain of at most 253 characters (lower-case letters, digits, "-", ".")');
  }
  return value;
}
