import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Include } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar } from '../../lib';
import { podTemplateOf } from '../support/manifests';

const CHECKSUM_ANNOTATION = ReverseProxySidecar.CHECKSUM_ANNOTATION;

/** A synthesized Kubernetes object (plain JSON). */
export type Manifest = any;

/** The pod template of a synthesized workload: at the root for a Pod, below the job template for a CronJob. */
export const podTemplate = podTemplateOf;

/** A container of a synthesized workload, by name; throws when absent so a test cannot pass on `undefined`. */
export function container(manifest: Manifest, name: string): Manifest {
  const found = (podTemplate(manifest).spec.containers ?? []).find((c: Manifest) => c.name === name);
  if (!found) {
    throw new Error(`${manifest.kind} ${manifest.metadata?.name} has no container "${name}"`);
  }
  return found;
}

/** A volume of a synthesized workload, by name; throws when absent. */
export function volume(manifest: Manifest, name: string): Manifest {
  const found = (podTemplate(manifest).spec.volumes ?? []).find((v: Manifest) => v.name === name);
  if (!found) {
    throw new Error(`${manifest.kind} ${manifest.metadata?.name} has no volume "${name}"`);
  }
  return found;
}

/** The config-checksum annotation of a synthesized workload's pod template. */
export function checksumOf(manifest: Manifest): string {
  return podTemplate(manifest).metadata?.annotations?.[CHECKSUM_ANNOTATION];
}

/** The one synthesized object of this kind (and name, when given); throws unless exactly one matches. */
export function find(manifests: Manifest[], kind: string, name?: string): Manifest {
  // ConfigMap names are tokens that resolve at synthesis (content-named): compare as strings.
  const want = name === undefined ? undefined : String(name);
  const found = manifests.filter((m) => m.kind === kind && (want === undefined || m.metadata?.name === want));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` "${name}"` : ''}, found ${found.length}`);
  }
  return found[0];
}

/** A temporary directory for fixtures; call `cleanup()` in `afterEach`/`afterAll`. */
export class TempDir {
  public readonly root: string;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'reverse-proxy-sidecar-test-'));
  }

  /** Writes a file (creating its directories) and returns its absolute path. */
  public write(relPath: string, content: string | Buffer): string {
    const abs = path.join(this.root, relPath);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
    return abs;
  }

  /** Absolute path of a (possibly not existing) entry. */
  public path(relPath: string): string {
    return path.join(this.root, relPath);
  }

  public cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** A cdk8s-plus Deployment with one `app` container listening on `port` (named `http`). */
export function appDeployment(chart: Chart, id = 'web', port = 5000): kplus.Deployment {
  return new kplus.Deployment(chart, id, {
    containers: [{ name: 'app', image: 'app:1.0.0', ports: [{ number: port, name: 'http' }] }],
  });
}

/** A raw Deployment with one `app` container on 5000: no `volumes`, no pod-template annotations. */
export function rawDeployment(chart: Chart, id = 'raw'): ApiObject {
  return new ApiObject(chart, id, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: id },
    spec: {
      selector: { matchLabels: { app: id } },
      template: {
        metadata: { labels: { app: id } },
        spec: { containers: [{ name: 'app', image: 'app:1.0.0', ports: [{ containerPort: 5000, name: 'http' }] }] },
      },
    },
  });
}

/**
 * A StatefulSet "am" in namespace "monitoring" (container `app` on 9093 named `http`) and its Service
 * "am" (9093 named `http`, targetPort `http`), as a chart's YAML would give them.
 */
export const STATEFUL_SET_YAML = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: am
  namespace: monitoring
spec:
  serviceName: am
  selector:
    matchLabels:
      app: am
  template:
    metadata:
      labels:
        app: am
    spec:
      containers:
        - name: app
          image: quay.io/prometheus/alertmanager:v0.28.1
          ports:
            - name: http
              containerPort: 9093
              protocol: TCP
---
apiVersion: v1
kind: Service
metadata:
  name: am
  namespace: monitoring
spec:
  type: ClusterIP
  selector:
    app: am
  ports:
    - name: http
      port: 9093
      targetPort: http
      protocol: TCP
`;

/**
 * The StatefulSet of STATEFUL_SET_YAML without its Service, for tests where the Service plays no
 * part: left as it is, that Service sends 9093 past nginx, an error at synthesis.
 */
export const STATEFUL_SET_ONLY_YAML = STATEFUL_SET_YAML.split('---\n')[0];

/** Writes `yaml` into `dir` and loads it with `Include`. */
export function include(chart: Chart, dir: TempDir, yaml: string, id = 'include'): Include {
  return new Include(chart, id, { url: dir.write(`${id}.yaml`, yaml) });
}

/** The object of `kind` named `name` that `Include` loaded; throws when absent. */
export function included(from: Include, kind: string, name: string): ApiObject {
  const found = from.apiObjects.find((o) => o.kind === kind && o.name === name);
  if (!found) {
    throw new Error(`fixture has no ${kind} "${name}"`);
  }
  return found;
}

/** A regular expression that matches exactly `message` (for `toThrow`, which otherwise matches a substring). */
export function exactly(message: string): RegExp {
  return new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
}
