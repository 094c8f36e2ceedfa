// One synthesis measured in a process of its own: N Deployments (each with a Service), with or
// without a ReverseProxySidecar each. Prints one JSON line: the time of building and synthesizing
// (not of loading node and the modules), split into building the constructs, the validations (the
// sidecar's synth-time checks) and the rest of app.synth() (rendering, toJson, YAML, files), and the
// peak RSS of the whole process.
// Usage: node -r ts-node/register/transpile-only bench/synth-child.ts <N> <sidecar|bare>
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import { Node } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, Route, SidecarHost } from '../lib';

const n = Number(process.argv[2]);
const withSidecar = process.argv[3] === 'sidecar';
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));

// Time spent inside construct validations (the sidecar's synth-time checks run there), measured by
// wrapping each validation as it is added.
let checksNs = 0n;
const addValidation = Node.prototype.addValidation;
Node.prototype.addValidation = function (this: Node, v) {
  addValidation.call(this, {
    validate: () => {
      const t = process.hrtime.bigint();
      try {
        return v.validate();
      } finally {
        checksNs += process.hrtime.bigint() - t;
      }
    },
  });
};

// Time spent rendering nginx.conf (once per sidecar per synthesis), by wrapping the renderer's export.
let renderNs = 0n;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const renderModule = require('../lib/nginx/render') as { renderNginxConf: (...args: unknown[]) => string };
const renderNginxConf = renderModule.renderNginxConf;
renderModule.renderNginxConf = (...args: unknown[]) => {
  const t = process.hrtime.bigint();
  try {
    return renderNginxConf(...args);
  } finally {
    renderNs += process.hrtime.bigint() - t;
  }
};

const start = process.hrtime.bigint();
const app = new App({ outdir });
const chart = new Chart(app, 'bench', { disableResourceNameHashes: true });
for (let i = 0; i < n; i++) {
  const web = new kplus.Deployment(chart, `web${i}`, {
    containers: [{ name: 'app', image: 'my-api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
  });
  let port = 5000;
  if (withSidecar) {
    const proxy = new ReverseProxySidecar(chart, `proxy${i}`, {
      host: SidecarHost.fromWorkload(web),
      routes: [
        Route.proxy('/api/', { stripPrefix: true }),
        Route.proxy('/assets/', { cache: { validFor: Duration.hours(1) } }),
      ],
    });
    port = proxy.port;
  }
  web.exposeViaService({ ports: [{ port: 80, targetPort: port }] });
}
const built = process.hrtime.bigint();
app.synth();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const buildMs = Number(built - start) / 1e6;
const checksMs = Number(checksNs) / 1e6;
const renderMs = Number(renderNs) / 1e6;
const yamlBytes = fs.readdirSync(outdir).reduce((sum, f) => sum + fs.statSync(path.join(outdir, f)).size, 0);
fs.rmSync(outdir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ n, withSidecar, ms, buildMs, checksMs, renderMs, maxRssKb: process.resourceUsage().maxRSS, yamlBytes })}\n`);
