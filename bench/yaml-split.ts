// Where the YAML writing of a sidecar goes: times cdk8s' Yaml.stringify, 1,000 times each, for the
// objects of one Deployment with a sidecar as synth-child.ts builds it: the Deployment without the
// nginx container and its volumes (as bare), the Deployment as synthesized, and the config ConfigMap.
// Usage: node -r ts-node/register/transpile-only bench/yaml-split.ts
import { Chart, Duration, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, Route, SidecarHost } from '../lib';

const chart = new Chart(Testing.app(), 'bench', { disableResourceNameHashes: true });
const web = new kplus.Deployment(chart, 'web0', {
  containers: [{ name: 'app', image: 'my-api:1.0.0', ports: [{ number: 5000, name: 'http' }] }],
});
const proxy = new ReverseProxySidecar(chart, 'proxy0', {
  host: SidecarHost.fromWorkload(web),
  routes: [Route.proxy('/api/', { stripPrefix: true }), Route.proxy('/assets/', { cache: { validFor: Duration.hours(1) } })],
});
web.exposeViaService({ ports: [{ port: 80, targetPort: proxy.port }] });
const objects = Testing.synth(chart);
const deployment = objects.find((o) => o.kind === 'Deployment');
const configMap = objects.find((o) => o.kind === 'ConfigMap');
const bare = JSON.parse(JSON.stringify(deployment));
bare.spec.template.spec.containers = bare.spec.template.spec.containers.filter((c: { name: string }) => c.name !== 'nginx');
delete bare.spec.template.spec.volumes;

const time = (doc: unknown): number => {
  const start = process.hrtime.bigint();
  for (let i = 0; i < 1000; i++) {
    Yaml.stringify(doc);
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const cases: Array<[string, unknown]> = [
  ['Deployment without the sidecar', bare],
  ['Deployment with the sidecar', deployment],
  ['config ConfigMap (nginx.conf, error page)', configMap],
];
time(deployment); // warm-up
for (const [name, doc] of cases) {
  const best = Math.min(time(doc), time(doc), time(doc));
  process.stdout.write(`${name.padEnd(45)} ${Yaml.stringify(doc).length.toString().padStart(6)} bytes  ${best.toFixed(0).padStart(5)} ms per 1,000\n`);
}
