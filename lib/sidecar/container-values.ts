import { invalid } from '../errors';
import { checkRecord } from './prop-values';
import { yamlUnsafeCharacter } from '../k8s/yaml-text';

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Kubernetes' env var names; `.` and `..`-prefixed names are refused by the API server too. */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** An image reference as container runtimes parse it (distribution/reference): [domain/]path[:tag][@algorithm:hex]. */
const IMAGE = new RegExp(`^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::(\\w[\\w.-]{0,127}))?(?:@([a-z0-9]+):([a-f0-9]+))?$`);
/** The digest algorithms runtimes accept, with their hex length. */
const DIGESTS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** The nginx container's name: a DNS label Kubernetes accepts, short enough to prefix the volume names. */
export function checkContainerName(value: unknown): string {
  if (typeof value !== 'string' || value.length > 40 || !DNS_LABEL.test(value)) {
    throw invalid('containerName', value, 'must be a DNS label of at most 40 characters (lower-case letters, digits, "-")');
  }
  return value;
}

/** An image reference a container runtime can pull. */
export function checkImage(value: unknown, field = 'image'): string {
  const m = typeof value === 'string' ? IMAGE.exec(value) : null;
  if (!m) {
    throw invalid(field, value, 'is not an image reference');
  }
  const image = value as string;
  const name = m[1] ? `${m[1]}/${m[2]}` : m[2];
  if (name.length > 255) {
    throw invalid(field, image, `has a name of ${name.length} characters; image names have at most 255`);
  }
  if (m[4] !== undefined) {
    const length = DIGESTS[m[4]];
    if (length === undefined) {
      throw invalid(field, image, `has a digest of algorithm "${m[4]}"; use sha256, sha384 or sha512`);
    }
    if (m[5].length !== length) {
      throw invalid(field, image, `has a ${m[4]} digest of ${m[5].length} hex digits; it takes ${length}`);
    }
  }
  return image;
}

/** A container port's name: an IANA service name (at most 15 lower-case letters, digits and "-", with a letter). */
export function checkPortName(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 15 || !PORT_NAME.test(value) || value.includes('--')) {
    throw invalid(field, value, 'must be an IANA service name: at most 15 lower-case letters, digits and "-", with a letter');
  }
  return value;
}

/** Extra environment variables: names Kubernetes accepts, values that are strings every YAML reader reads back. */
export function checkEnv(value: unknown): { [name: string]: string } {
  if (value === undefined) {
    return {};
  }
  const env = checkRecord('env', value, 'names to string values');
  for (const [name, v] of Object.entries(env)) {
    if (!ENV_NAME.test(name) || name === '.' || name.startsWith('..')) {
      throw invalid('env name', name, 'is not a valid environment variable name');
    }
    if (typeof v !== 'string') {
      throw invalid(`env ${JSON.stringify(name)}`, v, 'must be a string');
    }
    const bad = yamlUnsafeCharacter(v);
    if (bad) {
      throw invalid(`env ${JSON.stringify(name)}`, v, `holds ${bad}, which a process cannot receive or YAML readers outside JavaScript `
        + 'read differently; only printable text, tabs and newlines');
    }
  }
  return env as { [name: string]: string };
}

/** Refuses a port that is one of `taken` ([reason, port]), with that reason. */
export function refuseTaken(field: string, value: number, taken: Array<[string, number | undefined]>): void {
  const clash = taken.find(([, port]) => port === value);
  if (clash) {
    throw invalid(field, value, clash[0]);
  }
}
