#!/usr/bin/env bash
# End-to-end suite against the real CLIs (npm run test:e2e): resume, and MCP registration as
# each client's own `mcp list` sees it. Installs the CLIs
# into .e2e-clis/ (not project dependencies), then runs the suite with only loopback
# reachable when it can (root + unshare), so no call can leave the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# @kilocode/cli 7.8.1, the newest, publishes no @kilocode/cli-linux-x64 7.8.1 package: 7.7.7 is the newest that runs here.
PKGS=(@anthropic-ai/claude-code@2.1.332 @openai/codex@0.171.0 @google/gemini-cli@0.61.0 @github/copilot@1.0.102 @kilocode/cli@7.7.7 opencode-ai@1.18.33)
# A copy installed for other pins is replaced, so the suite never tests a stale version.
[ "$(cat .e2e-clis/pins 2>/dev/null)" = "${PKGS[*]}" ] || rm -rf .e2e-clis/node_modules
if [ ! -x .e2e-clis/node_modules/.bin/claude ] || [ ! -x .e2e-clis/node_modules/.bin/codex ] || [ ! -x .e2e-clis/node_modules/.bin/gemini ] || [ ! -x .e2e-clis/node_modules/.bin/copilot ] \
  || [ ! -x .e2e-clis/node_modules/.bin/kilo ] || [ ! -x .e2e-clis/node_modules/.bin/opencode ]; then
  mkdir -p .e2e-clis
  npm install --prefix .e2e-clis --no-audit --no-fund --no-save --loglevel=error "${PKGS[@]}"
  echo "${PKGS[*]}" >.e2e-clis/pins
fi
RUN=(node --test --test-concurrency=1 dist/e2e/)
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
  exec unshare -n -- sh -c 'ip link set lo up && exec "$@"' sh "${RUN[@]}"
fi
echo "e2e: not root or no unshare: running without a private network namespace (the mock still listens on 127.0.0.1 only)" >&2
exec "${RUN[@]}"
