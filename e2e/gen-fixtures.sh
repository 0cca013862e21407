#!/usr/bin/env bash
# Makes genuine fixtures with the real Claude Code / Codex CLIs against e2e/gen-fixtures.ts (see
# test/fixtures/SOURCES.md). Run as root after npm run build and e2e/run.sh installed the CLIs:
#   unshare -mn bash e2e/gen-fixtures.sh claude|claude-tui|codex
# Inside the private namespaces /home is a tmpfs (so paths are /home/dev/...) and only loopback is up.
set -uo pipefail
WT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$WT/.e2e-clis/node_modules/.bin
OUT=${SFS_GEN_OUT:-/tmp/sfs-gen-fixtures}; mkdir -p $OUT
TOOL=$1
ip link set lo up
mount -t tmpfs tmpfs /home
export HOME=/home/dev
P=$HOME/projects/demo-app
mkdir -p $P/src $HOME/.tmp $HOME/bin
cd $P
git init -q -b feature/demo . && git config user.email dev@example.com && git config user.name Dev
printf '# Demo app\n\nA tiny demo project.\n' > README.md
printf 'export const hello = () => "hi";\n' > src/index.ts
git add -A && git commit -qm init
# A stand-in for GitHub's CLI: prints what `gh pr create` prints.
printf '#!/bin/sh\necho "https://github.com/acme/demo-app/pull/42"\n' > $HOME/bin/gh && chmod +x $HOME/bin/gh
node $WT/dist/e2e/gen-fixtures.js 18780 $OUT/$TOOL-requests.log > $OUT/$TOOL-mock.log 2>&1 &
MOCK=$!
sleep 1
export PATH=$HOME/bin:$PATH TMPDIR=$HOME/.tmp TERM=dumb
KEY=sk-e2e-0000000000000000000000000000
if [ "$TOOL" = claude ]; then
  cat > $HOME/.claude.json <<J
{"hasCompletedOnboarding":true,"lastOnboardingVersion":"2.1.332","customApiKeyResponses":{"approved":["${KEY: -20}"],"rejected":[]},"projects":{"$P":{"hasTrustDialogAccepted":true}}}
J
  mkdir -p $HOME/.claude
  echo '{"permissions":{"allow":["Bash","Read","Write","Edit","Agent","Task"]}}' > $HOME/.claude/settings.json
  export ANTHROPIC_BASE_URL=http://127.0.0.1:18780 ANTHROPIC_API_KEY=$KEY CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1
  C=$BIN/claude
  run() { echo "== claude $*" >> $OUT/claude-run.log; timeout 120 $C "$@" >> $OUT/claude-run.log 2>&1; echo "exit $?" >> $OUT/claude-run.log; }
  run -p "SCN_TOOLS: please inspect this project" --output-format json
  SID=$(ls -t $HOME/.claude/projects/*/*.jsonl | head -1 | xargs basename | sed 's/.jsonl$//')
  echo "SID=$SID" >> $OUT/claude-run.log
  run --resume $SID -p "SCN_SUBAGENT: delegate listing the files to a sub-agent"
  run --resume $SID -p "SCN_PR: open a pull request for this branch"
  run --resume $SID -p "/compact"
  run --resume $SID -p "SCN_ERROR: this request fails"
  run --resume $SID -p "What did we do so far?"
  # image input over stream-json
  PNG=iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==
  echo "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"SCN_IMAGE: what colour is this image?\"},{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"$PNG\"}}]}}" > $HOME/.tmp/img.jsonl
  echo "== claude image" >> $OUT/claude-run.log
  timeout 120 $C -p --input-format stream-json --output-format stream-json --verbose < $HOME/.tmp/img.jsonl >> $OUT/claude-run.log 2>&1; echo "exit $?" >> $OUT/claude-run.log
  rm -rf $OUT/claude-home && cp -a $HOME/.claude $OUT/claude-home && cp $HOME/.claude.json $OUT/claude-home/claude.json
elif [ "$TOOL" = claude-tui ]; then
  # The interactive TUI, driven through tmux: generated title (ai-title), /rename (custom-title + its
  # custom-title.json sidecar), thinking shown as it streams. Non-essential traffic stays on (the title
  # request is one); it can only reach the mock.
  cat > $HOME/.claude.json <<J
{"hasCompletedOnboarding":true,"lastOnboardingVersion":"2.1.332","theme":"dark","customApiKeyResponses":{"approved":["${KEY: -20}"],"rejected":[]},"projects":{"$P":{"hasTrustDialogAccepted":true,"hasCompletedProjectOnboarding":true}}}
J
  mkdir -p $HOME/.claude
  echo '{"permissions":{"allow":["Bash","Read","Write","Edit","Agent","Task"]}}' > $HOME/.claude/settings.json
  T="tmux -L sfs-gen"
  $T new-session -d -s cc -x 160 -y 50 "env HOME=$HOME TMPDIR=$HOME/.tmp TERM=xterm-256color ANTHROPIC_BASE_URL=http://127.0.0.1:18780 ANTHROPIC_API_KEY=$KEY DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1 $BIN/claude; sleep 5"
  sleep 6
  $T send-keys -t cc -l "SCN_TOOLS: please inspect this project"; sleep 1; $T send-keys -t cc Enter; sleep 12
  $T send-keys -t cc -l "/rename demo-inspection"; sleep 1; $T send-keys -t cc Enter; sleep 3
  $T send-keys -t cc -l "/exit"; sleep 1; $T send-keys -t cc Enter; sleep 4
  $T capture-pane -p -t cc > $OUT/claude-tui-screen.txt
  $T kill-server 2>/dev/null
  rm -rf $OUT/claude-tui-home && cp -a $HOME/.claude $OUT/claude-tui-home
else
  mkdir -p $HOME/.codex
  cat > $HOME/.codex/config.toml <<T
model = "gpt-5.5"
model_provider = "mock"
model_reasoning_summary = "auto"
approval_policy = "never"
sandbox_mode = "danger-full-access"
check_for_update_on_startup = false
[model_providers.mock]
name = "mock"
base_url = "http://127.0.0.1:18780/v1"
wire_api = "responses"
env_key = "OPENAI_API_KEY"
[features]
plugins = false
remote_plugin = false
daemon_auto_start = false
[analytics]
enabled = false
[projects."$P"]
trust_level = "trusted"
T
  export OPENAI_API_KEY=$KEY
  C=$BIN/codex
  run() { echo "== codex $*" >> $OUT/codex-run.log; timeout 120 $C "$@" >> $OUT/codex-run.log 2>&1 < /dev/null; echo "exit $?" >> $OUT/codex-run.log; }
  run exec --skip-git-repo-check "SCN_TOOLS: please inspect this project"
  F=$(find $HOME/.codex/sessions -name 'rollout-*.jsonl' | head -1)
  SID=$(basename $F .jsonl | grep -o '[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}$')
  echo "SID=$SID" >> $OUT/codex-run.log
  run exec --skip-git-repo-check resume $SID "Summarise the README in one line"
  run exec --skip-git-repo-check resume $SID "SCN_ERROR: this request fails"
  run exec --skip-git-repo-check resume $SID "What did we do so far?"
  printf '\x89PNG\r\n\x1a\n' > $HOME/.tmp/red.png; echo iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg== | base64 -d > $P/red.png
  run exec --skip-git-repo-check "SCN_IMAGE: what colour is this image?" -i $P/red.png
  rm -rf $OUT/codex-home && cp -a $HOME/.codex $OUT/codex-home
fi
kill $MOCK
