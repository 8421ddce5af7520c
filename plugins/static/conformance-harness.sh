#!/bin/sh
# Runs the static-hosts plugin with simulated machines for the conformance suite
# (see conformance-harness.ts). Needs `npx tsc -p .` first.
exec node "$(dirname "$0")/../../dist/plugins/static/conformance-harness.js" "$@"
