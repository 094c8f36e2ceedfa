import { ApiObject, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { EVERY_PLUS_MAJOR } from '../support/plus-majors';
import { exactly, find } from './helpers';

const APP = { name: 'app', image: 'app:1.0.0', ports: [{ number: 5000, name: 'http' }] };

/**
 * `SidecarHost.fromConstruct`: the entry other languages call (a cdk8s-plus class is a Construct
 * there, never an `IPlusWorkload`), told apart at run time: the same YAML as `fromWorkload` and
 * `fromApiObject`, and the same kind of error.
 */
describe.each(EVERY_PLUS_MAJOR)('SidecarHost.fromConstruct with cdk8s-plus-$major', ({ kplus }) => {
  test('a workload gives the same YAML as fromWorkload', () => {
    const synth = (host: (w: Construct) => ReturnType<typeof SidecarHost.fromConstruct>) => {
      const chart = Testing.chart();
      const web = new kplus.StatefulSet(chart, 'web', { containers: [APP] });
      new ReverseProxySidecar(chart, 'proxy', { host: host(web), routes: [Route.proxy('/')] });
      return Testing.synth(chart);
    };
    expect(synth((w) => SidecarHost.fromConstruct(w))).toStrictEqual(synth((w) => SidecarHost.fromWorkload(w as never)));
  });
});

describe('SidecarHost.fromConstruct', () => {
  test('a raw object gives the same YAML as fromApiObject', () => {
    const synth = (raw: boolean) => {
      const chart = Testing.chart();
      const spec = { template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 5000 }] }] } },
        selector: { matchLabels: { app: 'a' } } };
      const o = new ApiObject(chart, 'dep', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'dep' }, spec });
      new ReverseProxySidecar(chart, 'proxy', { host: raw ? SidecarHost.fromApiObject(o) : SidecarHost.fromConstruct(o), routes: [Route.proxy('/')] });
      return find(Testing.synth(chart), 'Deployment');
    };
    expect(synth(false)).toStrictEqual(synth(true));
  });

  test('anything else is refused, naming the construct', () => {
    const chart = Testing.chart();
    const other = new Construct(chart, 'not-a-workload');
    expect(() => SidecarHost.fromConstruct(other)).toThrow(exactly('SidecarHost.fromConstruct "test/not-a-workload" is neither a '
      + 'cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod) nor an ApiObject with a pod template'));
  });
});
