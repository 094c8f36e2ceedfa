import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as kplus34 from 'cdk8s-plus-34';
import { Ipv6Mode, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost, TlsOptions } from '../../lib';
import { Manifest, STATEFUL_SET_YAML, TempDir, appDeployment, checksumOf, container, exactly, find, include, included, volume } from './helpers';

function withTls(tls: TlsOptions = { secretName: 'web-tls' }, props: Omit<ReverseProxySidecarProps, 'host'> = {}) {
  const chart = Testing.chart();
  const sidecar = new ReverseProxySidecar(chart, 'proxy', {
    host: SidecarHost.fromWorkload(appDeployment(chart)), routes: [Route.proxy('/')], tls, ...props,
  });
  return { chart, sidecar };
}

const TLS_VOLUME = {
  name: 'nginx-tls',
  secret: { secretName: 'web-tls', items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }] },
};

describe('tls on a cdk8s-plus workload', () => {
  test('adds the HTTPS port, mounts the Secret whole and read-only, and keeps the probes on the plain port', () => {
    // GIVEN / WHEN
    const { chart, sidecar } = withTls();
    // THEN
    const deployment = find(Testing.synth(chart), 'Deployment');
    const nginx = container(deployment, 'nginx');
    expect(nginx.ports).toStrictEqual([{ containerPort: 8080, name: 'nginx-http' }, { containerPort: 8443, name: 'nginx-https' }]);
    expect(volume(deployment, 'nginx-tls')).toStrictEqual(TLS_VOLUME);
    // No subPath: the kubelet updates only whole Secret volumes when the Secret changes.
    expect(nginx.volumeMounts).toContainEqual({ name: 'nginx-tls', mountPath: '/etc/nginx/tls', readOnly: true });
    expect(nginx.readinessProbe.httpGet).toStrictEqual({ path: '/_sidecar/healthz', port: 8080, scheme: 'HTTP' });
    expect([sidecar.httpsPort, sidecar.httpsPortName]).toStrictEqual([8443, 'nginx-https']);
    expect(sidecar.renderNginxConf()).toMatch(/listen 8443 ssl http2;\n\s+include \/var\/cache\/nginx\/listen-ipv6\/8443\/\*\.conf;\n\s+server_name _;\n\s+http2_max_concurrent_streams 16;\n\s+ssl_certificate \/etc\/nginx\/tls\/tls.crt;/);
  });

  test('runs nginx through the reload loop, whose nginx command line is the plain one', () => {
    const nginx = container(find(Testing.synth(withTls({ secretName: 'web-tls', rotationCheckInterval: Duration.seconds(30) }).chart), 'Deployment'), 'nginx');
    expect(nginx.command.slice(0, 2)).toStrictEqual(['/bin/sh', '-c']);
    expect(nginx.command.slice(3)).toStrictEqual(['nginx-start', 'nginx', '-c', '/etc/nginx/sidecar/nginx.conf', '-e', 'stderr']);
    expect(nginx.command[2]).toMatch(/while sleep 30; do/);
    // The kubelet expands $(NAME) and turns $$ into $ in commands: the script must hold neither.
    expect(nginx.command[2]).not.toMatch(/\$\$|\$\(/);
    expect(nginx.command[2]).toMatch(/"\$@" -s reload && loaded=\$now/);
    expect(nginx.command[2].split('\n').pop()).toBe('exec "$@"');
  });

  test('reloadOnRotation: false runs nginx as without tls', () => {
    const nginx = container(find(Testing.synth(withTls({ secretName: 'web-tls', reloadOnRotation: false }, { ipv6: Ipv6Mode.ALWAYS }).chart), 'Deployment'), 'nginx');
    expect(nginx.command).toStrictEqual(['nginx', '-c', '/etc/nginx/sidecar/nginx.conf', '-e', 'stderr']);
  });

  test('the checksum and the ConfigMaps hold no key material: the Secret is only named', () => {
    // GIVEN a Secret in the same chart, and two sidecars that differ only in the Secret they name
    const a = withTls({ secretName: 'one' });
    new ApiObject(a.chart, 'secret', { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'one' },
      data: { 'tls.crt': Buffer.from('CERT-MARKER').toString('base64'), 'tls.key': Buffer.from('KEY-MARKER').toString('base64') } });
    const b = withTls({ secretName: 'two' });
    // THEN
    const manifests = Testing.synth(a.chart);
    expect(checksumOf(find(manifests, 'Deployment'))).toBe(checksumOf(find(Testing.synth(b.chart), 'Deployment')));
    const configMaps = JSON.stringify(manifests.filter((m: Manifest) => m.kind === 'ConfigMap'));
    expect(configMaps).not.toMatch(/MARKER|Q0VSVC1NQVJLRVI|S0VZLU1BUktFUg|BEGIN/);
  });

  test('on cdk8s-plus-34 as a native sidecar', () => {
    const chart = Testing.chart();
    const web = new kplus34.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }] }] });
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), tls: { secretName: 'web-tls', port: 9443, portName: 'https' } });
    const deployment = find(Testing.synth(chart), 'Deployment');
    const nginx = deployment.spec.template.spec.initContainers[0];
    expect(nginx.ports).toStrictEqual([{ containerPort: 8080, name: 'nginx-http' }, { containerPort: 9443, name: 'https' }]);
    expect(volume(deployment, 'nginx-tls')).toStrictEqual(TLS_VOLUME);
  });
});

describe('tls on a raw object', () => {
  let dir: TempDir;
  beforeEach(() => { dir = new TempDir(); });
  afterEach(() => dir.cleanup());

  test('writes the same port, volume and mount through JSON patches, and adds 443 to its Service', () => {
    const chart = Testing.chart();
    const inc = include(chart, dir, STATEFUL_SET_YAML);
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromApiObject(included(inc, 'StatefulSet', 'am')), routes: [Route.proxy('/')], tls: { secretName: 'web-tls' },
    });
    sidecar.retargetService(included(inc, 'Service', 'am'), { httpsPort: 443 });
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'Service').spec.ports).toStrictEqual([
      { name: 'nginx-http', port: 8080, targetPort: 'nginx-http', protocol: 'TCP' },
      { name: 'nginx-https', port: 443, targetPort: 'nginx-https' },
    ]);
    const sts = find(manifests, 'StatefulSet');
    const nginx = container(sts, 'nginx');
    expect(nginx.ports).toStrictEqual([{ name: 'nginx-http', containerPort: 8080 }, { name: 'nginx-https', containerPort: 8443 }]);
    expect(volume(sts, 'nginx-tls')).toStrictEqual(TLS_VOLUME);
    expect(nginx.volumeMounts).toContainEqual({ name: 'nginx-tls', mountPath: '/etc/nginx/tls', readOnly: true });
  });
});

describe('retargetService with httpsPort', () => {
  function service(chart: Chart, ports: Manifest[]): ApiObject {
    return new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: {}, ports } });
  }

  test('moves the Service\'s 443 to the HTTPS port, keeping its nodePort', () => {
    const { chart, sidecar } = withTls();
    sidecar.retargetService(service(chart, [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'https', port: 443, targetPort: 5443, nodePort: 30443, appProtocol: 'https' },
    ]), { fromPort: 80, port: 80, httpsPort: 443 });
    expect(find(Testing.synth(chart), 'Service').spec.ports).toStrictEqual([
      { name: 'nginx-http', port: 80, targetPort: 'nginx-http' },
      { name: 'nginx-https', port: 443, targetPort: 'nginx-https', appProtocol: 'https', nodePort: 30443 },
    ]);
  });

  test('adds 443 to a cdk8s-plus Service that has none', () => {
    const { chart, sidecar } = withTls();
    const svc = new kplus.Service(chart, 'svc', { ports: [{ port: 80, targetPort: 5000 }] });
    sidecar.retargetService(svc, { port: 80, httpsPort: 443 });
    expect(find(Testing.synth(chart), 'Service').spec.ports).toStrictEqual([
      { name: 'nginx-http', port: 80, targetPort: 'nginx-http' },
      { name: 'nginx-https', port: 443, targetPort: 'nginx-https' },
    ]);
  });

  test('refuses httpsPort without tls, on the plain port, or on the port that moves', () => {
    const chart = Testing.chart();
    const plain = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), routes: [Route.proxy('/')] });
    expect(() => plain.retargetService(service(chart, [{ port: 80, targetPort: 5000 }]), { httpsPort: 443 }))
      .toThrow(exactly('retargetService(Service "svc") httpsPort 443 needs the sidecar\'s tls option: nginx serves no HTTPS'));
    const { chart: c2, sidecar } = withTls();
    expect(() => sidecar.retargetService(service(c2, [{ port: 80, targetPort: 5000 }]), { port: 443, httpsPort: 443 }))
      .toThrow(exactly('retargetService(Service "svc") httpsPort 443 is also the Service port that reaches nginx\'s plain HTTP port'));
  });
});
