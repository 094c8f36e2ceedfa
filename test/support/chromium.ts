import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Flags for Debian's Chromium as root in a namespace without a display or network beyond loopback. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface PageOptions {
  /** How long the page's scripts may run (virtual time) before the DOM is taken. @default 5000 */
  readonly budgetMs?: number;
  /** Also save a screenshot of the page here (PNG). */
  readonly screenshot?: string;
}

/**
 * Opens a URL in headless Chromium inside the network namespace and returns the DOM after the
 * page's scripts ran (fetches included); optionally saves a screenshot.
 */
export async function renderPage(netns: string, url: string, opts: PageOptions = {}): Promise<string> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-'));
  try {
    const run = (extra: string[]) => chromium(netns, [...FLAGS, `--user-data-dir=${profile}`,
      `--virtual-time-budget=${opts.budgetMs ?? 5000}`, ...extra, url]);
    const dom = await run(['--dump-dom']);
    if (opts.screenshot) {
      fs.mkdirSync(path.dirname(opts.screenshot), { recursive: true });
      await run([`--screenshot=${opts.screenshot}`, '--window-size=800,500', '--hide-scrollbars']);
    }
    return dom;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

function chromium(netns: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, 'chromium', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve(out);
      } else {
        reject(new Error(`chromium exited with ${code}:\n${err.slice(-2000)}`));
      }
    });
  });
}
