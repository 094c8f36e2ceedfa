// One temp dir per jest run: globalSetup points TMPDIR at it (the workers, and every child process the
// tests start, inherit it), globalTeardown removes it. So a run leaves the temp dir as it found it, also
// when tests fail or time out; a run that was killed leaves one directory, which the next run removes.
const fs = require('fs');
const os = require('os');
const path = require('path');

const PREFIX = 'rps-test-';

/**
 * What other software leaves in the temp dir and the run removes without complaint: cdk8s'
 * `Testing.app()` makes one outdir per call and never removes it; cdk8s-cli keeps a compile cache.
 * Anything else left behind came from this repository's tests or support code, which clean up after
 * themselves: the teardown names it and fails the run.
 */
const THIRD_PARTY = [/^cdk8s\.outdir\./, /^v8-compile-cache-/];

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

async function setup() {
  const outer = os.tmpdir();
  // Run directories of runs that were killed before their teardown (the pid in the name is gone).
  for (const name of fs.readdirSync(outer)) {
    const m = name.startsWith(PREFIX) && /^(\d+)-/.exec(name.slice(PREFIX.length));
    if (m && !alive(Number(m[1]))) {
      fs.rmSync(path.join(outer, name), { recursive: true, force: true });
    }
  }
  const dir = fs.mkdtempSync(path.join(outer, `${PREFIX}${process.pid}-`));
  // Tests that run a process as another uid (nobody, a container's user) give it a directory in here.
  fs.chmodSync(dir, 0o755);
  process.env.RPS_TEST_OUTER_TMPDIR = outer;
  process.env.TMPDIR = dir;
}

async function teardown(globalConfig) {
  const dir = process.env.TMPDIR;
  const outer = process.env.RPS_TEST_OUTER_TMPDIR;
  if (!outer || path.dirname(dir) !== outer || !path.basename(dir).startsWith(PREFIX)) {
    throw new Error(`globalTeardown: TMPDIR=${dir} is not the run's temp dir made by globalSetup`);
  }
  const leftovers = fs.readdirSync(dir).filter((name) => !THIRD_PARTY.some((re) => re.test(name))).sort();
  fs.rmSync(dir, { recursive: true, force: true });
  process.env.TMPDIR = outer;
  if (leftovers.length > 0 && globalConfig.testNamePattern) {
    // With -t, jest skips the afterAll hooks of describe blocks none of whose tests match, so a
    // directory made while collecting tests stays: not a failure of the tests, only of the filter.
    console.warn(`removed ${leftovers.length} entries that the tests filtered out by -t left in the temp dir`);
  } else if (leftovers.length > 0) {
    throw new Error(`the tests left ${leftovers.length} entries in the temp dir (removed now; each test must clean up `
      + `after itself):\n  ${leftovers.slice(0, 20).join('\n  ')}${leftovers.length > 20 ? '\n  ...' : ''}`);
  }
}

module.exports = { setup, teardown, THIRD_PARTY };
