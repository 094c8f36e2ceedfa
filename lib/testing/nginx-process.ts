import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';

/**
 * nginx in the foreground (the config's `daemon off`), beside a small `sh` watchdog that holds a
 * pipe from this process: when the pipe closes (`stop`, or this process dying however it dies, a
 * jest worker killed included), the watchdog stops nginx; when nginx exits, so does the shell.
 * Output goes to a file (`/dev/stdout` must be openable by path, which a socket is not).
 */
export class NginxProcess {
  private readonly child: ChildProcess;
  private readonly exit: Promise<void>;
  private done = false;
  private last?: string;

  /** @param dir the server's directory (its log in it), removed once nginx has stopped */
  constructor(nginx: string, args: string[], dir: string, private readonly logFile = `${dir}/nginx.log`) {
    // The pipe is kept as fd 3: a background job's stdin would be /dev/null.
    // Once the pipe closes: nginx stopped (fast shutdown), and, once it is gone, its directory removed
    // (so a test process killed outright leaves nothing behind either).
    const script = 'exec 3<&0; "$@" </dev/null & p=$!; '
      + '{ cat <&3 >/dev/null; kill -TERM "$p" 2>/dev/null; while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; sleep 1; rm -rf "$SIDECAR_TEST_DIR"; } & '
      + 'wait "$p"';
    const log = fs.openSync(logFile, 'a');
    try {
      this.child = spawn('/bin/sh', ['-c', script, 'sidecar-test-server', nginx, ...args], {
        stdio: ['pipe', log, log], detached: true, env: { ...process.env, SIDECAR_TEST_DIR: dir },
      });
    } finally {
      fs.closeSync(log);
    }
    this.exit = new Promise((resolve) => this.child.once('exit', () => {
      // Kept now: once this process lets go of the pipe, the watchdog removes the directory (a second later).
      this.last = this.read();
      this.done = true;
      resolve();
    }));
  }

  /** What nginx wrote so far: its error log and the access log (the access log flushes once a second). */
  public get output(): string {
    return this.last ?? this.read();
  }

  private read(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** Whether the watchdog (and so nginx) has exited. */
  public get exited(): boolean {
    return this.done;
  }

  /** Stops nginx (a fast shutdown), waiting at most `timeoutMs` before killing the whole group. */
  public async stop(timeoutMs = 5000): Promise<void> {
    this.child.stdin!.end();
    if (!this.done) {
      const timer = setTimeout(() => this.killGroup(), timeoutMs);
      await this.exit;
      clearTimeout(timer);
    }
    // Whatever is left of the group: a worker whose master died, say.
    this.killGroup();
  }

  /** Kills the watchdog's process group at once (for a process that is exiting). */
  public killGroup(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
