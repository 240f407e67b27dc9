#!/usr/bin/env bash
# `npm start`: a real n8n 2.x with this pack installed as a community package, on SQLite, at
# http://localhost:5678. State lives in .n8n-dev/ (git-ignored); delete it to start afresh.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash scripts/ensure-n8n.sh)"
export N8N_USER_FOLDER="${N8N_USER_FOLDER:-$PWD/.n8n-dev}"
installed=$(bash scripts/install-pack.sh "$N8N_USER_FOLDER/.n8n/nodes")
echo "[start] pack installed at $installed"
export N8N_PORT="${N8N_PORT:-5678}"
export DB_TYPE=sqlite
export N8N_DIAGNOSTICS_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
export N8N_VERSION_NOTIFICATIONS_ENABLED=false
export N8N_TEMPLATES_ENABLED=false
export N8N_SECURE_COOKIE=false
export N8N_COMMUNITY_PACKAGES_ENABLED=true
# This pack has runtime dependencies, so n8n counts it as unverified.
export N8N_UNVERIFIED_PACKAGES_ENABLED=true
export N8N_RUNNERS_ENABLED="${N8N_RUNNERS_ENABLED:-false}"
echo "[start] n8n $("$N8N_NODE" "$N8N_BIN" --version) on Node $("$N8N_NODE" --version): http://localhost:$N8N_PORT"
exec "$N8N_NODE" "$N8N_BIN" start
