npm install cdk8s-reverse-proxy-sidecar cdk8s constructs cdk8s-plus-34
npm install -D ajv ajv-formats yaml
npm install -D -E kubernetes-models@4.3.1
