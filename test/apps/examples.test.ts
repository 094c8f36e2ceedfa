import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { stringify } from 'yaml';
import { AlertmanagerChart } from '../../apps/alertmanager/chart';
import { FlaskHelloChart } from '../../apps/flask-hello/chart';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { K8sObject, podTemplateOf } from '../support/manifests';

const ROOT = path.join(__dirname, '..', '..');

/** The part of an example a reviewer reads: the sidecar container, its volumes, the Service ports. */
function reviewedParts(objects: K8sObject[], workloadKind: string, service: string): string {
  const workload = objects.find((o) => o.kind === workloadKind)!;
  const spec = podTemplateOf(workload).spec;
  const nginx = spec.containers.find((c: any) => c.name === 'nginx');
  const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === service)!;
  return stringify({
    nginxContainer: nginx,
    sidecarVolumes: spec.volumes.filter((v: any) => v.name.startsWith('nginx-')),
    servicePorts: svc.spec.ports,
  });
}

describe('flask-hello example', () => {
  const objects = Testing.synth(new FlaskHelloChart(Testing.app(), 'flask-hello')) as K8sObject[];

  it('keeps the sidecar, its volumes and the NodePort as reviewed', () => {
    expect(reviewedParts(objects, 'Deployment', 'flask-hello')).toMatchSnapshot();
  });

  it('runs 2 replicas with the app on 5000 and a NodePort 32001 to nginx', () => {
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBe(2);
    const app = podTemplateOf(deployment).spec.containers.find((c: any) => c.name === 'app');
    expect(app.ports).toEqual([{ containerPort: 5000, name: 'http' }]);
    const service = objects.find((o) => o.kind === 'Service')!;
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports).toEqual([{ name: 'nginx-http', nodePort: 32001, port: 8080, targetPort: 8080 }]);
  });
});

describe('alertmanager example', () => {
  const objects = Testing.synth(new AlertmanagerChart(Testing.app(), 'alertmanager')) as K8sObject[];

  it('keeps the sidecar, its volumes and the moved Service port as reviewed', () => {
    expect(reviewedParts(objects, 'StatefulSet', 'monitor-alertmanager')).toMatchSnapshot();
  });

  it('moves the Service from 9093 to 8080 named nginx-http, and leaves the headless Service alone', () => {
    const svc = (name: string) => objects.find((o) => o.kind === 'Service' && o.metadata.name === name)!;
    expect(svc('monitor-alertmanager').spec.ports).toEqual([{ name: 'nginx-http', port: 8080, targetPort: 'nginx-http', protocol: 'TCP' }]);
    expect(svc('monitor-alertmanager-headless').spec.ports).toEqual([{ name: 'http', port: 9093, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('caches only the UI assets, never /api/ or /-/', () => {
    const conf: string = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('alertmanager-proxy-config-'))!.data['nginx.conf'];
    // Up to the location's own closing brace (it holds an "if" block of its own).
    const location = (p: string) => conf.slice(conf.indexOf(`location ${p} {`), conf.indexOf('\n    }', conf.indexOf(`location ${p} {`)));
    expect(location('/lib/')).toContain('proxy_cache sidecar_cache;');
    expect(location('/lib/')).toContain('proxy_ignore_headers Cache-Control Expires;');
    for (const p of ['/api/', '/-/', '/']) {
      expect(location(p)).toContain('proxy_pass http://app;');
      expect(location(p)).not.toContain('proxy_cache');
    }
    expect(conf).toContain('server 127.0.0.1:9093;');
  });
});

describe('npm run synth', () => {
  it('reproduces the committed dist/ byte for byte', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
    try {
      execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'apps/main.ts'], {
        cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir },
      });
      expect(fs.readdirSync(outdir).sort()).toEqual(['alertmanager.k8s.yaml', 'flask-hello.k8s.yaml']);
      for (const f of fs.readdirSync(outdir)) {
        expect(fs.readFileSync(path.join(outdir, f), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8'));
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('writes no YAML when a rule fails at synthesis', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-bad-'));
    try {
      // GIVEN a valid sidecar, then a container added later on the sidecar's port
      const app = new App({ outdir });
      const chart = new Chart(app, 'bad');
      const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'app:1', portNumber: 5000 }] });
      new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')] });
      web.addContainer({ name: 'metrics', image: 'metrics:1', portNumber: 8080 });
      // THEN synthesis fails naming the port, and no file is written
      expect(() => app.synth()).toThrow(/port 8080 is already used by container "metrics"/);
      expect(fs.readdirSync(outdir)).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
