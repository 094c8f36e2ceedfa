'use strict';
// The jsii build (run by `npm run build`, hence by `npm pack`): the construct entry compiled by jsii
// into .jsii, the assembly that Python, Java, Go and .NET bindings are generated from, and into
// JavaScript that carries jsii's runtime type marks (by which the kernel names the class of an
// object it hands a binding where the declared type is an interface or a base class).
//
// jsii takes every dependency and peer of package.json for a jsii assembly and lists it in .jsii,
// which every binding then requires. The TypeScript-only entries' peers (ajv, ajv-formats,
// kubernetes-models, yaml: not jsii modules) and the eight optional cdk8s-plus majors (no public
// type needs one; a binding would pull all eight) must stay out of its sight, so jsii runs in a
// stage, build/jsii: lib/ without lib/validation and lib/testing, tsconfig.jsii.json, LICENSE, the
// README as the other languages need it (scripts/bindings-readme.js), and a package.json whose only
// peers are cdk8s and constructs. The stage is also the package jsii-pacmak packs into the bindings
// (scripts/jsii-pacmak.js).
//
// Afterwards .jsii goes to the package root and jsii's JavaScript over tsc's in build/lib (the same
// code, plus the type marks); the declarations stay tsc's, with their maps into lib/.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const { bindingsReadme } = require('./bindings-readme');

const root = path.resolve(__dirname, '..');
const stage = path.join(root, 'build', 'jsii');
/** The peers a jsii binding needs: the rest of package.json's are for the TypeScript-only entries. */
const JSII_PEERS = ['cdk8s', 'constructs'];
/** The entries jsii does not compile: TypeScript-only, with non-jsii peers. */
const TS_ONLY = ['lib/validation', 'lib/testing'];

/** package.json as jsii and the bindings see it. */
function stagedPackageJson(pkg) {
  const staged = { ...pkg };
  for (const key of ['scripts', 'devDependencies', 'overrides', 'bin', 'exports', 'typesVersions', 'peerDependenciesMeta']) {
    delete staged[key];
  }
  staged.peerDependencies = Object.fromEntries(JSII_PEERS.map((name) => [name, pkg.peerDependencies[name]]));
  staged.files = ['build/lib/**/*.js', 'build/lib/**/*.d.ts', '.jsii', 'README.md', 'LICENSE'];
  return staged;
}

/** The files under `dir`, as paths relative to it. */
function filesUnder(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)));
}

/** The environment for jsii's tools: without their banner for a Node release past its end of life. */
function jsiiEnv(extra = {}) {
  return { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0], ...extra };
}

function main() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(path.join(stage, 'lib'), { recursive: true });
  for (const rel of filesUnder(path.join(root, 'lib'))) {
    if (rel.endsWith('.ts') && !TS_ONLY.some((dir) => `lib/${rel}`.startsWith(`${dir}/`))) {
      fs.mkdirSync(path.dirname(path.join(stage, 'lib', rel)), { recursive: true });
      fs.copyFileSync(path.join(root, 'lib', rel), path.join(stage, 'lib', rel));
    }
  }
  for (const file of ['LICENSE', pkg.jsii.tsconfig]) {
    fs.copyFileSync(path.join(root, file), path.join(stage, file));
  }
  fs.writeFileSync(path.join(stage, 'README.md'), bindingsReadme(fs.readFileSync(path.join(root, 'README.md'), 'utf8')));
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(stagedPackageJson(pkg), null, 2)}\n`);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');

  // Silenced: reserved-word (SidecarServiceSpec's `type`, a Go keyword, which the Go binding
  // renames) and missing-dev-dependency (the stage has no devDependencies; the tests
  // run against the newest cdk8s and constructs, not the oldest the peer ranges allow).
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'jsii', 'bin', 'jsii'),
    '--silence-warnings=reserved-word', '--silence-warnings=metadata/missing-dev-dependency'], {
    cwd: stage,
    stdio: 'inherit',
    env: jsiiEnv(),
  });

  fs.copyFileSync(path.join(stage, '.jsii'), path.join(root, '.jsii'));
  copyJs(path.join(stage, 'build', 'lib'), path.join(root, 'build', 'lib'));
}

/** jsii's JavaScript over tsc's, file by file (the validation and testing entries keep tsc's). */
function copyJs(from, to) {
  for (const rel of filesUnder(from).filter((f) => f.endsWith('.js'))) {
    if (!fs.existsSync(path.join(to, rel))) throw new Error(`jsii wrote build/lib/${rel}, which tsc did not (run tsc first)`);
    fs.copyFileSync(path.join(from, rel), path.join(to, rel));
  }
}

if (require.main === module) main();

module.exports = { stagedPackageJson, jsiiEnv, JSII_PEERS, stage };
