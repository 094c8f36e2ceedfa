import { ApiObject, Chart, ChartProps, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';

/** Where the example's files are, relative to the project root (where synth runs). */
const HERE = 'apps/flask-hello';

/**
 * The Flask hello example: gunicorn serves the JSON API on 5000 in the app container; the nginx
 * sidecar serves the static page at / and proxies /api/ (prefix stripped) to the app. A NodePort
 * Service on 32001 reaches nginx.
 */
export class FlaskHelloChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { disableResourceNameHashes: true, ...props });

    const deployment = new kplus.Deployment(this, 'web', {
      replicas: 2,
      containers: [{
        name: 'app',
        image: 'flask-hello:1.0.0',
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        workingDir: '/app',
        command: ['gunicorn', '-c', 'gunicorn.conf.py', 'hello:app'],
        ports: [{ number: 5000, name: 'http' }],
        securityContext: { user: 10001, group: 10001 },
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
        },
        readiness: kplus.Probe.fromHttpGet('/healthz', { port: 5000 }),
        startup: kplus.Probe.fromHttpGet('/healthz', { port: 5000 }),
      }],
    });
    deployment.containers[0].mount('/tmp', kplus.Volume.fromEmptyDir(this, 'app-tmp', 'app-tmp', {
      sizeLimit: Size.mebibytes(16),
    }));
    // Pod Security "restricted" for the app too: cdk8s-plus-27 sets non-root, a read-only root and no
    // privilege escalation, but cannot drop capabilities or set the seccomp profile.
    const app = ApiObject.of(deployment);
    app.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));
    app.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', { type: 'RuntimeDefault' }));

    const sidecar = new ReverseProxySidecar(this, 'proxy', {
      host: SidecarHost.fromWorkload(deployment),
      routes: [
        Route.staticFiles('/', { directory: `${HERE}/site` }),
        Route.proxy('/api/', { stripPrefix: true }),
      ],
    });

    // The sidecar's own exposeViaService: the same on every cdk8s-plus major, native sidecar or not.
    sidecar.exposeViaService({ name: 'flask-hello', serviceType: kplus.ServiceType.NODE_PORT, port: 8080, nodePort: 32001 });
  }
}
