#!/usr/bin/env node
// npx cdk8s-reverse-proxy-sidecar serve dist/my-app.k8s.yaml --app 127.0.0.1:5000 [--workload NAME] [--port 8080]
'use strict';
require('../build/lib/testing/serve').main(process.argv.slice(2)).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
