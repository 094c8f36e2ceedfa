/**
 * Seed and scale of the injection fuzzing (test/guard/injection-fuzz-*.test.ts): FUZZ_SEED=<int>
 * picks another seed (the default is fixed, so CI is reproducible), and FUZZ_SCALE=<n> multiplies
 * the number of runs (e.g. 10 for a long local run).
 */

function envNumber(name: string, fallback: number, valid: (n: number) => boolean, what: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const n = Number(raw);
  if (!valid(n)) {
    throw new Error(`${name}=${raw} is not ${what}`);
  }
  return n;
}

export const SEED = envNumber('FUZZ_SEED', 20260705, Number.isSafeInteger, 'an integer');
export const SCALE = envNumber('FUZZ_SCALE', 1, (n) => Number.isFinite(n) && n > 0, 'a positive number');

/** `n` runs, times FUZZ_SCALE (at least one). */
export const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
