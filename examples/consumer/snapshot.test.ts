import { Testing } from 'cdk8s';
import { MyChart } from './main';

// What the sidecar adds to the README's chart, without the rendered files (whose content the
// library's own tests pin): each object's kind, the pod's containers, the Service's ports.
test('the sidecar is attached and the Service goes through it', () => {
  const containers = (list: any[] | undefined) =>
    (list ?? []).map((c) => ({ name: c.name, image: c.image, ports: c.ports, restartPolicy: c.restartPolicy }));
  const summary = Testing.synth(new MyChart(Testing.app(), 'test')).map((o) => ({
    kind: o.kind,
    ...(o.kind === 'Deployment' ? {
      containers: containers(o.spec.template.spec.containers),
      initContainers: containers(o.spec.template.spec.initContainers),
      volumes: o.spec.template.spec.volumes.map((v: { name: string }) => v.name),
    } : {}),
    ...(o.kind === 'Service' ? { ports: o.spec.ports } : {}),
    ...(o.kind === 'ConfigMap' ? { files: Object.keys(o.data) } : {}),
  }));
  expect(summary).toMatchSnapshot();
});
