'use strict';
// A steady HTTP load, run by pod-http.ts inside a pod's network namespace. Argument: JSON
// { base, paths, concurrency, timeoutMs }. Each of `concurrency` loops sends the next path on a
// new connection as soon as its previous request is answered. Closing stdin stops new requests;
// once those in flight finish, every sample is printed as JSON on stdout.
const http = require('http');

const { base, paths, concurrency, timeoutMs } = JSON.parse(process.argv[2]);
const samples = [];
let stopping = false;
let next = 0;

function once(path) {
  return new Promise((resolve) => {
    const startAt = Date.now();
    let settled = false;
    const finish = (status, cache, error) => {
      if (!settled) {
        settled = true;
        samples.push({ path, status, startAt, endAt: Date.now(), cache, error });
        resolve();
      }
    };
    const req = http.get(`${base}${path}`, { agent: false, headers: { Connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => finish(res.statusCode, res.headers['x-cache-status']));
      res.on('error', (e) => finish(0, undefined, e.code || e.message));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => finish(0, undefined, e.code || e.message));
  });
}

async function loop() {
  while (!stopping) {
    await once(paths[next++ % paths.length]);
  }
}

process.stdin.resume();
process.stdin.on('end', () => { stopping = true; });
Promise.all(Array.from({ length: concurrency }, loop)).then(() => {
  process.stdout.write(JSON.stringify(samples));
});
