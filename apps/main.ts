import { App } from 'cdk8s';
import { AlertmanagerChart } from './alertmanager/chart';
import { FlaskHelloChart } from './flask-hello/chart';

// Writes dist/flask-hello.k8s.yaml and dist/alertmanager.k8s.yaml. Run from the project root:
// the examples read their static files relative to it.
const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
new FlaskHelloChart(app, 'flask-hello');
new AlertmanagerChart(app, 'alertmanager');
app.synth();
