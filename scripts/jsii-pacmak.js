#!/usr/bin/env node
'use strict';
// `npm run bindings [-- --code-only]`: the Python, Java, Go and .NET packages, built by jsii-pacmak
// from the jsii build's stage (build/jsii, made by `npm run build`) into build/bindings (or
// --outdir). The README's TypeScript examples are translated by jsii-rosetta as pacmak writes each
// package's README (`translate`: there is no tablet of translations to take them from). Without
// --code-only, pacmak also compiles and packs each package: that needs Python, a JDK with Maven, Go
// and the .NET SDK; test/jsii/bindings.test.ts runs it with --code-only.
const path = require('path');
const { execFileSync } = require('child_process');
const { jsiiEnv } = require('./jsii-build');

const root = path.resolve(__dirname, '..');
const stage = path.join(root, 'build', 'jsii');

/** The pacmak arguments for the four targets; `extra` adds to them (e.g. --code-only, --outdir DIR). */
function pacmakArgs(extra = []) {
  const outdir = extra.includes('--outdir') ? [] : ['--outdir', path.join(root, 'build', 'bindings')];
  return ['--targets', 'python', 'java', 'go', 'dotnet', '--rosetta-unknown-snippets', 'translate', ...outdir, ...extra, stage];
}

function pacmak(extra, stdio = 'inherit') {
  execFileSync(path.join(root, 'node_modules', '.bin', 'jsii-pacmak'), pacmakArgs(extra), {
    stdio,
    env: jsiiEnv(),
  });
}

if (require.main === module) pacmak(process.argv.slice(2));

module.exports = { pacmak, pacmakArgs };
