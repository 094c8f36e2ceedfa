'use strict';
// The README the jsii assembly carries (and jsii-pacmak puts, translated by jsii-rosetta, into the
// Python, Go and .NET packages): this repository's README, written for TypeScript, made true for
// the other languages. In its TypeScript blocks (the only ones rosetta translates):
// - SidecarHost.fromWorkload(...) becomes SidecarHost.fromConstruct(...): in Java, Go and .NET a
//   cdk8s-plus class is not an IPlusWorkload (the same checks, the same YAML);
// - a block that uses the TypeScript-only entries (validation, testing) or is a jest test is
//   replaced by a line saying so, since no binding carries those entries.

const FENCE = /(<!-- [^\n]*? -->\n)?```(\w*)\n([\s\S]*?)```\n/g;
const TS_ONLY = /from '(?:cdk8s-reverse-proxy-sidecar\/(?:validation|testing)|\.\/main)'|^(?:test|describe)\(/m;
const NOTE = '*This example is for TypeScript and JavaScript only: it uses the library\'s `validation` or `testing` '
  + 'entry, or jest, which the Python, Java, Go and .NET packages do not carry.*\n';

/** @param {string} readme @returns {string} */
function bindingsReadme(readme) {
  return readme.replace(FENCE, (block, marker, lang, body) => {
    if (lang !== 'ts' && lang !== 'typescript') {
      return block;
    }
    if (TS_ONLY.test(body)) {
      return NOTE;
    }
    return `${marker ?? ''}\`\`\`${lang}\n${body.split('SidecarHost.fromWorkload(').join('SidecarHost.fromConstruct(')}\`\`\`\n`;
  });
}

module.exports = { bindingsReadme };
