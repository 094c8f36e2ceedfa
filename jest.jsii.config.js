// `npm run test:jsii`: the tests of the jsii build (test/jsii), which need `npm run build` first and
// are not part of `npm test`.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/jsii'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
