// The cdk8s-cli validation plugin, at a path that does not depend on how the package is built.
// In a project's cdk8s.yaml:
//
//   validations:
//     - package: ./node_modules/cdk8s-reverse-proxy-sidecar/validation-plugin
//       version: 0.1.0
//       class: ManifestValidationPlugin
//
// cdk8s-cli requires a `package` that starts with `./` (or is absolute) by its resolved path, where
// package.json's `exports` do not apply, so this is a plain file at the package root. A bare package
// name would make cdk8s-cli install the package again from npm into ~/.cdk8s/plugins, without the
// validation peers. `require('cdk8s-reverse-proxy-sidecar/validation-plugin')` reaches the same file.
'use strict';
module.exports = { ManifestValidationPlugin: require('./build/lib/validation/cdk8s-plugin').ManifestValidationPlugin };
