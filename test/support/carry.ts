import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/**
 * A fresh directory under the temp dir that a process of another uid (nobody, a container's user) can
 * read, for what a test gives that process from the checkout. The checkout itself may be out of that
 * uid's reach (a clone under a directory only root can enter) or its files private (umask 077), so a
 * test copies what is needed in here, with modes that let any uid read it (as an installed package or
 * an image layer would have them). Remove it with `cleanup()`.
 */
export class CarriedDir {
  public readonly root: string;

  constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'carried-'));
    fs.chmodSync(this.root, 0o755);
  }

  /** Copies a file or directory from the checkout (a path relative to it) to `dest` (relative to this directory). */
  public copy(fromCheckout: string, dest: string = fromCheckout): string {
    const to = path.join(this.root, dest);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.cpSync(path.join(ROOT, fromCheckout), to, { recursive: true });
    readableByAll(to);
    return to;
  }

  /** An empty directory that `uid` owns, e.g. for its TMPDIR. */
  public ownedBy(uid: number, gid: number, dest: string): string {
    const dir = path.join(this.root, dest);
    fs.mkdirSync(dir, { recursive: true });
    fs.chownSync(dir, uid, gid);
    fs.chmodSync(dir, 0o700);
    return dir;
  }

  /** Throws, naming the directory, unless `uid` can enter it (each parent must let it through). */
  public assertReachableBy(uid: number): void {
    const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'test', '-r', this.root, '-a', '-x', this.root]);
    if (r.status !== 0) {
      throw new Error(`uid ${uid} cannot enter ${this.root}: point TMPDIR at a directory every user can enter (such as /tmp)`);
    }
  }

  public cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * Makes `entry` (a .ts file of the checkout, e.g. `lib/validation/index.ts`) runnable here without
   * ts-node or the checkout: it and every file it requires, transpiled to JavaScript at the same
   * relative paths, and the packages they require from node_modules (with their dependencies).
   * Returns the path of the entry's JavaScript.
   */
  public bundle(entry: string): string {
    // Loaded here, not for every test file that imports this module.
    const ts: typeof import('typescript') = require('typescript');
    const options = ts.parseJsonConfigFileContent(
      ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile).config, ts.sys, ROOT).options;
    const files = [path.join(ROOT, entry)];
    const done = new Set<string>();
    const packages = new Set<string>();
    while (files.length > 0) {
      const file = files.pop()!;
      if (done.has(file)) {
        continue;
      }
      done.add(file);
      const source = fs.readFileSync(file, 'utf8');
      const js = file.endsWith('.ts') ? ts.transpileModule(source, { compilerOptions: options, fileName: file }).outputText : source;
      const out = path.join(this.root, path.relative(ROOT, file).replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(out), { recursive: true, mode: 0o755 });
      fs.writeFileSync(out, js, { mode: 0o644 });
      // Literal requires only: a computed one (require(`x/${y}`)) is of something the entry loads on demand.
      for (const [, spec] of js.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        if (spec.startsWith('.')) {
          files.push(resolveSource(path.resolve(path.dirname(file), spec)));
        } else if (!builtinModules.includes(spec.replace(/^node:/, '').split('/')[0])) {
          packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        }
      }
    }
    const copied = new Set<string>();
    const copyPackage = (name: string, direct: boolean) => {
      if (copied.has(name)) {
        return;
      }
      copied.add(name);
      const dir = path.join(ROOT, 'node_modules', name);
      if (!fs.existsSync(dir)) {
        if (direct) {
          throw new Error(`${entry} requires ${name}, which is not in node_modules`);
        }
        return; // a dependency installed inside its dependent's own node_modules, copied with it
      }
      this.copy(path.relative(ROOT, dir));
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      Object.keys(manifest.dependencies ?? {}).forEach((d) => copyPackage(d, false));
    };
    packages.forEach((p) => copyPackage(p, true));
    readableByAll(this.root);
    return path.join(this.root, entry.replace(/\.ts$/, '.js'));
  }
}

function resolveSource(base: string): string {
  for (const candidate of [`${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
      return candidate;
    }
  }
  throw new Error(`cannot resolve ${base}`);
}

/** Directories 0755, files 0644 (0755 if executable by their owner): what any uid can read. */
export function readableByAll(p: string): void {
  const st = fs.lstatSync(p);
  if (st.isSymbolicLink()) {
    return;
  }
  if (st.isDirectory()) {
    fs.chmodSync(p, 0o755);
    fs.readdirSync(p).forEach((name) => readableByAll(path.join(p, name)));
  } else {
    fs.chmodSync(p, st.mode & 0o100 ? 0o755 : 0o644);
  }
}
