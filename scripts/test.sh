#!/bin/sh
# npm test: type-checks lib, apps, test and bench in one tsc program (tsconfig.test.json) while jest
# runs (jest only transpiles); fails if either fails. The two overlap because jest's first seconds
# mostly wait for pods to start: 72 s instead of 78 s of wall time in one measurement on 2 cores.
# Arguments go to jest (`npm test -- test/nginx`).
node_modules/.bin/tsc -p tsconfig.test.json &
tsc_pid=$!
node_modules/.bin/jest "$@"
jest_status=$?
if ! wait "$tsc_pid"; then
  echo "npm test: tsc found type errors (above)" >&2
  exit 1
fi
exit "$jest_status"
