#!/usr/bin/env node
// Times the ways of synthesizing the examples into a scratch directory and prints the medians and
// their ratio to the fastest. Usage: node scripts/bench-synth.js [runs]
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const runs = Number(process.argv[2] ?? 5);
const node = process.execPath;

function time(cmd, args, env) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const start = process.hrtime.bigint();
  execFileSync(cmd, args, { cwd: root, stdio: 'ignore', env: { ...process.env, CDK8S_OUTDIR: out, ...env } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(out, { recursive: true, force: true });
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: root });
const cases = [
  ['npm run synth (ts-node transpile-only)', node, ['-r', 'ts-node/register/transpile-only', 'apps/main.ts']],
  ['ts-node with type-check', node, ['-r', 'ts-node/register', 'apps/main.ts']],
  ['precompiled (node build/apps/main.js)', node, ['build/apps/main.js']],
  ['tsc + node', 'sh', ['-c', 'node_modules/.bin/tsc -p tsconfig.json && node build/apps/main.js']],
  ['cdk8s synth (CLI, --no-validate)', path.join(root, 'node_modules', '.bin', 'cdk8s'),
    ['synth', '--no-validate', '--no-check-upgrade', '--output', os.tmpdir() + '/bench-synth-cli']],
  // The validation plugin of cdk8s.yaml: schema, Pod Security and nginx -t on both examples.
  ['cdk8s synth (CLI, with validation plugin)', path.join(root, 'node_modules', '.bin', 'cdk8s'),
    ['synth', '--no-check-upgrade', '--output', os.tmpdir() + '/bench-synth-cli']],
];
const results = cases.map(([name, cmd, args]) => {
  time(cmd, args); // warm the file cache
  const samples = Array.from({ length: runs }, () => time(cmd, args));
  return { name, ms: median(samples) };
});
fs.rmSync(os.tmpdir() + '/bench-synth-cli', { recursive: true, force: true });
const fastest = Math.min(...results.map((r) => r.ms));
console.log(`synthesis of both examples, median of ${runs} runs on ${os.cpus().length} cores`);
for (const r of results) {
  console.log(`${r.name.padEnd(42)} ${r.ms.toFixed(0).padStart(6)} ms  ${(r.ms / fastest).toFixed(2)}x`);
}
