// This repository's own cdk8s.yaml loads the validation plugin from here: cdk8s-cli requires the
// plugin with plain node, so the TypeScript sources are loaded through ts-node (transpile only, as
// `npm run synth` does, with this repository's tsconfig.json whatever the working directory).
// Users of the published package point cdk8s.yaml at
// ./node_modules/cdk8s-reverse-proxy-sidecar/validation-plugin instead (validation-plugin.js at the
// package root, which loads the compiled build; see the README).
const path = require('path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', 'tsconfig.json') });
module.exports = require('./index.ts');
