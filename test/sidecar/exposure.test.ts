import { ApiObject, Chart, Testing } from 'cdk8s';
import { ExposeViaIngressOptions, ReverseProxySidecar, ReverseProxySidecarProps, Route, SidecarHost } from '../../lib';
import { PLUS_27_AND_34 } from '../support/plus-majors';
import { Manifest, STATEFUL_SET_ONLY_YAML, STATEFUL_SET_YAML, TempDir, exactly, find, include, included, podTemplate } from './helpers';

// What a user writes to expose the sidecar, on the oldest major (nginx a regular container) and the
// newest (nginx a native sidecar, which cdk8s-plus' own exposeViaService cannot see).
const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000, name: 'http' }] };

/** The Service's ports, and whether its selector selects the workload's pods. */
function reach(manifests: Manifest[], service: Manifest, kind: string): { ports: Manifest[]; selects: boolean } {
  const labels = podTemplate(find(manifests, kind)).metadata.labels;
  const selects = Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v);
  return { ports: service.spec.ports, selects };
}

describe.each(PLUS_27_AND_34)('on cdk8s-plus-$major', ({ major, kplus }) => {
  function attach(props: Omit<ReverseProxySidecarProps, 'host'> = {}): { chart: Chart; web: InstanceType<typeof kplus.Deployment>; proxy: ReverseProxySidecar } {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [APP] });
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')], ...props });
    return { chart, web, proxy };
  }

  test('proxy.exposeViaService() makes a Service of the workload\'s own major, port 80 to nginx, selecting the pods', () => {
    // GIVEN
    const { chart, proxy } = attach();
    // WHEN
    const service = proxy.exposeViaService();
    // THEN
    expect(service).toBeInstanceOf(kplus.Service);
    const manifests = Testing.synth(chart);
    expect(reach(manifests, find(manifests, 'Service', service.name), 'Deployment'))
      .toStrictEqual({ ports: [{ name: 'nginx-http', port: 80, targetPort: 8080 }], selects: true });
    expect(proxy.nativeSidecar).toBe(major >= 29);
  });

  test('with tls, 443 goes to the HTTPS port; a NodePort keeps the node ports given', () => {
    const { chart, proxy } = attach({ tls: { secretName: 'web-tls' } });
    const service = proxy.exposeViaService({ name: 'web', serviceType: kplus.ServiceType.NODE_PORT, nodePort: 32001, httpsNodePort: 32443 });
    const json = find(Testing.synth(chart), 'Service', 'web');
    expect(json.spec.type).toBe('NodePort');
    expect(json.spec.ports).toStrictEqual([
      { name: 'nginx-http', port: 80, targetPort: 8080, nodePort: 32001 },
      { name: 'nginx-https', port: 443, targetPort: 8443, nodePort: 32443 },
    ]);
    expect(service.name).toBe('web');
  });

  test('the user goes on with the Service\'s own API: (service as kplus.Service).exposeViaIngress', () => {
    const { chart, proxy } = attach();
    const service = proxy.exposeViaService({ port: 8000 }) as InstanceType<typeof kplus.Service>;
    service.exposeViaIngress('/');
    const ingress = find(Testing.synth(chart), 'Ingress');
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toStrictEqual({ name: service.name, port: { number: 8000 } });
  });

  test('proxy.exposeViaIngress(path) makes the Service and an Ingress to its plain port, named, labelled and annotated', () => {
    const { chart, proxy } = attach({ tls: { secretName: 'web-tls' } });
    const options: ExposeViaIngressOptions = {
      name: 'web', ingressClassName: 'nginx', labels: { team: 'a' }, annotations: { 'example.com/owner': 'a b' },
    };
    const ingress = proxy.exposeViaIngress('/shop', options);
    const manifests = Testing.synth(chart);
    const json = find(manifests, 'Ingress', 'web');
    expect(ingress.name).toBe('web');
    expect(json.spec).toStrictEqual({
      ingressClassName: 'nginx',
      rules: [{ http: { paths: [{ path: '/shop', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    });
    expect(json.metadata.labels).toMatchObject({ team: 'a' });
    expect(find(manifests, 'Service', 'web').metadata.annotations).toStrictEqual({ 'example.com/owner': 'a b' });
  });

  test('two calls make two Services', () => {
    const { chart, proxy } = attach();
    proxy.exposeViaService();
    proxy.exposeViaService({ port: 8000 });
    expect(Testing.synth(chart).filter((m) => m.kind === 'Service').map((s) => s.spec.ports[0].port)).toStrictEqual([80, 8000]);
  });

  // ---- the idioms of cdk8s-plus itself ----

  test(`web.exposeViaService({ ports: [{ port: 80, targetPort: proxy.port }] }) ${major >= 29 ? 'is refused by cdk8s-plus (it cannot see a native sidecar)' : 'works'}`, () => {
    const { chart, web, proxy } = attach();
    const expose = () => web.exposeViaService({ ports: [{ port: 80, targetPort: proxy.port, name: proxy.portName }] });
    if (major >= 29) {
      // cdk8s-plus throws before the library is asked: the README's "Exposing the sidecar" and nativeSidecar's TSDoc say so.
      expect(expose).toThrow(`Unable to expose deployment ${web.name} via a service: Port 8080 is not exposed by any container`);
    } else {
      expose();
      expect(find(Testing.synth(chart), 'Service').spec.ports).toStrictEqual([{ name: 'nginx-http', port: 80, targetPort: 8080 }]);
    }
  });

  test('web.exposeViaService() (every port cdk8s-plus sees) is an error naming proxy.exposeViaService(); retargetService mends it on both majors', () => {
    // GIVEN the idiom, which reaches the app's port (and on plus-27 nginx's too)
    const { chart, web, proxy } = attach();
    const service = web.exposeViaService();
    expect(() => Testing.synth(chart)).toThrow(`past nginx: make the Service with proxy.exposeViaService() instead`);
    // WHEN the README's workaround
    proxy.retargetService(service, { port: 80 });
    // THEN one port, 80, to nginx (plus-27's own nginx-http port is merged into it); a native sidecar's port by number
    // (Kubernetes resolves its name only from 1.32 on)
    expect(find(Testing.synth(chart), 'Service').spec.ports)
      .toStrictEqual([{ name: 'nginx-http', port: 80, targetPort: major >= 29 ? 8080 : 'nginx-http' }]);
  });

  test('an Ingress made by web.exposeViaIngress is refused once retargetService moves its port: the backend would reach nothing', () => {
    const { chart, web, proxy } = attach();
    if (major < 29) {
      // plus-27 sees both containers' ports and cannot choose one for the Ingress.
      expect(() => web.exposeViaIngress('/')).toThrow('unable to determine service port since service exposes multiple ports: 5000,8080');
      return;
    }
    const ingress = web.exposeViaIngress('/');
    const service = web.node.findChild('Service');
    proxy.retargetService(service, { port: 80 });
    const name = ApiObject.of(service).name;
    expect(() => Testing.synth(chart)).toThrow(exactly(`Validation failed with the following errors:\n  [test/proxy] Ingress "${ingress.name}" `
      + `(test/web/Service/Ingress/Resource) sends path "/" to port 5000 of Service "${name}", which the Service does not have `
      + '(retargetService moved it): it reaches nothing. The Service\'s ports: 80 (nginx-http). Make both with '
      + 'proxy.exposeViaIngress(path), or point the backend at one of those ports'));
  });

  test('with tls, web.exposeViaService() retargeted to 80 and 443: one port each to nginx (plus-27\'s own nginx ports merged in)', () => {
    const { chart, web, proxy } = attach({ tls: { secretName: 'web-tls' } });
    proxy.retargetService(web.exposeViaService(), { port: 80, httpsPort: 443 });
    expect(find(Testing.synth(chart), 'Service').spec.ports).toStrictEqual([
      { name: 'nginx-http', port: 80, targetPort: major >= 29 ? 8080 : 'nginx-http' },
      { name: 'nginx-https', port: 443, targetPort: major >= 29 ? 8443 : 'nginx-https' },
    ]);
  });

  test('new kplus.Service({ selector: web, ports: [{ port: 80 }] }) (no targetPort) is an error naming the Service and the port', () => {
    const { chart, web } = attach();
    const service = new kplus.Service(chart, 'svc', { selector: web as never, ports: [{ port: 80 }] });
    expect(() => Testing.synth(chart)).toThrow(exactly(`Validation failed with the following errors:\n  [test/proxy] Service "${service.name}" `
      + '(test/svc/Resource) sends port 80 to port 80 of the pods of Deployment "test/web", which no container of the pod declares: '
      + 'nothing listens there. Make it with proxy.exposeViaService(), or give it targetPort 8080 (proxy.port); if something of yours '
      + 'listens there undeclared, declare the port, or annotate the Service reverse-proxy-sidecar.cdk8s.io/bypass: "true"'));
  });
});

describe('a raw host (a StatefulSet loaded with Include)', () => {
  let dir: TempDir;
  beforeEach(() => { dir = new TempDir(); });
  afterEach(() => dir.cleanup());

  test('exposeViaIngress makes a raw Service selecting the pods by the StatefulSet\'s selector, and a raw Ingress, in its namespace', () => {
    const chart = Testing.chart();
    const inc = include(chart, dir, STATEFUL_SET_ONLY_YAML);
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(included(inc, 'StatefulSet', 'am')), routes: [Route.proxy('/')] });
    const ingress = proxy.exposeViaIngress('/', { name: 'am-nginx', pathType: 'Exact' });
    expect(ApiObject.isApiObject(ingress)).toBe(true);
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'Service', 'am-nginx')).toStrictEqual({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'am-nginx', namespace: 'monitoring' },
      spec: { type: 'ClusterIP', selector: { app: 'am' }, ports: [{ name: 'nginx-http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    expect(find(manifests, 'Ingress', 'am-nginx').spec.rules[0].http.paths[0])
      .toStrictEqual({ path: '/', pathType: 'Exact', backend: { service: { name: 'am-nginx', port: { number: 80 } } } });
  });

  test('a raw Ingress naming a port of the retargeted Service by its old name is refused; one naming nginx-http is not', () => {
    const chart = Testing.chart();
    const inc = include(chart, dir, STATEFUL_SET_YAML);
    const proxy = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromApiObject(included(inc, 'StatefulSet', 'am')), routes: [Route.proxy('/')] });
    proxy.retargetService(included(inc, 'Service', 'am'));
    const ingress = (name: string, port: object) => new ApiObject(chart, name, {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'monitoring' },
      spec: { rules: [{ host: 'am.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'am', port } } }] } }] },
    });
    ingress('good', { name: 'nginx-http' });
    ingress('old', { name: 'http' });
    expect(() => Testing.synth(chart)).toThrow(exactly('Validation failed with the following errors:\n  [test/proxy] Ingress "old" (test/old) '
      + 'sends path "/" of host "am.example.com" to the port named "http" of Service "am", which the Service does not have (retargetService '
      + 'moved it): it reaches nothing. The Service\'s ports: 8080 (nginx-http). Make both with proxy.exposeViaIngress(path), or point '
      + 'the backend at one of those ports'));
  });
});

describe('bad exposure options are refused before anything is made, naming the option and the value', () => {
  function sidecar(props: Omit<ReverseProxySidecarProps, 'host'> = {}): { chart: Chart; proxy: ReverseProxySidecar } {
    const chart = Testing.chart();
    const web = new (require('cdk8s-plus-34').Deployment)(chart, 'web', { containers: [APP] });
    return { chart, proxy: new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(web), routes: [Route.proxy('/')], ...props }) };
  }
  const cases: Array<[string, (p: ReverseProxySidecar) => unknown, string]> = [
    ['an ExternalName Service', (p) => p.exposeViaService({ serviceType: 'ExternalName' }),
      'exposeViaService options serviceType "ExternalName" must be one of ClusterIP, NodePort, LoadBalancer: the Service must select the pods'],
    ['a node port on a ClusterIP Service', (p) => p.exposeViaService({ nodePort: 32001 }),
      'exposeViaService options nodePort 32001 needs serviceType NodePort or LoadBalancer'],
    ['an HTTPS port without tls', (p) => p.exposeViaService({ httpsPort: 443 }),
      'exposeViaService options httpsPort 443 needs the sidecar\'s tls option: nginx serves no HTTPS'],
    ['port 0', (p) => p.exposeViaService({ port: 0 }), 'exposeViaService options port 0 must be an integer from 1 to 65535'],
    ['a name that is no DNS label', (p) => p.exposeViaService({ name: 'Web' }),
      'exposeViaService options name "Web" must be a DNS-1035 label of at most 63 characters (lower-case letters, digits, "-"; a letter first)'],
    ['a label value with a space', (p) => p.exposeViaService({ labels: { team: 'a b' } }),
      'exposeViaService options labels["team"] "a b" must be a label value: at most 63 letters, digits, "-", "_" or "." (or empty)'],
    ['an annotation with a line separator', (p) => p.exposeViaService({ annotations: { note: 'a\u2028b' } }),
      'exposeViaService options annotations["note"] "a\u2028b" holds U+2028, which YAML readers outside JavaScript read differently'],
    ['an Ingress path without "/"', (p) => p.exposeViaIngress('shop'),
      'exposeViaIngress path "shop" must start with "/" and hold only the characters of a URL path'],
    ['an Ingress path with a space', (p) => p.exposeViaIngress('/a b'),
      'exposeViaIngress path "/a b" must start with "/" and hold only the characters of a URL path'],
    ['a path type of another API', (p) => p.exposeViaIngress('/', { pathType: 'Regex' }),
      'exposeViaIngress pathType "Regex" must be one of Prefix, Exact, ImplementationSpecific'],
  ];
  test.each(cases)('%s', (_name, call, message) => {
    const { chart, proxy } = sidecar();
    expect(() => call(proxy)).toThrow(exactly(message));
    expect(Testing.synth(chart).filter((m) => m.kind === 'Service' || m.kind === 'Ingress')).toStrictEqual([]);
  });

  test('with tls, an HTTPS port equal to the plain one', () => {
    const { proxy } = sidecar({ tls: { secretName: 'web-tls' } });
    expect(() => proxy.exposeViaService({ port: 443 })).toThrow(exactly(
      'exposeViaService options httpsPort 443 is also the port that reaches nginx\'s plain HTTP port'));
  });
});
