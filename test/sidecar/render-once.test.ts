import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { AlertmanagerChart } from '../../apps/alertmanager/chart';
import { FlaskHelloChart } from '../../apps/flask-hello/chart';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import * as render from '../../lib/nginx/render';
import { StaticContent } from '../../lib/sidecar/static-content';
import { appDeployment } from './helpers';

const ROOT = path.join(__dirname, '..', '..');

/** Runs `fn` from the project root (the examples read their files relative to it). */
function fromRoot<T>(fn: () => T): T {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    return fn();
  } finally {
    process.chdir(cwd);
  }
}

describe('nginx.conf and the static data are rendered once per synthesis', () => {
  let renders: jest.SpyInstance;
  let contents: jest.SpyInstance;
  beforeEach(() => {
    renders = jest.spyOn(render, 'renderNginxConf');
    contents = jest.spyOn(StaticContent.prototype, 'toConfigMap');
  });
  afterEach(() => jest.restoreAllMocks());

  test('both examples: nothing while they are built, one render each while the app synthesizes', () => {
    // GIVEN the examples as apps/main.ts builds them
    const app = Testing.app();
    fromRoot(() => {
      new FlaskHelloChart(app, 'flask-hello');
      new AlertmanagerChart(app, 'alertmanager');
    });
    // THEN nothing was rendered while constructing (no toJson() read-back during construction)
    expect(renders).toHaveBeenCalledTimes(0);
    expect(contents).toHaveBeenCalledTimes(0);

    // WHEN the app synthesizes: validation, both ConfigMaps and the checksum annotations
    const yaml = app.synthYaml();

    // THEN one nginx.conf and one static ConfigMap per sidecar, and what was rendered is what was written
    expect(renders).toHaveBeenCalledTimes(2);
    expect(contents).toHaveBeenCalledTimes(2);
    for (const result of renders.mock.results) {
      expect(yaml).toContain(result.value.split('\n')[0]);
      expect(result.value).toMatch(/^ {4}listen 8080;$/m);
    }
  });

  test('a second synthesis of the same chart renders nothing new; a later route renders once more', () => {
    // GIVEN
    const chart = Testing.chart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(appDeployment(chart)), routes: [Route.proxy('/')] });
    Testing.synth(chart);
    Testing.synth(chart);
    expect(sidecar.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(renders).toHaveBeenCalledTimes(1);

    // WHEN a route is added after a synthesis
    sidecar.addRoute(Route.proxy('/api/', { stripPrefix: true }));
    const conf = sidecar.renderNginxConf();

    // THEN it is rendered once more, with the new route
    expect(renders).toHaveBeenCalledTimes(2);
    expect(conf).toMatch(/^ {4}location \/api\/ \{$/m);
    Testing.synth(chart);
    expect(renders).toHaveBeenCalledTimes(2);
  });

  test('main.ts: one render per example for the whole of `npm run synth`', () => {
    const app = new App({ outdir: Testing.app().outdir });
    fromRoot(() => {
      new FlaskHelloChart(app, 'flask-hello');
      new AlertmanagerChart(app, 'alertmanager');
      app.synth();
    });
    expect(renders).toHaveBeenCalledTimes(2);
  });
});
