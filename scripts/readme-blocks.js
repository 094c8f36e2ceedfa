'use strict';
// The README's fenced code blocks and what each is: every block is a file CI runs. A block is
// marked by the HTML comment right before it:
//   <!-- examples/consumer/NAME -->  the file examples/consumer/NAME, byte for byte (the tarball test runs it)
//   <!-- examples/bindings/NAME -->  the file examples/bindings/NAME, byte for byte (npm run test:jsii checks it)
//   <!-- .ci/run -->                  commands that .ci/run runs, each line as written
// A `mermaid` block is a diagram, not code. Any other block is a problem.

/**
 * @param {string} readme the README's text
 * @returns {{ marked: Map<string, string>, bindings: Map<string, string>, ci: string[], problems: string[] }}
 */
function readmeBlocks(readme) {
  const marked = new Map();
  const bindings = new Map();
  const ci = [];
  const problems = [];
  const re = /(?:<!-- ([^\n]*?) -->\n)?```(\w*)\n([\s\S]*?)```\n/g;
  for (let m; (m = re.exec(readme)) !== null;) {
    const [, marker, lang, body] = m;
    const line = readme.slice(0, m.index).split('\n').length + (marker ? 1 : 0);
    const file = /^examples\/consumer\/([\w.-]+)$/.exec(marker ?? '');
    const binding = /^examples\/bindings\/([\w.-]+)$/.exec(marker ?? '');
    if (binding) {
      if (bindings.has(binding[1])) problems.push(`two blocks are marked examples/bindings/${binding[1]}`);
      bindings.set(binding[1], body);
    } else if (file) {
      if (marked.has(file[1])) problems.push(`two blocks are marked examples/consumer/${file[1]}`);
      marked.set(file[1], body);
    } else if (marker === '.ci/run') {
      ci.push(body);
    } else if (lang !== 'mermaid') {
      problems.push(`the ${lang || 'unlabelled'} block at line ${line} is not marked as a file CI runs`);
    }
  }
  return { marked, bindings, ci, problems };
}

module.exports = { readmeBlocks };
