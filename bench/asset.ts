import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * A deterministic, minified, bootstrap-like stylesheet of about `bytes` bytes. The test fixture's
 * app.css is 3.4 KB, far from the 99 KB stylesheet a real AlertManager UI ships (where sendfile,
 * tcp_nopush and per-hit gzip matter), so the bench serves this one instead of touching the fixture.
 * It compresses like real minified CSS (gzip -5 to about a sixth), because its selectors,
 * properties and values come from small vocabularies, as a framework's do.
 */
export function realisticCss(bytes: number): string {
  let seed = 0x9e3779b9;
  const rand = (n: number): number => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  const pick = <T>(xs: T[]): T => xs[rand(xs.length)];
  const blocks = ['btn', 'card', 'nav', 'navbar', 'alert', 'badge', 'table', 'form-control', 'input-group', 'list-group',
    'modal', 'dropdown', 'pagination', 'progress', 'tooltip', 'popover', 'breadcrumb', 'jumbotron', 'media', 'close'];
  const mods = ['primary', 'secondary', 'success', 'info', 'warning', 'danger', 'light', 'dark', 'sm', 'lg', 'header',
    'body', 'footer', 'title', 'text', 'item', 'link', 'toggle', 'menu', 'group', 'outline-primary', 'outline-danger'];
  const states = ['', '', '', ':hover', ':focus', ':active', '.active', '.disabled', ':not(:disabled)', '::before', '::after'];
  const props: Array<[string, string[]]> = [
    ['color', ['#fff', '#212529', '#007bff', '#6c757d', '#28a745', '#17a2b8', '#ffc107', '#dc3545', 'inherit', 'transparent']],
    ['background-color', ['#fff', '#f8f9fa', '#343a40', '#0069d9', '#5a6268', '#218838', 'rgba(0,0,0,.05)', 'transparent']],
    ['border-color', ['#dee2e6', '#0062cc', '#545b62', '#1e7e34', '#117a8b', 'rgba(0,0,0,.125)', 'transparent']],
    ['padding', ['.375rem .75rem', '.25rem .5rem', '.5rem 1rem', '0', '1.25rem', '.75rem 1.25rem']],
    ['margin-bottom', ['0', '.5rem', '1rem', '-1px', '.25rem']],
    ['font-size', ['.875rem', '1rem', '1.25rem', '.75rem', '75%', 'inherit']],
    ['line-height', ['1.5', '1.2', '1', 'inherit']],
    ['border-radius', ['.25rem', '.2rem', '.3rem', '0', '50%']],
    ['display', ['block', 'inline-block', 'flex', 'none', '-ms-flexbox', 'table']],
    ['box-shadow', ['0 0 0 .2rem rgba(0,123,255,.5)', 'none', 'inset 0 1px 2px rgba(0,0,0,.075)']],
    ['transition', ['color .15s ease-in-out,background-color .15s ease-in-out,border-color .15s ease-in-out,box-shadow .15s ease-in-out']],
    ['font-weight', ['400', '700', '500', 'bolder']],
    ['position', ['relative', 'absolute', 'static', 'fixed']],
    ['z-index', ['1', '2', '1000', '1040', '1050', '1070']],
    ['width', ['100%', 'auto', '50%', '1rem', '25%']],
    ['text-decoration', ['none', 'underline']],
  ];
  const out: string[] = ['/*! bench stylesheet: generated, bootstrap-like */'];
  let size = out[0].length;
  while (size < bytes) {
    const sel: string[] = [];
    for (let i = 0, n = 1 + rand(3); i < n; i++) {
      const block = pick(blocks);
      sel.push(`.${block}-${pick(mods)}${pick(states)}` + (rand(4) === 0 ? ` .${block}-${pick(mods)}` : ''));
    }
    const decls: string[] = [];
    for (let i = 0, n = 2 + rand(5); i < n; i++) {
      const [name, values] = pick(props);
      decls.push(`${name}:${pick(values)}`);
    }
    let rule = `${sel.join(',')}{${decls.join(';')}}`;
    if (rand(40) === 0) {
      rule = `@media (min-width:${pick(['576', '768', '992', '1200'])}px){${rule}}`;
    }
    out.push(rule);
    size += rule.length;
  }
  return out.join('').slice(0, bytes - 1) + '}';
}

/**
 * A copy of the AlertManager UI fixture whose lib/app.css is a realistic `bytes`-sized stylesheet;
 * returns its directory and the stylesheet's bytes.
 */
export function prepareUi(fixture: string, dir: string, bytes: number): { dir: string; css: Buffer; gz: Buffer } {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(fixture, dir, { recursive: true });
  const css = Buffer.from(realisticCss(bytes));
  fs.writeFileSync(path.join(dir, 'lib', 'app.css'), css);
  return { dir, css, gz: zlib.gzipSync(css, { level: 9 }) };
}
