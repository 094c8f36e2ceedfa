import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Route } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';

/** An auth service: 202 with the user for `Cookie: session=<user>`, 401 without. */
const AUTH_SERVICE = `require('http').createServer((req, res) => {
  const m = /session=(\\w+)/.exec(req.headers.cookie || '');
  res.writeHead(m ? 202 : 401, m ? { 'X-Auth-Request-User': m[1] } : {}).end();
}).listen(9000, process.argv[1], () => console.log('listening'));`;

/**
 * Issue 21, item 3, in the cluster: the auth service named by a Service's DNS name, which nginx
 * resolves when it starts (here through the pod's /etc/hosts, as the cluster's DNS would answer),
 * running in a namespace of its own that reaches the pod over a veth pair, as another pod would.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'nsenter', 'ip', 'curl', 'gunicorn'], 'external auth by a Service name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-hosts-'));
  let pod: RunningPod;
  let auth: ChildProcess;
  beforeAll(async () => {
    // addVethClient's first client is 10.244.0.2: the Service's address here.
    const hosts = path.join(dir, 'hosts');
    fs.writeFileSync(hosts, '127.0.0.1 localhost\n10.244.0.2 authz.security.svc.cluster.local\n');
    const nginx = EXAMPLE_IMAGES['nginxinc/nginx-unprivileged'];
    const { objects, workload } = testAppPod({
      routes: [Route.proxy('/')],
      access: { externalAuth: { url: 'http://authz.security.svc.cluster.local:9000/check' } },
    }, { image: 'sidecar-traffic-app:1' });
    pod = await RunningPod.start(objects, workload, {
      images: { ...EXAMPLE_IMAGES, 'nginxinc/nginx-unprivileged': { ...nginx, files: [...nginx.files ?? [], { hostPath: hosts, mountPath: '/etc/hosts' }] } },
    });
    const client = pod.addVethClient();
    auth = spawn('ip', ['netns', 'exec', client.netns, process.execPath, '-e', AUTH_SERVICE, client.clientAddress], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => auth.stdout!.once('data', resolve));
  });
  afterAll(async () => {
    auth?.kill();
    await pod?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks the service by its name: a signed-in request reaches the app with its user, another gets 401', () => {
    const ok = pod.http('http://127.0.0.1:8080/echo', { headers: { Cookie: 'session=ann' } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).headers['X-Auth-Request-User']).toBe('ann');
    expect(pod.http('http://127.0.0.1:8080/echo').status).toBe(401);
  });
});
