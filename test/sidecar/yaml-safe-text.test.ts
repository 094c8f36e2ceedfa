import { Testing } from 'cdk8s';
import { ReverseProxySidecar, Route, SidecarHost } from '../../lib';
import { yamlUnsafeCharacter } from '../../lib/k8s/yaml-text';
import { TempDir, container, find } from './helpers';
import { deploymentChart } from './validation-helpers';

let dir: TempDir;
beforeEach(() => { dir = new TempDir(); });
afterEach(() => dir.cleanup());

describe('text that YAML readers outside JavaScript read differently goes to binaryData, byte for byte', () => {
  test('yamlUnsafeCharacter names the first such character, and passes text every reader keeps', () => {
    expect(['plain', 'tab\tand\nnewline', 'é 中 😀'].map(yamlUnsafeCharacter)).toStrictEqual([undefined, undefined, undefined]);
    expect(['a\u2028b', 'a\u2029b', 'a\u0085b', 'a\r\nb', 'a\u0000b', 'a\u001bb', '\ufeffa', 'a\ud800b'].map(yamlUnsafeCharacter))
      .toStrictEqual(['U+2028', 'U+2029', 'U+0085', 'U+000D', 'U+0000', 'U+001B', 'U+FEFF', 'U+D800']);
  });

  test('static files: plain text in data, U+2028, U+0085 and CRLF files in binaryData', () => {
    // GIVEN
    dir.write('site/plain.js', 'let a = 1;\n');
    dir.write('site/sep.js', 'let s = "\u2028";\n');
    dir.write('site/nel.txt', 'a\u0085b\n');
    dir.write('site/crlf.html', '<p>a</p>\r\n');
    const { chart, deployment } = deploymentChart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', {
      host: SidecarHost.fromWorkload(deployment), routes: [Route.staticFiles('/', { directory: dir.path('site') })],
    });
    // WHEN
    const map = find(Testing.synth(chart), 'ConfigMap', sidecar.staticConfigMap!.name);
    // THEN
    expect(map.data).toStrictEqual({ '1-plain.js': 'let a = 1;\n' });
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    expect(map.binaryData).toStrictEqual({
      '1-crlf.html': b64('<p>a</p>\r\n'),
      '1-nel.txt': b64('a\u0085b\n'),
      '1-sep.js': b64('let s = "\u2028";\n'),
    });
  });

  test('an error page with CRLF line ends: in the config ConfigMap\'s binaryData, counted in the checksum', () => {
    // GIVEN
    const page = '<!DOCTYPE html>\r\n<p>Down</p>\r\n';
    const { chart, deployment } = deploymentChart();
    const sidecar = new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), errorPage: dir.write('50x.html', page) });
    const before = sidecar.checksum;
    // WHEN
    const map = find(Testing.synth(chart), 'ConfigMap', sidecar.configMap.name);
    // THEN
    expect(Object.keys(map.data)).toStrictEqual(['nginx.conf']);
    expect(map.binaryData).toStrictEqual({ '50x.html': Buffer.from(page).toString('base64') });
    const { chart: other, deployment: d2 } = deploymentChart();
    const lf = new ReverseProxySidecar(other, 'proxy', { host: SidecarHost.fromWorkload(d2), errorPage: dir.write('lf.html', page.replace(/\r/g, '')) });
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(lf.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(lf.checksum).not.toBe(before);
    expect(find(Testing.synth(other), 'ConfigMap', lf.configMap.name).data['50x.html']).toBe(page.replace(/\r/g, ''));
  });

  test('env values with tabs and newlines (a PEM, say) are accepted as they are', () => {
    const { chart, deployment } = deploymentChart();
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\tx\n-----END CERTIFICATE-----\n';
    new ReverseProxySidecar(chart, 'proxy', { host: SidecarHost.fromWorkload(deployment), env: { CERT: pem } });
    expect(container(find(Testing.synth(chart), 'Deployment'), 'nginx').env).toStrictEqual([{ name: 'CERT', value: pem }]);
  });
});
