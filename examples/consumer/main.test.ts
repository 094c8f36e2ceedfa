import { Testing } from 'cdk8s';
import { PodSecurityScope, assertValidManifests } from 'cdk8s-reverse-proxy-sidecar/validation';
import { MyChart } from './main';

test('the chart synthesizes valid manifests and nginx configs', () => {
  const chart = new MyChart(Testing.app(), 'test');
  // Strict Kubernetes 1.27 schemas, Pod Security "restricted" for the nginx sidecar (your own
  // containers are yours to harden), and `nginx -t` on each nginx.conf. Throws, listing each finding.
  assertValidManifests(Testing.synth(chart), { podSecurityScope: PodSecurityScope.NGINX_SIDECARS, nginx: true });
});
