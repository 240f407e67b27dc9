#!/usr/bin/env bash
# CI: proves the README's first command as written. From the repository root it runs
# `npm install && npm start` through npm (so npm's environment and the project's .npmrc apply),
# with its own n8n user folder and free ports, waits until n8n answers /healthz and `npm start`
# prints the URL, checks that n8n lists this pack's nodes and credentials (signed in as the owner
# it sets up), then stops the whole process group and checks that no process of it is left.
# Every wait is bounded.
# Timeouts (seconds): CHECK_START_TIMEOUT for n8n to answer (default 2700: the first start installs
# n8n, ~15-20 minutes), CHECK_STOP_TIMEOUT for n8n to stop after SIGTERM (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
START_TIMEOUT="${CHECK_START_TIMEOUT:-2700}"
STOP_TIMEOUT="${CHECK_STOP_TIMEOUT:-60}"
say() { echo "[check-readme-start] $*"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/readme-start.XXXXXX")
user_folder="$work/n8n-user"
log="$work/npm-start.log"
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
port=$(free_port)
broker_port=$(free_port)
pgid=""

# Processes started by `npm start`: all of them carry our user folder in their environment, also
# any that left the process group.
ours() {
	local environ
	for environ in /proc/[0-9]*/environ; do
		{ tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qxF "N8N_USER_FOLDER=$user_folder" && basename "$(dirname "$environ")"
	done
	return 0
}
cleanup() {
	if [ -n "$pgid" ] && kill -0 -- "-$pgid" 2>/dev/null; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
	local left
	left=$(ours)
	[ -z "$left" ] || kill -KILL $left 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Prints what `npm start` wrote since the last call.
shown=0
show_new_output() {
	local size
	size=$(wc -c <"$log")
	if [ "$size" -gt "$shown" ]; then
		tail -c +$((shown + 1)) "$log" | head -c $((size - shown)) | sed 's/^/  | /'
		shown=$size
	fi
}
fail() {
	show_new_output
	say "FAILED: $*"
	exit 1
}

# The project's own install needs no install scripts (.npmrc: ignore-scripts=true); n8n's native
# modules are built by scripts/ensure-n8n.sh, which overrides the setting for its nested npm and
# checks that they load before it marks the cache ready.
# As typed in a user's shell: npm settings inherited from a calling npm are dropped
# (scripts/lib/clean-npm.sh); the project's .npmrc applies as it does for the user.
# shellcheck source=lib/clean-npm.sh
source scripts/lib/clean-npm.sh
clean_npm_env
say "npm install"
started=$SECONDS
env "${CLEAN_NPM_ENV[@]}" npm install
say "npm install took $((SECONDS - started)) s"

say "npm start (N8N_USER_FOLDER=$user_folder N8N_PORT=$port), in its own process group"
started=$SECONDS
N8N_USER_FOLDER="$user_folder" N8N_PORT="$port" N8N_RUNNERS_BROKER_PORT="$broker_port" \
	setsid env "${CLEAN_NPM_ENV[@]}" npm start >"$log" 2>&1 </dev/null &
pgid=$!

healthy() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
until healthy "http://127.0.0.1:$port/healthz"; do
	show_new_output
	kill -0 "$pgid" 2>/dev/null || fail "npm start exited before n8n answered /healthz"
	[ $((SECONDS - started)) -lt "$START_TIMEOUT" ] || fail "n8n did not answer /healthz within $START_TIMEOUT s"
	sleep 2
done
say "n8n answers http://127.0.0.1:$port/healthz after $((SECONDS - started)) s"
ready_line="n8n is ready: open http://localhost:$port"
until grep -qF "$ready_line" "$log"; do
	[ $((SECONDS - started)) -lt "$START_TIMEOUT" ] || fail "npm start did not print '$ready_line'"
	sleep 1
done
show_new_output

# The editor's node and credential lists (/types/*.json), which n8n 2.x serves only to a signed-in
# user: set up the owner of this throwaway instance (the first-run screen's request), then read
# them. Every node and credential that package.json declares must be there, under this pack.
node -e '
	const [base, root] = process.argv.slice(1);
	const pkg = require(root + "/package.json");
	const loadAll = (files, kind) => files.map((file) => {
		const instance = new (Object.values(require(root + "/" + file))[0])();
		return kind === "nodes" ? `${pkg.name}.${instance.description.name}` : instance.name;
	});
	const wanted = { nodes: loadAll(pkg.n8n.nodes, "nodes"), credentials: loadAll(pkg.n8n.credentials, "credentials") };
	(async () => {
		const owner = { email: "owner@example.com", firstName: "Readme", lastName: "Check", password: "Readme-check-1" };
		const setup = await fetch(`${base}/rest/owner/setup`, {
			method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(owner),
		});
		if (!setup.ok) throw new Error(`owner setup answered ${setup.status}: ${await setup.text()}`);
		const cookie = setup.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
		for (const [kind, names] of Object.entries(wanted)) {
			const response = await fetch(`${base}/types/${kind}.json`, { headers: { cookie } });
			if (!response.ok) throw new Error(`GET /types/${kind}.json answered ${response.status}`);
			const listed = new Set((await response.json()).map((type) => type.name));
			const missing = names.filter((name) => !listed.has(name));
			if (missing.length) throw new Error(`n8n does not list these ${kind}: ${missing.join(", ")}`);
			console.log(`[check-readme-start] n8n lists our ${names.length} ${kind}: ${names.join(", ")}`);
		}
	})().catch((error) => { console.error(`[check-readme-start] ${error.message}`); process.exit(1); });
' "http://127.0.0.1:$port" "$PWD" || fail "the pack is not loaded"

say "stopping npm start (SIGTERM to process group $pgid)"
stopping=$SECONDS
kill -TERM -- "-$pgid"
while kill -0 -- "-$pgid" 2>/dev/null; do
	if [ $((SECONDS - stopping)) -ge "$STOP_TIMEOUT" ]; then
		ps -o pid,pgid,args -s "$pgid" || true
		fail "process group $pgid still running $STOP_TIMEOUT s after SIGTERM"
	fi
	sleep 1
done
show_new_output
left=$(ours)
[ -z "$left" ] || fail "processes of npm start left behind: $(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)")"
healthy "http://127.0.0.1:$port/healthz" && fail "something still answers on port $port"
say "stopped in $((SECONDS - stopping)) s, no process left: the README's npm install && npm start works"
