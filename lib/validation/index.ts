/**
 * The validation entry point, `cdk8s-reverse-proxy-sidecar/validation`: checks of synthesized
 * manifests for tests and for `cdk8s synth`. Kept apart from the main entry so that importing the
 * construct does not load the schemas; it needs `kubernetes-models@4.3.1`, `ajv` and `ajv-formats`.
 * @module cdk8s-reverse-proxy-sidecar/validation
 */
export { FindingCheck, describeObject } from './finding';
export type { ObjectRef, ValidationFinding } from './finding';
export { checkSchemas } from './kubernetes-schema';
export type { SchemaCheckOptions } from './kubernetes-schema';
export { KUBERNETES_SCHEMA_VERSION } from './schema-registry';
export { loadManifests } from './manifest-input';
export type { LoadedManifest } from './manifest-input';
export { POD_SECURITY_RULES, PodSecurityLevel, PodSecurityScope, checkPodSecurity } from './pod-security';
export type { PodSecurityOptions, PodSecurityRule } from './pod-security';
export type { PodView, RuleViolation } from './pod-security-types';
export type { PodContainer, PodTemplate } from './pod-templates';
export { checkNginxConfs, findNginx } from './nginx-check';
export type { NginxCheckOptions } from './nginx-check';
export { ManifestValidationError, assertValidManifests, validateManifests } from './validate-manifests';
export type { ValidateManifestsOptions } from './validate-manifests';
export { ManifestValidationPlugin } from './cdk8s-plugin';
export type { PluginContext, PluginLogger, PluginReport, PluginViolation } from './cdk8s-plugin';
