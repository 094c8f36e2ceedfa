import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ConfigError, ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { TempDir, appDeployment, exactly } from './helpers';
import { attach, deploymentChart } from './validation-helpers';

let dir: TempDir;
beforeEach(() => { dir = new TempDir(); });
afterEach(() => dir.cleanup());

describe('ports', () => {
  test.each([0, 70000])('port %d is out of range', (port) => {
    expect(() => attach({ port })).toThrow(exactly(`port ${port} must be an integer from 1 to 65535`));
  });

  test('errors are ConfigErrors', () => {
    let error: unknown;
    try {
      attach({ port: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe('port 0 must be an integer from 1 to 65535');
  });

  test('port used by the app container', () => {
    // GIVEN an app on 8080
    const chart = Testing.chart();
    const deployment = appDeployment(chart, 'web', 8080);
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) }))
      .toThrow(exactly('port 8080 is already used by container "app" of Deployment "test/web"'));
  });

  test('port used by a container of a raw host', () => {
    // GIVEN
    const chart = Testing.chart();
    const raw = new ApiObject(chart, 'raw', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'a', ports: [{ containerPort: 9000 }] }] } } },
    });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(raw), port: 9000 }))
      .toThrow(exactly('port 9000 is already used by container "app" of Deployment "raw"'));
  });

  test('port name used by the app container', () => {
    // GIVEN an app whose port is named like the sidecar's
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000, name: 'nginx-http' }] }],
    });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) }))
      .toThrow(exactly('portName "nginx-http" is already used by container "app" of Deployment "test/web"'));
  });

  test.each(['HTTP', 'nginx_http', 'a-very-long-port-name', '8080', 'web--http', '-web'])('bad port name %j', (portName) => {
    expect(() => attach({ portName })).toThrow(exactly(`portName ${JSON.stringify(portName)} must be an IANA service name: `
      + 'at most 15 lower-case letters, digits and "-", with a letter'));
  });

  test('appPort equal to the sidecar\'s port', () => {
    expect(() => attach({ appPort: 8080 }))
      .toThrow(exactly('appPort 8080 is the sidecar\'s own port; nginx and the app cannot both listen on it'));
    expect(() => attach({ port: 9000, appPort: 9000 }))
      .toThrow(exactly('appPort 9000 is the sidecar\'s own port; nginx and the app cannot both listen on it'));
  });

  test('appPort out of range', () => {
    expect(() => attach({ appPort: 65536 })).toThrow(exactly('appPort 65536 must be an integer from 1 to 65535'));
  });
});

describe('the app\'s port is needed by proxy routes', () => {
  test('a host with no container ports', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1' }] });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] }))
      .toThrow(exactly('appPort undefined must be set for routes[0] Route.proxy("/"): Deployment "test/web" declares '
        + 'no container ports, so the app\'s port is not known'));
  });

  test('a host with two ports', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', {
      containers: [{ name: 'app', image: 'app:1', ports: [{ number: 5000 }, { number: 5001 }] }],
    });
    // WHEN / THEN
    expect(() => new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] }))
      .toThrow(exactly('appPort undefined must be set for routes[0] Route.proxy("/"): Deployment "test/web" declares '
        + 'ports 5000, 5001, so the app\'s port is not known'));
  });

  test('a raw host with two containers, one port each, when the proxy route is added later', () => {
    // GIVEN
    const chart = Testing.chart();
    const raw = new ApiObject(chart, 'raw', {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'raw' },
      spec: { template: { spec: { containers: [
        { name: 'app', image: 'a', ports: [{ containerPort: 9093 }] },
        { name: 'exporter', image: 'b', ports: [{ containerPort: 9100 }] },
      ] } } },
    });
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(raw) });
    // WHEN / THEN
    expect(() => sidecar.addRoute(Route.proxy('/api/')))
      .toThrow(exactly('appPort undefined must be set for routes[0] Route.proxy("/api/"): StatefulSet "raw" declares '
        + 'ports 9093, 9100, so the app\'s port is not known'));
  });

  test('no port is needed without proxy routes', () => {
    // GIVEN
    dir.write('site/index.html', 'hi');
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { containers: [{ name: 'app', image: 'app:1' }] });
    // WHEN
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(deployment),
      routes: [Route.staticFiles('/', { directory: dir.path('site') })],
    });
    // THEN nginx.conf serves the files and has no upstream
    const conf = sidecar.renderNginxConf();
    expect(conf).not.toMatch(/^\s*(upstream|proxy_pass) /m);
    expect(conf).toContain('    location / {\n'
      + '      root /usr/share/nginx/html/1;\n'
      + '      index index.html;\n'
      + '      try_files $uri $uri/ =404;\n');
    // AND a proxy route added then needs the port
    expect(() => sidecar.addRoute(Route.proxy('/api/')))
      .toThrow(exactly('appPort undefined must be set for routes[1] Route.proxy("/api/"): Deployment "test/web" declares '
        + 'no container ports, so the app\'s port is not known'));
  });
});

describe('rules checked at synthesis', () => {
  test('a container added to the plus workload afterwards that uses the sidecar\'s port', () => {
    // GIVEN
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] });
    // WHEN
    deployment.addContainer({ name: 'late', image: 'late:1', ports: [{ number: 8080 }] });
    // THEN
    expect(() => Testing.synth(chart)).toThrow(exactly('Validation failed with the following errors:\n'
      + '  [test/proxy] port 8080 is already used by container "late" of Deployment "test/web"'));
  });

  test('a container added afterwards whose port has the sidecar\'s port name', () => {
    // GIVEN
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment) });
    // WHEN
    deployment.addContainer({ name: 'late', image: 'late:1', ports: [{ number: 9000, name: 'nginx-http' }] });
    // THEN
    expect(() => Testing.synth(chart)).toThrow(exactly('Validation failed with the following errors:\n'
      + '  [test/proxy] portName "nginx-http" is already used by container "late" of Deployment "test/web"'));
  });

  test('without later changes, synthesis succeeds', () => {
    const { chart, deployment } = deploymentChart();
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), routes: [Route.proxy('/')] });
    // only nginx.conf's ConfigMap: nothing is static
    expect(Testing.synth(chart).map((m) => m.kind)).toStrictEqual(['Deployment', 'ConfigMap']);
  });
});
