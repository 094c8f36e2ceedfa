import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Testing } from 'cdk8s';
import { AlertmanagerChart } from '../../apps/alertmanager/chart';
import { FlaskHelloChart } from '../../apps/flask-hello/chart';
import { ReverseProxySidecar } from '../../lib';
import { K8sObject, podTemplateOf } from '../support/manifests';

const CHECKSUM_ANNOTATION = ReverseProxySidecar.CHECKSUM_ANNOTATION;

const ROOT = path.join(__dirname, '..', '..');

/** What a synthesized example rolls on: its checksum annotation and every file its ConfigMaps hold. */
interface Synthesized {
  readonly checksum: string;
  /** `<ConfigMap>/<key>` → content, for the sidecar's ConfigMaps. */
  readonly files: Map<string, string>;
}

function synthExample(example: 'flask-hello' | 'alertmanager'): Synthesized {
  const chart = example === 'flask-hello' ? new FlaskHelloChart(Testing.app(), example) : new AlertmanagerChart(Testing.app(), example);
  const objects = Testing.synth(chart) as K8sObject[];
  const workload = objects.find((o) => o.kind === (example === 'flask-hello' ? 'Deployment' : 'StatefulSet'))!;
  const files = new Map<string, string>();
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap' && /-proxy-/.test(o.metadata.name))) {
    for (const [k, v] of Object.entries({ ...cm.data, ...cm.binaryData })) {
      // The name ends in a hash of the content: key the files by the name without it.
      files.set(`${cm.metadata.name.replace(/-[0-9a-f]{10}$/, '')}/${k}`, String(v));
    }
  }
  return { checksum: podTemplateOf(workload).metadata.annotations[CHECKSUM_ANNOTATION], files };
}

/**
 * The examples' pods roll whenever anything they serve changes: every file rendered into their
 * ConfigMaps is changed in turn, in a copy of apps/, and the checksum must change with it (and
 * only the files changed). Synthesizing the same input again gives the same checksum. (nginx.conf
 * and the error page come from code; test/sidecar/checksum.test.ts changes those.)
 */
describe('the examples\' checksum annotation', () => {
  const cwd = process.cwd();
  let work: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'checksum-roll-'));
    fs.cpSync(path.join(ROOT, 'apps'), path.join(work, 'apps'), { recursive: true });
    process.chdir(work);
  });
  afterAll(() => {
    process.chdir(cwd);
    fs.rmSync(work, { recursive: true, force: true });
  });

  // The sources of every file the examples render, besides nginx.conf and the error page.
  const sources: Array<['flask-hello' | 'alertmanager', string, string]> = [
    ['flask-hello', 'apps/flask-hello/site/index.html', 'flask-hello-proxy-static/1-index.html'],
    ['flask-hello', 'apps/flask-hello/site/script.js', 'flask-hello-proxy-static/1-script.js'],
    ['alertmanager', 'apps/alertmanager/overrides/script.js', 'alertmanager-proxy-static/1-script.js'],
  ];
  /** The two files every example renders from code. */
  const fromCode = (example: string) => [`${example}-proxy-config/50x.html`, `${example}-proxy-config/nginx.conf`];
  /** Sources the sidecar precompresses (text of at least gzip.minLength, 1 KiB): their .gz is rendered beside them. */
  const precompressed = new Set(['alertmanager-proxy-static/1-script.js']);
  /** A source's rendered keys: its own, and its .gz when it is precompressed. */
  const keysOf = (key: string) => (precompressed.has(key) ? [key, `${key}.gz`] : [key]);

  it.each(['flask-hello', 'alertmanager'] as const)('%s: is the same when the same input is synthesized again', (example) => {
    const a = synthExample(example);
    const b = synthExample(example);
    expect(b.checksum).toBe(a.checksum);
    expect(b.files).toEqual(a.files);
    expect(a.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect([...a.files.keys()].sort()).toStrictEqual([...fromCode(example), ...sources.filter(([e]) => e === example).flatMap(([, , key]) => keysOf(key))].sort());
  });

  it.each(['flask-hello', 'alertmanager'] as const)('%s: every rendered file besides nginx.conf and 50x.html comes from a listed source', (example) => {
    const listed = sources.filter(([e]) => e === example);
    const files = synthExample(example).files;
    const rendered = [...files.keys()].filter((k) => !/\/(nginx\.conf|50x\.html)$/.test(k));
    expect(rendered.length).toBe(listed.flatMap(([, , key]) => keysOf(key)).length);
    // Each listed source is rendered, byte for byte, under its key; its .gz decompresses to it.
    expect(rendered.sort()).toStrictEqual(listed.flatMap(([, , key]) => keysOf(key)).sort());
    for (const [, file, key] of listed) {
      expect(files.get(key)).toBe(fs.readFileSync(file, 'utf8'));
      if (precompressed.has(key)) {
        expect(zlib.gunzipSync(Buffer.from(files.get(`${key}.gz`)!, 'base64')).toString('utf8')).toBe(fs.readFileSync(file, 'utf8'));
      }
    }
  });

  it.each(sources)('%s: changes when %s changes by one byte, and returns when it is restored', (example, file, key) => {
    const before = synthExample(example);
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from(' ')]));
    try {
      const after = synthExample(example);
      expect(after.checksum).not.toBe(before.checksum);
      const changed = [...after.files.keys()].filter((k) => after.files.get(k) !== before.files.get(k));
      expect(changed).toStrictEqual(keysOf(key));
      expect(after.files.get(key)).toBe(`${original.toString('utf8')} `);
    } finally {
      fs.writeFileSync(file, original);
    }
    expect(synthExample(example).checksum).toBe(before.checksum);
  });
});
