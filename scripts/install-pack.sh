#!/usr/bin/env bash
# Installs this package into an n8n "nodes" folder the way n8n's community-package installer does:
# the packed tarball, its package.json without dev/peer/optional dependencies, then a shallow
# production install. So whatever dist/ imports but package.json does not declare fails here too.
# Usage: install-pack.sh <n8n user folder>/.n8n/nodes   (run after `npm run build`)
set -euo pipefail
nodes_dir="$1"
repo="$(cd "$(dirname "$0")/.." && pwd)"
name=$(node -p "require('$repo/package.json').name")
target="$nodes_dir/node_modules/$name"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Run from `npm run test:e2e` or `npm start`: npm's inherited settings are dropped, so each npm
# here does what its command line says.
# shellcheck source=lib/clean-npm.sh
source "$repo/scripts/lib/clean-npm.sh"

tarball=$(cd "$repo" && clean_npm pack --silent --ignore-scripts=true --pack-destination "$work" 2>/dev/null | tail -n 1)
rm -rf "$target" && mkdir -p "$target"
tar -xzf "$work/$tarball" -C "$target" --strip-components=1
node -e "
const fs = require('fs'); const file = '$target/package.json';
const { devDependencies, peerDependencies, optionalDependencies, ...kept } = JSON.parse(fs.readFileSync(file, 'utf8'));
fs.writeFileSync(file, JSON.stringify(kept, null, 2));
"
# --ignore-scripts=true on purpose and explicitly: n8n installs community packages that way, so a
# dependency that needs an install script must fail here too (the pack has no native module).
(cd "$target" && clean_npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow \
	--ignore-scripts=true --package-lock=false --loglevel=error >/dev/null)
# n8n lists installed community packages in the nodes folder's package.json.
[ -f "$nodes_dir/package.json" ] || echo '{ "name": "installed-nodes", "private": true, "dependencies": {} }' > "$nodes_dir/package.json"
node -e "
const fs = require('fs'); const file = '$nodes_dir/package.json'; const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
pkg.dependencies = { ...(pkg.dependencies || {}), '$name': require('$target/package.json').version };
fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
"
echo "$target"
