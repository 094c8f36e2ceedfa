// The testing entry's cost: how long SidecarTestServer takes to start (synthesis excluded: the
// objects are synthesized once) and to stop, and the memory of its nginx (master and workers), for
// the flask-hello sidecar from dist/ and a chart with HTTPS and a cached route.
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { ReverseProxySidecar, Route, SidecarHost } from '../lib';
import { SidecarTestServer } from '../lib/testing';

export interface TestServerSample {
  readonly source: string;
  readonly runs: number;
  /** Start: median and slowest, ms. */
  readonly startMedianMs: number;
  readonly startMaxMs: number;
  /** Stop: median and slowest, ms. */
  readonly stopMedianMs: number;
  readonly stopMaxMs: number;
  /** Resident memory of nginx's master and workers, KiB (the last run). */
  readonly rssKib: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function rssKib(pid: number): number {
  const rss = (p: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return [pid, ...children].reduce((sum, p) => sum + rss(p), 0);
}

function tlsChart(): unknown[] {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
  new ReverseProxySidecar(chart, 'proxy', {
    host: SidecarHost.fromWorkload(web), tls: { secretName: 'web-tls' },
    routes: [Route.proxy('/assets/', { cache: { validFor: Duration.hours(1) } }), Route.proxy('/')],
  });
  return Testing.synth(chart);
}

export async function benchTestServer(runs: number): Promise<TestServerSample[]> {
  const sources: Array<[string, string | unknown[]]> = [
    ['flask-hello from dist/', path.join(__dirname, '..', 'dist', 'flask-hello.k8s.yaml')],
    ['a chart with HTTPS and a cached route', tlsChart()],
  ];
  const out: TestServerSample[] = [];
  for (const [name, source] of sources) {
    const starts: number[] = [];
    const stops: number[] = [];
    let rss = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      const server = await SidecarTestServer.start(source);
      const t1 = process.hrtime.bigint();
      if ((await server.get('/')).status >= 500) {
        throw new Error(`${name}: the sidecar answered ${(await server.get('/')).status}`);
      }
      rss = rssKib(server._masterPid());
      const t2 = process.hrtime.bigint();
      await server.stop();
      const t3 = process.hrtime.bigint();
      starts.push(Number(t1 - t0) / 1e6);
      stops.push(Number(t3 - t2) / 1e6);
    }
    out.push({ source: name, runs, startMedianMs: median(starts), startMaxMs: Math.max(...starts),
      stopMedianMs: median(stops), stopMaxMs: Math.max(...stops), rssKib: rss });
  }
  return out;
}
