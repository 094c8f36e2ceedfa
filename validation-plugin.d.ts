// Types of validation-plugin.js: the cdk8s-cli plugin class (also exported by ./validation).
export { ManifestValidationPlugin } from './build/lib/validation/cdk8s-plugin';
