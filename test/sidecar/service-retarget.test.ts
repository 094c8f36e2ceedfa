import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { Manifest, STATEFUL_SET_YAML, TempDir, appDeployment, exactly, find, include, included } from './helpers';

/** A chart with a plus Deployment (app on 5000, named `http`) and a sidecar proxying `/` to it. */
function withSidecar(props: Omit<ReverseProxySidecarProps, 'host'> = {}): { chart: Chart; sidecar: ReverseProxySidecar } {
  const chart = Testing.chart();
  const sidecar = new ReverseProxySidecar(chart, 'proxy', {
    host: SidecarHost.fromWorkload(appDeployment(chart)), routes: [Route.proxy('/')], ...props,
  });
  return { chart, sidecar };
}

/** A raw Service with these ports. */
function rawService(chart: Chart, ports: Manifest[], id = 'svc'): ApiObject {
  return new ApiObject(chart, id, { apiVersion: 'v1', kind: 'Service', metadata: { name: id }, spec: { ports } });
}

function servicePorts(chart: Chart, name: string): Manifest[] {
  return find(Testing.synth(chart), 'Service', name).spec.ports;
}

describe('a raw Service loaded with Include', () => {
  let dir: TempDir;
  beforeEach(() => { dir = new TempDir(); });
  afterEach(() => dir.cleanup());

  test('its port targeting the app by name moves to 8080 named nginx-http, targeting nginx-http, protocol kept', () => {
    // GIVEN the StatefulSet (app on 9093 named http) and its Service (9093 "http" -> targetPort "http")
    const chart = Testing.chart();
    const inc = include(chart, dir, STATEFUL_SET_YAML);
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromApiObject(included(inc, 'StatefulSet', 'am')), routes: [Route.proxy('/')],
    });
    // WHEN
    sidecar.retargetService(included(inc, 'Service', 'am'));
    // THEN
    const service = find(Testing.synth(chart), 'Service', 'am');
    expect(service.spec.ports).toStrictEqual([{ name: 'nginx-http', port: 8080, targetPort: 'nginx-http', protocol: 'TCP' }]);
    expect(service.metadata.namespace).toBe('monitoring');
    expect(service.spec.selector).toStrictEqual({ app: 'am' });
  });
});

describe('a cdk8s-plus Service', () => {
  /** A chart with the sidecar and `new kplus.Service(...)` with these props, retargeted with `options`. */
  function retargeted(serviceProps: kplus.ServiceProps, options = {}, sidecarProps = {}): Manifest {
    const { chart, sidecar } = withSidecar(sidecarProps);
    const service = new kplus.Service(chart, 'svc', serviceProps);
    sidecar.retargetService(service, options);
    return find(Testing.synth(chart), 'Service', service.name);
  }

  test('its only port gets the sidecar\'s port number and name', () => {
    // GIVEN / WHEN
    const service = retargeted({ ports: [{ port: 80, targetPort: 5000 }] });
    // THEN
    expect(service.spec.ports.map((p: Manifest) => ({ name: p.name, port: p.port }))).toStrictEqual([{ name: 'nginx-http', port: 8080 }]);
  });

  test('its port targets the sidecar\'s named port', () => {
    // GIVEN / WHEN
    const service = retargeted({ ports: [{ port: 80, targetPort: 5000 }] });
    // THEN
    expect(service.spec.ports[0].targetPort).toBe('nginx-http');
  });

  test('a NodePort Service keeps its type, nodePort and protocol', () => {
    // GIVEN / WHEN
    const service = retargeted({
      type: kplus.ServiceType.NODE_PORT,
      ports: [{ port: 80, targetPort: 5000, nodePort: 30080, protocol: kplus.Protocol.TCP }],
    });
    // THEN
    const p = service.spec.ports[0];
    expect({ type: service.spec.type, port: p.port, nodePort: p.nodePort, protocol: p.protocol })
      .toStrictEqual({ type: 'NodePort', port: 8080, nodePort: 30080, protocol: 'TCP' });
  });

  test('the `port` option sets the Service\'s new port number; the target stays the sidecar\'s named port', () => {
    // GIVEN / WHEN
    const service = retargeted({ ports: [{ port: 80, targetPort: 5000 }] }, { port: 80 });
    // THEN: without targetPort, Kubernetes would send the traffic to the pod's port 80, where nothing listens
    expect(service.spec.ports).toStrictEqual([{ name: 'nginx-http', port: 80, targetPort: 'nginx-http' }]);
  });

  test('a sidecar with its own port and port name', () => {
    // GIVEN / WHEN
    const service = retargeted({ ports: [{ port: 80, targetPort: 5000 }] }, {}, { port: 8443, portName: 'proxy' });
    // THEN
    expect(service.spec.ports.map((p: Manifest) => ({ name: p.name, port: p.port }))).toStrictEqual([{ name: 'proxy', port: 8443 }]);
  });
});

describe('appProtocol', () => {
  test('a raw Service\'s port keeps its appProtocol, with protocol and nodePort', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [
      { name: 'metrics', port: 9100, targetPort: 9100, appProtocol: 'http' },
      { name: 'web', port: 80, targetPort: 5000, protocol: 'TCP', appProtocol: 'http', nodePort: 30080 },
    ]);
    // WHEN
    sidecar.retargetService(service);
    // THEN
    expect(servicePorts(chart, 'svc')).toStrictEqual([
      { name: 'metrics', port: 9100, targetPort: 9100, appProtocol: 'http' },
      { name: 'nginx-http', port: 8080, targetPort: 'nginx-http', protocol: 'TCP', appProtocol: 'http', nodePort: 30080 },
    ]);
  });

  test('an appProtocol other than http becomes http: nginx speaks plain HTTP/1.1', () => {
    const chart = Testing.chart();
    const svc = new ApiObject(chart, 'svc', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' },
      spec: { ports: [{ name: 'grpc', port: 9000, targetPort: 5000, appProtocol: 'kubernetes.io/h2c' }] },
    });
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)) });
    sidecar.retargetService(svc);
    expect(servicePorts(chart, 'svc')).toStrictEqual([{ name: 'nginx-http', port: 8080, targetPort: 'nginx-http', appProtocol: 'http' }]);
  });

  test('a port without appProtocol gets none', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'web', port: 80, targetPort: 5000, protocol: 'TCP' }]);
    // WHEN
    sidecar.retargetService(service);
    // THEN the whole port: moved to the sidecar, protocol kept, no appProtocol key at all
    expect(servicePorts(chart, 'svc')).toStrictEqual([{ name: 'nginx-http', port: 8080, targetPort: 'nginx-http', protocol: 'TCP' }]);
  });
});

describe('the `port` option on a raw Service', () => {
  test('sets the new port number; the target stays the sidecar\'s named port', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'web', port: 80, targetPort: 5000 }]);
    // WHEN
    sidecar.retargetService(service, { port: 80 });
    // THEN
    expect(servicePorts(chart, 'svc')).toStrictEqual([{ name: 'nginx-http', port: 80, targetPort: 'nginx-http' }]);
  });
});

describe('which port moves by default', () => {
  test('the one whose targetPort is the app\'s port number', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [
      { name: 'metrics', port: 9100, targetPort: 9100 },
      { name: 'web', port: 80, targetPort: 5000 },
    ]);
    // WHEN
    sidecar.retargetService(service);
    // THEN
    expect(servicePorts(chart, 'svc')).toStrictEqual([
      { name: 'metrics', port: 9100, targetPort: 9100 },
      { name: 'nginx-http', port: 8080, targetPort: 'nginx-http' },
    ]);
  });

  test('the one whose targetPort is the app\'s port number, on a cdk8s-plus Service', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = new kplus.Service(chart, 'svc', { ports: [{ port: 9100, targetPort: 9100 }, { port: 80, targetPort: 5000 }] });
    // WHEN
    sidecar.retargetService(service);
    // THEN
    expect(servicePorts(chart, service.name).map((p) => p.port)).toStrictEqual([9100, 8080]);
  });

  test('the one whose targetPort is the app\'s port name', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [
      { name: 'metrics', port: 9100, targetPort: 'metrics' },
      { name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' },
    ]);
    // WHEN
    sidecar.retargetService(service);
    // THEN
    expect(servicePorts(chart, 'svc')).toStrictEqual([
      { name: 'metrics', port: 9100, targetPort: 'metrics' },
      { name: 'nginx-http', port: 8080, targetPort: 'nginx-http', protocol: 'TCP' },
    ]);
  });

  test('a port without targetPort targets its own number', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'metrics', port: 9100 }, { name: 'web', port: 5000 }]);
    // WHEN
    sidecar.retargetService(service);
    // THEN
    expect(servicePorts(chart, 'svc')[1]).toStrictEqual({ name: 'nginx-http', port: 8080, targetPort: 'nginx-http' });
  });

  test('the only port, even when it does not target the app', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'other', port: 81, targetPort: 7000 }]);
    // WHEN
    sidecar.retargetService(service);
    // THEN
    expect(servicePorts(chart, 'svc')).toStrictEqual([{ name: 'nginx-http', port: 8080, targetPort: 'nginx-http' }]);
  });

  test('`fromPort` chooses another port', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'metrics', port: 9100, targetPort: 9100 }, { name: 'web', port: 80, targetPort: 5000 }]);
    // WHEN
    sidecar.retargetService(service, { fromPort: 9100 });
    // THEN
    expect(servicePorts(chart, 'svc')).toStrictEqual([
      { name: 'nginx-http', port: 8080, targetPort: 'nginx-http' },
      { name: 'web', port: 80, targetPort: 5000 },
    ]);
  });
});

describe('ambiguous or clashing ports', () => {
  test('no port targets the app and there are two', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'metrics', port: 9100, targetPort: 9100 }, { name: 'admin', port: 9101, targetPort: 9101 }]);
    // WHEN / THEN
    expect(() => sidecar.retargetService(service)).toThrow(exactly(
      'retargetService(Service "svc") fromPort undefined must be set: the Service has ports 9100 (metrics), 9101 (admin) and 0 of them target the app'));
  });

  test('two ports target the app', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'web', port: 80, targetPort: 5000 }, { port: 81, targetPort: 'http' }]);
    // WHEN / THEN
    expect(() => sidecar.retargetService(service)).toThrow(exactly(
      'retargetService(Service "svc") fromPort undefined must be set: the Service has ports 80 (web), 81 and 2 of them target the app'));
  });

  test('the new port number is another port of the Service', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'web', port: 80, targetPort: 5000 }, { name: 'alt', port: 8080, targetPort: 9000 }]);
    // WHEN / THEN
    expect(() => sidecar.retargetService(service)).toThrow(exactly(
      'retargetService(Service "svc") port 8080 is already another port of the Service'));
  });

  test('the sidecar\'s port name is another port\'s name', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'web', port: 80, targetPort: 5000 }, { name: 'nginx-http', port: 81, targetPort: 9000 }]);
    // WHEN / THEN
    expect(() => sidecar.retargetService(service)).toThrow(exactly(
      'retargetService(Service "svc") port name "nginx-http" is already the name of another port of the Service'));
  });

  test('another port that reaches nginx under another name and number is kept; one under its name or number merges', () => {
    // GIVEN a port to the app, a port "web" to nginx's 8080, and a UDP port to 8080
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'http', port: 80, targetPort: 5000 }, { name: 'web', port: 8080, targetPort: 8080 },
      { name: 'dns', port: 53, targetPort: 8080, protocol: 'UDP' }]);
    // WHEN the app's port moves to 80: nothing takes "web"'s name or number
    sidecar.retargetService(service, { port: 80 });
    // THEN all three stay
    expect(servicePorts(chart, 'svc')).toStrictEqual([{ name: 'nginx-http', port: 80, targetPort: 'nginx-http' },
      { name: 'web', port: 8080, targetPort: 8080 }, { name: 'dns', port: 53, targetPort: 8080, protocol: 'UDP' }]);
  });

  test('a port to nginx with the moved port\'s number merges into it (its nodePort kept when the moved one has none)', () => {
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'http', port: 80, targetPort: 5000 }, { name: 'web', port: 8080, targetPort: 8080, nodePort: 30080 }]);
    sidecar.retargetService(service);
    expect(servicePorts(chart, 'svc')).toStrictEqual([{ name: 'nginx-http', port: 8080, targetPort: 'nginx-http', nodePort: 30080 }]);
  });

  test('a `port` option out of range', () => {
    // GIVEN
    const { chart, sidecar } = withSidecar();
    const service = rawService(chart, [{ name: 'web', port: 80, targetPort: 5000 }]);
    // WHEN / THEN
    expect(() => sidecar.retargetService(service, { port: 0 }))
      .toThrow(exactly('retargetService(Service "svc") port 0 must be an integer from 1 to 65535'));
  });
});
