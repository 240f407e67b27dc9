#!/usr/bin/env bash
# `npm start`: a real n8n with this pack installed as a community package, on SQLite, at
# http://localhost:5678. State lives in .n8n-dev/ (git-ignored); delete it to start afresh.
# The e2e tests start their n8n servers through this script too, with overrides from the
# environment: N8N_USER_FOLDER, N8N_PORT, N8N_VERSION, any other n8n setting (N8N_ENCRYPTION_KEY,
# ...), and N8N_SM_PACK_INSTALLED=1 when the pack is already in the user folder (skips the pack
# install). The n8n process replaces this shell: a signal to this process reaches n8n itself.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "[start] $*"; }

# (Not eval "$(...)" directly: the eval would succeed on the empty output of a failed install.)
paths=$(bash scripts/ensure-n8n.sh) || exit 1
eval "$paths"
export N8N_USER_FOLDER="${N8N_USER_FOLDER:-$PWD/.n8n-dev}"
if [ "${N8N_SM_PACK_INSTALLED:-}" != 1 ]; then
	installed=$(bash scripts/install-pack.sh "$N8N_USER_FOLDER/.n8n/nodes")
	say "pack installed at $installed"
fi
export N8N_PORT="${N8N_PORT:-5678}"
export DB_TYPE="${DB_TYPE:-sqlite}"
export N8N_DIAGNOSTICS_ENABLED="${N8N_DIAGNOSTICS_ENABLED:-false}"
export N8N_PERSONALIZATION_ENABLED="${N8N_PERSONALIZATION_ENABLED:-false}"
export N8N_VERSION_NOTIFICATIONS_ENABLED="${N8N_VERSION_NOTIFICATIONS_ENABLED:-false}"
export N8N_TEMPLATES_ENABLED="${N8N_TEMPLATES_ENABLED:-false}"
export N8N_SECURE_COOKIE="${N8N_SECURE_COOKIE:-false}"
export N8N_COMMUNITY_PACKAGES_ENABLED="${N8N_COMMUNITY_PACKAGES_ENABLED:-true}"
# This pack has runtime dependencies, so n8n counts it as unverified.
export N8N_UNVERIFIED_PACKAGES_ENABLED="${N8N_UNVERIFIED_PACKAGES_ENABLED:-true}"
export N8N_RUNNERS_ENABLED="${N8N_RUNNERS_ENABLED:-false}"
url="http://localhost:$N8N_PORT"
say "starting n8n $("$N8N_NODE" "$N8N_BIN" --version) on Node $("$N8N_NODE" --version), data in $N8N_USER_FOLDER"

# A watcher beside n8n says when it is ready (/healthz/readiness: /healthz answers already while
# the database migrates), or that it stopped before; it ends with n8n.
"$N8N_NODE" -e '
	const http = require("node:http");
	const [pid, port, url] = [Number(process.argv[1]), process.argv[2], process.argv[3]];
	const started = Date.now();
	let slowSaid = false;
	const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
	const later = () => {
		if (!slowSaid && Date.now() - started > 120000) {
			slowSaid = true;
			console.log(`[start] n8n is not ready at ${url} after 2 minutes; still waiting`);
		}
		setTimeout(poll, 1000);
	};
	const poll = () => {
		if (!alive()) {
			console.log("[start] n8n stopped before it was ready: its messages above say why"
				+ " (a port in use? set N8N_PORT). Fix that, then run npm start again.");
			return;
		}
		const request = http.get({ host: "localhost", port, path: "/healthz/readiness", timeout: 2000 }, (response) => {
			response.resume();
			if (response.statusCode === 200) console.log(`[start] n8n is ready: open ${url} (Ctrl+C stops it)`);
			else later();
		});
		request.on("timeout", () => request.destroy());
		request.on("error", later);
	};
	poll();' "$$" "$N8N_PORT" "$url" &
exec "$N8N_NODE" "$N8N_BIN" start
