#!/usr/bin/env bash
# End-to-end suite against the real CLIs (npm run test:e2e): resume, and MCP registration as
# each client's own `mcp list` sees it. Installs the CLIs into .e2e-clis/ when they are not
# there (e2e/install-clis.sh), then runs the suite with only loopback reachable when it can
# (root + unshare), so no call can leave the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash e2e/install-clis.sh
# Cline resumes a session only in its terminal UI (`cline --id`): the suite types into it under tmux.
if ! command -v tmux >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux
fi
RUN=(node --test --test-concurrency=1 dist/e2e/)
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
  exec unshare -n -- sh -c 'ip link set lo up && exec "$@"' sh "${RUN[@]}"
fi
echo "e2e: not root or no unshare: running without a private network namespace (the mock still listens on 127.0.0.1 only)" >&2
exec "${RUN[@]}"
