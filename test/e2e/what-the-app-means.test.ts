import { Duration } from 'cdk8s';
import { Route } from '../../lib';
import { EXAMPLE_IMAGES } from '../support/images';
import { RunningPod } from '../support/pod-runner';
import { describeWithTools } from '../support/real-tools';
import { testAppPod } from '../support/test-charts';

const BASE = 'http://127.0.0.1:8080';

/**
 * What the output means, with real nginx and a real app: the cache is keyed by the scheme the app
 * is told (a trusted X-Forwarded-Proto), and a header the sidecar sets replaces the app's.
 */
describeWithTools(['nginx', 'unshare', 'setpriv', 'ip', 'curl', 'gunicorn'], 'cache key and headers with real nginx', () => {
  let pod: RunningPod;
  beforeAll(async () => {
    const { objects, workload } = testAppPod({
      trustForwardedProto: true,
      responseHeaders: { 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' },
      routes: [Route.proxy('/', { cache: { validFor: Duration.minutes(5) } })],
    });
    pod = await RunningPod.start(objects, workload, { images: EXAMPLE_IMAGES });
  });
  afterAll(async () => pod?.stop());

  it('keeps an http client\'s cached redirect to https away from https clients (no redirect loop)', () => {
    // GIVEN the app's 301 for a plain-http client, cached
    const http = pod.http(`${BASE}/scheme`, { headers: { 'X-Forwarded-Proto': 'http' } });
    expect([http.status, http.headers.location, http.headers['x-cache-status']]).toStrictEqual([301, 'https://example.com/scheme', 'MISS']);
    expect(pod.http(`${BASE}/scheme`, { headers: { 'X-Forwarded-Proto': 'http' } }).headers['x-cache-status']).toBe('HIT');
    // WHEN an https client asks for the same URL
    const https = pod.http(`${BASE}/scheme`, { headers: { 'X-Forwarded-Proto': 'https' } });
    // THEN it gets the app's own answer for https, not the cached redirect
    expect([https.status, https.body, https.headers['x-cache-status']]).toStrictEqual([200, 'secure\n', 'MISS']);
  });

  it('maps a made-up X-Forwarded-Proto to the request\'s own scheme, for the app and the key alike', () => {
    const odd = pod.http(`${BASE}/scheme`, { headers: { 'X-Forwarded-Proto': 'http://evil' } });
    // The app was told "http" ($scheme), so the answer is the redirect, served from the http entry.
    expect([odd.status, odd.headers['x-cache-status']]).toStrictEqual([301, 'HIT']);
    const upper = pod.http(`${BASE}/scheme`, { headers: { 'X-Forwarded-Proto': 'HTTPS' } });
    expect([upper.status, upper.headers['x-cache-status']]).toStrictEqual([200, 'HIT']);
  });

  it('sends a header the app also sets once, with the sidecar\'s value', () => {
    const r = pod.http(`${BASE}/framed?headers`);
    expect(r.status).toBe(200);
    expect(r.headerLines.filter((l) => /^x-(frame|content-type)-options:/i.test(l))).toStrictEqual([
      'X-Content-Type-Options: nosniff',
      'X-Frame-Options: DENY',
    ]);
  });
});
