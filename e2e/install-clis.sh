#!/usr/bin/env bash
# Installs the real CLIs the end-to-end suite drives into .e2e-clis/ (not project dependencies).
# Does nothing when the pinned versions are there. e2e/run.sh calls it; .ci/run starts it early, in
# the background, so the download and unpacking overlap the unit and browser suites.
set -euo pipefail
cd "$(dirname "$0")/.."
# @kilocode/cli 7.8.1, the newest, publishes no @kilocode/cli-linux-x64 7.8.1 package: 7.7.7 is the newest that runs here.
PKGS=(@anthropic-ai/claude-code@2.1.332 @openai/codex@0.171.0 @google/gemini-cli@0.61.0 @github/copilot@1.0.102 @kilocode/cli@7.7.7 opencode-ai@1.18.33 cline@3.0.65)
# A copy installed for other pins is replaced, so the suite never tests a stale version.
[ "$(cat .e2e-clis/pins 2>/dev/null)" = "${PKGS[*]}" ] || rm -rf .e2e-clis/node_modules
if [ ! -x .e2e-clis/node_modules/.bin/claude ] || [ ! -x .e2e-clis/node_modules/.bin/codex ] || [ ! -x .e2e-clis/node_modules/.bin/gemini ] || [ ! -x .e2e-clis/node_modules/.bin/copilot ] \
  || [ ! -x .e2e-clis/node_modules/.bin/kilo ] || [ ! -x .e2e-clis/node_modules/.bin/opencode ] || [ ! -x .e2e-clis/node_modules/.bin/cline ]; then
  mkdir -p .e2e-clis
  npm install --prefix .e2e-clis --no-audit --no-fund --no-save --loglevel=error "${PKGS[@]}"
  echo "${PKGS[*]}" >.e2e-clis/pins
fi
