// A jsii kernel client, as every binding (Python, Java, Go, .NET) is one: it starts @jsii/runtime,
// loads npm tarballs into it and sends the kernel's JSON requests, one per line, reading one answer
// per request. Objects come back as references ({ "$jsii.byref": "fqn@id" }) that later requests
// pass as arguments. Nothing here knows the library: a test says what to load and call.
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { jsiiEnv } = require('../../scripts/jsii-build') as { jsiiEnv(extra: Record<string, string>): NodeJS.ProcessEnv };

const ROOT = path.resolve(__dirname, '..', '..');
/** The runtime bundle with the kernel inside (@jsii/kernel itself is not on the registry at the runtime's version). */
const RUNTIME = path.join(ROOT, 'node_modules', '@jsii', 'runtime', 'webpack', 'bin', 'jsii-runtime.js');

/** A reference to an object that lives in the kernel. */
export interface ObjRef {
  readonly '$jsii.byref': string;
}

/** A struct as Python's runtime sends one: its type's name and its fields. */
export function struct(fqn: string, data: Record<string, unknown>): unknown {
  return { '$jsii.struct': { fqn, data } };
}

/** An enum member as every binding sends one. */
export function enumMember(fqn: string, member: string): unknown {
  return { '$jsii.enum': `${fqn}/${member}` };
}

/** What the kernel answered with `error`: its message, as a binding raises it. */
export class KernelError extends Error {}

export class JsiiKernel {
  /** Starts the runtime with a temp dir of its own (the kernel unpacks every tarball there), in `cwd`. */
  public static async start(cwd: string): Promise<JsiiKernel> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-kernel-test-'));
    const child = spawn(process.execPath, [RUNTIME], {
      cwd,
      env: jsiiEnv({ TMPDIR: tmp, JSII_RUNTIME_PACKAGE_CACHE: 'disabled' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const kernel = new JsiiKernel(child, tmp);
    const hello = await kernel.next();
    if (typeof hello.hello !== 'string' || !hello.hello.startsWith('@jsii/runtime@')) {
      throw new Error(`the runtime did not say hello: ${JSON.stringify(hello)}`);
    }
    return kernel;
  }

  private readonly lines: AsyncIterableIterator<string>;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams, private readonly tmp: string) {
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    child.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
  }

  /** Loads an npm package's tarball (its dependencies first, as bindings do). */
  public async load(name: string, version: string, tarball: string): Promise<void> {
    await this.request({ api: 'load', name, version, tarball });
  }

  /** `new fqn(...args)`. */
  public async create(fqn: string, args: unknown[] = []): Promise<ObjRef> {
    return this.request({ api: 'create', fqn, args, overrides: [], interfaces: [] }) as Promise<ObjRef>;
  }

  /** `objref.method(...args)`. */
  public async invoke(objref: ObjRef, method: string, args: unknown[] = []): Promise<unknown> {
    return ((await this.request({ api: 'invoke', objref, method, args })) as { result?: unknown }).result;
  }

  /** `fqn.method(...args)`, a static method. */
  public async sinvoke(fqn: string, method: string, args: unknown[] = []): Promise<unknown> {
    return ((await this.request({ api: 'sinvoke', fqn, method, args })) as { result?: unknown }).result;
  }

  /** `objref.property`. */
  public async get(objref: ObjRef, property: string): Promise<unknown> {
    return ((await this.request({ api: 'get', objref, property })) as { value?: unknown }).value;
  }

  /** Ends the runtime and removes what it unpacked. */
  public async stop(): Promise<void> {
    this.child.stdin.end();
    if (this.child.exitCode === null) {
      await new Promise((resolve) => this.child.once('exit', resolve));
    }
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  private async request(req: Record<string, unknown>): Promise<unknown> {
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const res = await this.next();
    if ('ok' in res) {
      return res.ok;
    }
    if ('error' in res) {
      throw new KernelError(String(res.error));
    }
    throw new Error(`the kernel answered ${req.api} with ${JSON.stringify(res)}`);
  }

  private async next(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done) {
      throw new Error(`the jsii runtime ended (exit ${this.child.exitCode}): ${decodeStderr(this.stderr)}`);
    }
    return JSON.parse(value) as Record<string, unknown>;
  }
}

/** The runtime forwards the kernel's own output base64-wrapped, one JSON object a line. */
function decodeStderr(text: string): string {
  return text.split('\n').map((line) => {
    try {
      const o = JSON.parse(line) as Record<string, string>;
      return Buffer.from(o.stderr ?? o.stdout ?? '', 'base64').toString();
    } catch {
      return line;
    }
  }).join('');
}

/**
 * An installed package's directory as the npm tarball it came from (a `package/` folder, bundled
 * dependencies included), which is what a binding embeds and loads. Returns the name, version and path.
 */
export function tarballOf(packageDir: string, outDir: string): { name: string; version: string; tarball: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string };
  const tarball = path.join(outDir, `${pkg.name.replace(/[@/]/g, '_')}-${pkg.version}.tgz`);
  execFileSync('tar', ['-czf', tarball, '-C', packageDir, '--transform', 's,^\\.,package,', '.']);
  return { name: pkg.name, version: pkg.version, tarball };
}
