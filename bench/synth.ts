import { spawn } from 'child_process';
import * as path from 'path';

export interface SynthSample {
  readonly n: number;
  readonly withSidecar: boolean;
  readonly ms: number;
  /** Of `ms`: building the constructs. */
  readonly buildMs: number;
  /** Of `ms`: inside construct validations (the sidecar's synth-time checks). */
  readonly checksMs: number;
  /** Of `checksMs`: rendering nginx.conf (the checks are the first to need it; output reuses it). */
  readonly renderMs: number;
  readonly maxRssKb: number;
  readonly yamlBytes: number;
}

function runChild(n: number, withSidecar: boolean): Promise<SynthSample> {
  const root = path.join(__dirname, '..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join('bench', 'synth-child.ts'),
      String(n), withSidecar ? 'sidecar' : 'bare'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.on('close', (code) => code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`synth-child ${n} failed: ${err}`)));
  });
}

/**
 * Synthesis of N Deployments with and without a sidecar each, every sample in a fresh child
 * process, bare and sidecar alternated; the fastest of `reps` samples (a neighbour's load only adds time).
 */
export async function benchSynth(sizes: number[], reps: number): Promise<SynthSample[]> {
  const results: SynthSample[] = [];
  for (const n of sizes) {
    for (const withSidecar of [false, true]) {
      results.push({ n, withSidecar, ms: 0, buildMs: 0, checksMs: 0, renderMs: 0, maxRssKb: 0, yamlBytes: 0 });
    }
  }
  const samples = new Map<string, SynthSample[]>();
  for (let r = 0; r < reps; r++) {
    for (const n of sizes) {
      for (const withSidecar of [false, true]) {
        const s = await runChild(n, withSidecar);
        const key = `${n}/${withSidecar}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
      }
    }
  }
  return results.map((x) => {
    const list = [...samples.get(`${x.n}/${x.withSidecar}`)!].sort((a, b) => a.ms - b.ms);
    return list[0];
  });
}
