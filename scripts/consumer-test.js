#!/usr/bin/env node
// The tarball test: what a user gets from `npm install`, in a fresh project laid out like
// `cdk8s init typescript-app`, once per cdk8s-plus major (27 and 34 unless named).
//
//   node scripts/consumer-test.js [27 34 ...] [--update-snapshots] [--keep]
//
// It packs this repository (`npm pack`, which builds first), checks what the tarball holds, and for
// each major makes a project in a temp dir with the template's package.json scripts, tsconfig.json
// (strict, no skipLibCheck), jest.config.js and cdk8s.yaml, taken from the cdk8s-cli this repository
// installs. It installs the README's install lines (examples/consumer/install.sh, with the tarball
// for the package and the major under test for cdk8s-plus-34) and the template's dev dependencies,
// writes the README's charts (examples/consumer/*.ts, the major swapped in), its jest example
// (main.test.ts), a snapshot test (snapshot.test.ts, against examples/consumer/snapshots/cdk8s-plus-N.snap),
// the ways of exposing the sidecar with what each gives (idioms.test.ts) and the README's
// `validations:` block into cdk8s.yaml, then runs `tsc --noEmit` (every chart and test), `cdk8s synth`
// (with the plugin), each other chart with ts-node, `readme-examples-check.js` (every Service and
// Ingress reaches nginx; validation finds nothing) and `jest --ci`. Each README block must be exactly
// its file in examples/consumer/, and every block a file CI runs (scripts/readme-blocks.js).
//
// Needs the repository's dev dependencies (npm ci), the npm registry (or npm's cache: installs use
// --prefer-offline) and nginx for `nginx -t`. Everything it writes goes to one temp dir (also the
// TMPDIR of every command it runs), removed at the end unless --keep. Any failure exits non-zero.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples', 'consumer');
const TEMPLATE = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
const PACKAGE = require(path.join(ROOT, 'package.json'));
const README_MAJOR = 'cdk8s-plus-34';

const args = process.argv.slice(2);
const update = args.includes('--update-snapshots');
const keep = args.includes('--keep');
const majors = args.filter((a) => /^\d+$/.test(a)).map(Number);

/** Stops the test with a message (main cleans up and exits 1). */
function fail(message) {
  throw new Error(message);
}

function log(message) {
  console.log(`consumer-test: ${message}`);
}

/** Runs a command, echoing it; throws with its output on a non-zero exit. */
function run(cmd, cmdArgs, options) {
  const started = Date.now();
  const shown = `${cmd} ${cmdArgs.map((a) => (a.includes('\n') ? `'${a.split('\n')[0]} ...'` : a)).join(' ')}`;
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.error || r.status !== 0) {
    fail(`\`${shown}\` in ${options.cwd} ${r.error ? `failed: ${r.error.message}` : `exited ${r.status ?? r.signal}`}:\n${r.stdout}${r.stderr}`);
  }
  log(`  ${shown} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return r.stdout;
}

// ---- the README's blocks are exactly the files under examples/consumer ----

const { readmeBlocks } = require('./readme-blocks');

/** The README's TypeScript charts besides main.ts: each is compiled, synthesized and checked. */
const CHARTS = ['exposing.ts', 'routes.ts', 'https.ts', 'protect.ts', 'access.ts', 'oauth2-proxy.ts', 'metrics.ts', 'include.ts', 'hosts.ts'];
/** The chart other languages write (examples/bindings/main.ts, SidecarHost.fromConstruct), run as the others are. */
const BINDINGS_CHART = 'bindings-main.ts';
/** What the charts read, relative to the project root, and the PodMonitor checked against the metrics chart. */
// (idioms.test.ts, beside the README's jest example, tests each way of exposing the sidecar on the major.)
const CHART_FILES = ['site', 'upstream.yaml', 'podmonitor.yaml'];

function checkReadme() {
  const { marked, problems } = readmeBlocks(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
  if (problems.length > 0) fail(`README.md: ${problems.join('; ')}`);
  for (const name of ['install.sh', 'main.ts', 'main.test.ts', 'cdk8s.validations.yaml', ...CHARTS, 'podmonitor.yaml']) {
    if (!marked.has(name)) fail(`README.md has no block marked <!-- examples/consumer/${name} -->`);
  }
  for (const [name, block] of marked) {
    if (block !== fs.readFileSync(path.join(EXAMPLES, name), 'utf8')) {
      fail(`README.md's block marked examples/consumer/${name} differs from the file: make them the same`);
    }
  }
}

// ---- the tarball ----

function pack(dir) {
  const out = run('npm', ['pack', '--pack-destination', dir, '--json', '--foreground-scripts=false'], { cwd: ROOT, env: childEnv(dir) });
  const [info] = JSON.parse(out);
  const files = info.files.map((f) => f.path).sort();
  const allowed = /^(\.jsii|build\/lib\/.+\.(js|d\.ts|d\.ts\.map)|lib\/.+\.ts|validation-plugin\.(js|d\.ts)|bin\/cdk8s-reverse-proxy-sidecar\.js|README\.md|LICENSE|package\.json)$/;
  const stray = files.filter((f) => !allowed.test(f) || /(^|\/)(test|tests|bench|__snapshots__|fixtures)\//.test(f) || /\.test\./.test(f));
  if (stray.length > 0) fail(`the tarball holds files it should not:\n  ${stray.join('\n  ')}`);
  const needed = ['.jsii', 'LICENSE', 'README.md', 'validation-plugin.js', 'validation-plugin.d.ts'];
  for (const target of [PACKAGE.main, PACKAGE.types, ...Object.values(PACKAGE.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))]) {
    needed.push(path.posix.normalize(target));
  }
  needed.push(...files.filter((f) => f.endsWith('.d.ts') && f.startsWith('build/')).map((f) => `${f}.map`));
  const missing = [...new Set(needed)].filter((f) => !files.includes(f));
  if (missing.length > 0) fail(`the tarball lacks files the package needs:\n  ${missing.join('\n  ')}`);
  checkJsii(path.join(dir, info.filename));
  log(`packed ${info.filename}: ${files.length} files, ${(info.size / 1024).toFixed(0)} KiB`);
  return path.join(dir, info.filename);
}

/**
 * The jsii build in the tarball (scripts/jsii-build.js): an assembly that needs cdk8s and constructs
 * only (no binding pulls a cdk8s-plus major or the validation peers), and the construct's JavaScript
 * from jsii, with its runtime type marks (tsc's would have none).
 */
function checkJsii(tarball) {
  const assembly = JSON.parse(run('tar', ['-xzOf', tarball, 'package/.jsii'], {}));
  const deps = Object.keys(assembly.dependencies ?? {}).sort().join(', ');
  if (assembly.name !== PACKAGE.name || deps !== 'cdk8s, constructs') {
    fail(`the tarball's .jsii is ${assembly.name} needing ${deps}, not ${PACKAGE.name} needing cdk8s, constructs`);
  }
  const js = run('tar', ['-xzOf', tarball, 'package/build/lib/sidecar/reverse-proxy-sidecar.js'], {});
  if (!js.includes('[JSII_RTTI_SYMBOL_1] = { fqn: "cdk8s-reverse-proxy-sidecar.ReverseProxySidecar"')) {
    fail("the tarball's build/lib/sidecar/reverse-proxy-sidecar.js is not jsii's (no runtime type mark)");
  }
}

// ---- one consumer project ----

/** The README's install lines as npm arguments, with the tarball and the major under test. */
function installCommands(tarball, major) {
  const commands = [];
  for (const line of fs.readFileSync(path.join(EXAMPLES, 'install.sh'), 'utf8').split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words[0] !== 'npm' || words[1] !== 'install') fail(`examples/consumer/install.sh: not an npm install line: ${line}`);
    commands.push(words.slice(1).map((w) => (w === PACKAGE.name ? tarball : w === README_MAJOR ? `cdk8s-plus-${major}` : w)));
  }
  const all = commands.flat();
  if (!all.includes(tarball) || !all.includes(`cdk8s-plus-${major}`)) {
    fail(`examples/consumer/install.sh must install ${PACKAGE.name} and ${README_MAJOR}`);
  }
  return commands;
}

function writeProject(dir, major) {
  const template = (name) => fs.readFileSync(path.join(TEMPLATE, name), 'utf8');
  const cli = require(path.join(ROOT, 'node_modules', 'cdk8s-cli', 'package.json')).version;
  // package.json: the template's scripts and dev dependencies; its dependencies (cdk8s,
  // constructs, cdk8s-plus-33) come from the README's install lines instead.
  const pkg = JSON.parse(template('package.json').replace('{{ $base }}', `consumer-plus-${major}`).replace('{{ cdk8s_cli_spec }}', cli));
  pkg.dependencies = {};
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), template('tsconfig.json'));
  fs.writeFileSync(path.join(dir, 'jest.config.js'), template('jest.config.js'));
  // cdk8s.yaml: the template's, without `imports: [k8s]` (the chart does not use them and
  // `cdk8s import` downloads), plus the README's validations block.
  const cdk8sYaml = template('cdk8s.yaml').replace(/^imports:\n(  - .*\n)+/m, '');
  if (/imports/.test(cdk8sYaml)) fail(`cdk8s-cli's template cdk8s.yaml changed: ${cdk8sYaml}`);
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `${cdk8sYaml.trimEnd()}\n${fs.readFileSync(path.join(EXAMPLES, 'cdk8s.validations.yaml'), 'utf8')}`);
  // The charts for the major under test, the README's jest example, the snapshot test, what the charts read.
  for (const name of ['main.ts', ...CHARTS, 'idioms.test.ts', BINDINGS_CHART]) {
    const source = name === BINDINGS_CHART ? path.join(ROOT, 'examples', 'bindings', 'main.ts') : path.join(EXAMPLES, name);
    const chart = fs.readFileSync(source, 'utf8');
    if (chart.includes('cdk8s-plus-') && !chart.includes(`'${README_MAJOR}'`)) fail(`${path.relative(ROOT, source)} imports another major than '${README_MAJOR}'`);
    fs.writeFileSync(path.join(dir, name), chart.split(`'${README_MAJOR}'`).join(`'cdk8s-plus-${major}'`));
  }
  for (const name of ['main.test.ts', 'behaviour.test.ts', 'snapshot.test.ts', ...CHART_FILES]) {
    fs.cpSync(path.join(EXAMPLES, name), path.join(dir, name), { recursive: true });
  }
  fs.copyFileSync(path.join(__dirname, 'readme-examples-check.js'), path.join(dir, 'readme-examples-check.js'));
  const snap = path.join(EXAMPLES, 'snapshots', `cdk8s-plus-${major}.snap`);
  if (fs.existsSync(snap) && !update) {
    fs.mkdirSync(path.join(dir, '__snapshots__'));
    fs.copyFileSync(snap, path.join(dir, '__snapshots__', 'snapshot.test.ts.snap'));
  } else if (!update) {
    fail(`no snapshot ${path.relative(ROOT, snap)}: run with --update-snapshots and commit it`);
  }
  return snap;
}

function consumer(work, tarball, major) {
  const started = Date.now();
  const dir = path.join(work, `plus-${major}`);
  fs.mkdirSync(dir);
  log(`cdk8s-plus-${major}: ${dir}`);
  const snap = writeProject(dir, major);
  const env = childEnv(work);
  const opts = { cwd: dir, env };
  // The README's install lines as a user types them; the first also installs the template's dev dependencies.
  for (const command of installCommands(tarball, major)) {
    run('npm', [...command, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], opts);
  }
  // The package's peers: the ones installed must satisfy its ranges (npm ls fails on an invalid
  // one), the required ones must be there, and npm must not have added another cdk8s-plus major.
  const installed = (name) => fs.existsSync(path.join(dir, 'node_modules', name, 'package.json'));
  const peers = Object.keys(PACKAGE.peerDependencies);
  const absent = peers.filter((n) => !PACKAGE.peerDependenciesMeta?.[n]?.optional).concat(`cdk8s-plus-${major}`).filter((n) => !installed(n));
  if (absent.length > 0) fail(`after the README's install lines, ${absent.join(', ')} are not installed`);
  // (cdk8s-cli itself depends on one major: those that something else asks for do not count.)
  const onlyOurs = (name) => JSON.parse(run('npm', ['explain', name, '--json'], opts))
    .every((node) => node.dependents.every((d) => d.from?.name === PACKAGE.name));
  const otherMajors = peers.filter((n) => /^cdk8s-plus-\d+$/.test(n) && n !== `cdk8s-plus-${major}` && installed(n) && onlyOurs(n));
  if (otherMajors.length > 0) fail(`npm installed ${otherMajors.join(', ')} beside cdk8s-plus-${major} for ${PACKAGE.name}`);
  run('npm', ['ls', PACKAGE.name, ...peers.filter(installed)], opts);
  run('npx', ['--no-install', 'tsc', '--noEmit', '-p', '.'], opts);
  const synth = run('npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], opts);
  // The plugin ran and found nothing: cdk8s-cli prints its report with the plugin's metadata.
  const report = ['Validation Report', 'nginx -t', 'success'];
  if (!report.every((s) => synth.includes(s)) || !/findings[^\n]*\b0\b/.test(synth)) {
    fail(`cdk8s synth did not print the validation plugin's success report:\n${synth}`);
  }
  const manifest = fs.readFileSync(path.join(dir, 'dist', 'my-app.k8s.yaml'), 'utf8');
  if (!manifest.includes('name: nginx')) fail(`dist/my-app.k8s.yaml has no nginx container:\n${manifest}`);
  // The README's other charts, each as a user runs one (the template's ts-node), into examples-out/;
  // then every Service and Ingress of each, and of dist/, must reach nginx, and the validation find nothing.
  for (const name of [...CHARTS, BINDINGS_CHART]) {
    run('npx', ['--no-install', 'ts-node', '-T', name], { ...opts, env: { ...env, CDK8S_OUTDIR: 'examples-out' } });
  }
  log(run('node', ['readme-examples-check.js', 'dist', 'examples-out', '--pod-monitor', 'podmonitor.yaml'], opts).trimEnd());
  // And the check fails where a Service reaches the app: a copy of my-app.k8s.yaml whose Service targets 5000.
  fs.mkdirSync(path.join(dir, 'bypass-out'));
  fs.writeFileSync(path.join(dir, 'bypass-out', 'bypass.k8s.yaml'), manifest.replace(/targetPort: 8080/, 'targetPort: 5000'));
  const bypass = spawnSync('node', ['readme-examples-check.js', 'bypass-out'], { ...opts, encoding: 'utf8' });
  if (bypass.status !== 1 || !/port 80 reaches container app of Deployment/.test(bypass.stderr)) {
    fail(`readme-examples-check.js did not refuse a Service to the app's port (exit ${bypass.status}):\n${bypass.stdout}${bypass.stderr}`);
  }
  log('  readme-examples-check.js on a Service to the app\'s port: exit 1, "reaches container app"');
  // And the plugin refuses a broken manifest: an app that writes a Deployment with a misspelt field.
  fs.writeFileSync(path.join(dir, 'broken-app.js'), BROKEN_APP);
  const broken = spawnSync('npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade', '--app', 'node broken-app.js', '--output', 'broken-dist'],
    { ...opts, encoding: 'utf8' });
  if (broken.status !== 2 || !broken.stdout.includes('spec.replica: unknown field')) {
    fail(`cdk8s synth of a broken manifest did not fail with the plugin's finding (exit ${broken.status}):\n${broken.stdout}${broken.stderr}`);
  }
  log('  cdk8s synth --app "node broken-app.js": exit 2, spec.replica: unknown field');
  // The plugin's module by its package export too, the same class as the validation entry's.
  run('node', ['-e', `const { ManifestValidationPlugin: P } = require('${PACKAGE.name}/validation-plugin');
    if (typeof P !== 'function' || P !== require('${PACKAGE.name}/validation').ManifestValidationPlugin) process.exit(1);`], opts);
  // TypeScript users keep `instanceof ConfigError` (the class jsii leaves out), with the message whole.
  run('node', ['-e', `const { ConfigError, Route } = require('${PACKAGE.name}');
    try { Route.proxy('api'); } catch (e) {
      if (e instanceof ConfigError && e.message === 'Route.proxy("api") path "api" must start with "/"') process.exit(0);
      console.error(e); }
    process.exit(1);`], opts);
  const jestArgs = ['--no-install', 'jest', '--cacheDirectory', path.join(work, 'jest-cache')];
  run('npx', [...jestArgs, ...(update ? ['--ci=false', '-u'] : ['--ci'])], opts);
  // The README's behaviour test as an ordinary user (nobody), and without nginx: the install line.
  asOrdinaryUser(dir, work, opts);
  const noNginx = spawnSync('npx', [...jestArgs, '--ci', 'behaviour.test.ts'], { ...opts, env: { ...env, SIDECAR_TEST_NGINX: '/nonexistent/nginx' }, encoding: 'utf8' });
  if (noNginx.status !== 1 || !/SidecarTestServer needs a local nginx: install nginx \(Debian\/Ubuntu: apt-get install nginx-light/.test(noNginx.stderr)) {
    fail(`behaviour.test.ts without nginx did not fail with the install line (exit ${noNginx.status}):\n${noNginx.stdout}${noNginx.stderr}`);
  }
  log('  jest behaviour.test.ts without nginx: exit 1, "SidecarTestServer needs a local nginx: install nginx ..."');
  // The serve command is installed as a bin, and answers bad arguments with its usage.
  const cli = spawnSync('npx', ['--no-install', 'cdk8s-reverse-proxy-sidecar', 'serve', 'dist/my-app.k8s.yaml'], { ...opts, encoding: 'utf8' });
  if (cli.status !== 1 || !cli.stderr.includes('usage: cdk8s-reverse-proxy-sidecar serve <file.k8s.yaml> --app <host:port>')) {
    fail(`npx cdk8s-reverse-proxy-sidecar serve without --app did not print its usage (exit ${cli.status}):\n${cli.stdout}${cli.stderr}`);
  }
  log('  npx cdk8s-reverse-proxy-sidecar serve dist/my-app.k8s.yaml (no --app): exit 1 with the usage');
  if (update) {
    fs.mkdirSync(path.dirname(snap), { recursive: true });
    fs.copyFileSync(path.join(dir, '__snapshots__', 'snapshot.test.ts.snap'), snap);
    log(`  wrote ${path.relative(ROOT, snap)}`);
  }
  log(`cdk8s-plus-${major} passed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs the README's behaviour test as `nobody` (when this runs as root): the project made readable,
 * a jest cache and a temp dir of nobody's own. The test server needs no root.
 */
function asOrdinaryUser(dir, work, opts) {
  if (process.getuid() !== 0) {
    log('  (not root: the behaviour test ran as this user above)');
    return;
  }
  const own = path.join(work, 'nobody');
  fs.mkdirSync(path.join(own, 'tmp'), { recursive: true });
  for (const d of [work, dir]) fs.chmodSync(d, 0o755);
  run('chmod', ['-R', 'a+rX', dir], opts);
  run('chown', ['-R', 'nobody', own], opts);
  const env = { ...opts.env, TMPDIR: path.join(own, 'tmp'), HOME: own, CDK8S_OUTDIR: path.join(own, 'dist') };
  run('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--',
    'npx', '--no-install', 'jest', '--ci', '--cacheDirectory', path.join(own, 'jest-cache'), 'behaviour.test.ts'], { ...opts, env });
  log('  jest behaviour.test.ts as nobody passed');
}

/** A cdk8s app in plain node that writes one Deployment with `replica` for `replicas`. */
const BROKEN_APP = `const fs = require('fs');
const path = require('path');
const out = process.env.CDK8S_OUTDIR;
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'broken.k8s.yaml'), [
  'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: broken', 'spec:', '  replica: 1',
  '  selector:', '    matchLabels: { app: broken }', '  template:', '    metadata:', '      labels: { app: broken }',
  '    spec:', '      containers:', '        - name: app', '          image: app:1.0.0', '',
].join('\\n'));
`;

/** The environment of every command: TMPDIR inside the work dir, so that nothing is left elsewhere. */
function childEnv(work) {
  const tmp = path.join(work, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const env = { ...process.env, TMPDIR: tmp, CI: 'true', CDK8S_CHECK_UPGRADE: 'false' };
  delete env.npm_config_prefix;
  return env;
}

function main() {
  const started = Date.now();
  try {
    if (args.some((a) => !/^\d+$/.test(a) && a !== '--update-snapshots' && a !== '--keep')) {
      fail('usage: node scripts/consumer-test.js [27 34 ...] [--update-snapshots] [--keep]');
    }
    if (majors.length === 0) majors.push(27, 34);
    const outside = majors.filter((m) => m < 27 || m > 34);
    if (outside.length > 0) fail(`cdk8s-plus-${outside.join(', ')}: the supported majors are 27 to 34`);
    if (!fs.existsSync(TEMPLATE)) fail(`no ${path.relative(ROOT, TEMPLATE)}: run npm ci first`);
    checkReadme();
  } catch (e) {
    console.error(`consumer-test: ${e.message}`);
    process.exit(1);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-test-'));
  const cleanup = () => {
    if (keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => { cleanup(); process.exit(130); });
  }
  try {
    const tarball = pack(work);
    for (const major of majors) consumer(work, tarball, major);
  } catch (e) {
    console.error(`consumer-test: FAILED\n${e.message}`);
    process.exitCode = 1;
  } finally {
    cleanup();
  }
  if (!process.exitCode) log(`passed for cdk8s-plus-${majors.join(', ')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main();
