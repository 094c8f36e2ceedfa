/**
 * The testing entry point, `cdk8s-reverse-proxy-sidecar/testing`: runs a chart's sidecar exactly as
 * synthesized, with the local nginx, in front of a stub app the test controls, so that a test can
 * assert what a request gets. Needs a local `nginx` (and `openssl` for a sidecar with `tls`), and
 * `yaml` for YAML files.
 * @module cdk8s-reverse-proxy-sidecar/testing
 */
export { NGINX_INSTALL, SidecarTestServer } from './sidecar-test-server';
export type { SidecarTestServerOptions } from './sidecar-test-server';
export type { SidecarSource } from './sources';
export { StubApp } from './stub-app';
export type { StubAnswer, StubHandler, StubRequest, StubRoutes } from './stub-app';
export { headerValues } from './test-client';
export type { RawRequestOptions, TestRequestOptions, TestResponse, TestUpgrade } from './test-client';
