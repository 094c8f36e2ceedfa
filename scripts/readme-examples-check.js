#!/usr/bin/env node
// Checks what the README's examples synthesized, in a consumer project (scripts/consumer-test.js
// copies this file there and runs it with the project's own node_modules):
//
//   node readme-examples-check.js OUTDIR... [--pod-monitor podmonitor.yaml]
//
// - every Service that selects pods (headless ones aside) selects a pod template of the same
//   namespace, and each of its ports reaches a port of that pod's `nginx` container (by number or
//   name; a native sidecar, an init container with restartPolicy Always, counts);
// - every Ingress backend names a Service of the same namespace and a port it has, which reaches nginx;
// - the PodMonitor's selector selects a pod template whose containers declare its port name;
// - the package's validation (strict schemas, Pod Security for the sidecars, nginx -t) finds nothing.
// Prints what reaches what; exits 1 with every problem found.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { validateManifests, PodSecurityScope } = require('cdk8s-reverse-proxy-sidecar/validation');

const args = process.argv.slice(2);
const monitorAt = args.indexOf('--pod-monitor');
const podMonitor = monitorAt >= 0 ? args.splice(monitorAt, 2)[1] : undefined;
const problems = [];

const TEMPLATE = { Deployment: ['spec', 'template'], StatefulSet: ['spec', 'template'], DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'], CronJob: ['spec', 'jobTemplate', 'spec', 'template'], Pod: [] };

/** The pod templates of a file's objects: namespace, labels, and each container's ports. */
function pods(objects) {
  return objects.filter((o) => TEMPLATE[o.kind]).map((o) => {
    const t = TEMPLATE[o.kind].reduce((n, k) => n?.[k], o);
    const running = [...t.spec.containers ?? [], ...(t.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    return { name: `${o.kind} ${o.metadata.name}`, namespace: o.metadata.namespace ?? '', labels: t.metadata?.labels ?? {}, containers: running };
  });
}

const selects = (selector, labels) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The container and port a Service port reaches on a pod, if any. */
function target(pod, servicePort) {
  const want = servicePort.targetPort ?? servicePort.port;
  for (const c of pod.containers) {
    const p = (c.ports ?? []).find((x) => x.containerPort === want || x.name === want);
    if (p) return { container: c.name, port: p.containerPort };
  }
  return undefined;
}

/** Where each port of a Service leads: `80 -> nginx 8080`, or a problem. */
function serviceReach(file, svc, podList) {
  const backing = podList.filter((p) => p.namespace === (svc.metadata.namespace ?? '') && selects(svc.spec.selector, p.labels));
  if (backing.length === 0) {
    problems.push(`${file}: Service ${svc.metadata.name} selects no pod template`);
    return new Map();
  }
  const reach = new Map();
  for (const port of svc.spec.ports ?? []) {
    for (const pod of backing) {
      const t = target(pod, port);
      if (t?.container !== 'nginx') {
        problems.push(`${file}: Service ${svc.metadata.name} port ${port.port} reaches ${t ? `container ${t.container}` : 'no container'} of ${pod.name}, not nginx`);
      } else {
        reach.set(port, `nginx ${t.port}`);
      }
    }
  }
  return reach;
}

function checkFile(file) {
  const objects = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
  const podList = pods(objects);
  const services = objects.filter((o) => o.kind === 'Service' && o.spec?.selector && o.spec.clusterIP !== 'None');
  const reaches = new Map(services.map((s) => [s, serviceReach(file, s, podList)]));
  const lines = [];
  for (const [svc, reach] of reaches) {
    for (const [port, to] of reach) lines.push(`Service ${svc.metadata.name} ${port.port} -> ${to}`);
  }
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const backends = (ing.spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => ({ path: p.path, backend: p.backend })));
    for (const { path: p, backend } of backends) {
      const svc = services.find((s) => s.metadata.name === backend.service.name && (s.metadata.namespace ?? '') === (ing.metadata.namespace ?? ''));
      const port = svc?.spec.ports.find((x) => x.port === backend.service.port.number || x.name === backend.service.port.name);
      const to = port && reaches.get(svc).get(port);
      if (!to) problems.push(`${file}: Ingress ${ing.metadata.name} path ${p} -> ${JSON.stringify(backend.service)} reaches no nginx port`);
      else lines.push(`Ingress ${ing.metadata.name} ${p} -> Service ${svc.metadata.name} ${port.port} -> ${to}`);
    }
  }
  console.log(`  ${path.basename(file)}: ${lines.join('; ') || 'no Service'}`);
  return podList;
}

const files = args.flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f)));
if (files.length === 0) problems.push(`no YAML in ${args.join(' ')}`);
const allPods = files.flatMap(checkFile);
if (podMonitor) {
  const m = YAML.parse(fs.readFileSync(podMonitor, 'utf8'));
  const names = m.spec.podMetricsEndpoints.map((e) => e.port);
  const found = allPods.filter((p) => selects(m.spec.selector.matchLabels, p.labels)
    && names.every((n) => p.containers.some((c) => (c.ports ?? []).some((x) => x.name === n))));
  if (found.length !== 1) problems.push(`${podMonitor} selects ${found.length} pod templates that declare port ${names.join(', ')}, not 1`);
  else console.log(`  ${path.basename(podMonitor)}: selects ${found[0].name}, port ${names.join(', ')}`);
}
const findings = validateManifests(files, { podSecurityScope: PodSecurityScope.NGINX_SIDECARS, nginx: true });
problems.push(...findings.map((f) => `validation: ${f.message ?? JSON.stringify(f)}`));
if (problems.length > 0) {
  console.error(`README examples: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`  ${files.length} files: every Service and Ingress reaches nginx; validation found nothing`);
