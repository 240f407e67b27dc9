# Sourced by the scripts that run npm themselves. Run by `npm start`, `npm test` or `npm run ...`,
# a script inherits npm's configuration as npm_config_* variables, including the project's
# ignore-scripts=true (.npmrc), which makes a nested `npm rebuild` build nothing while it reports
# success. clean_npm runs npm as from a user's shell: only the settings that say where and how to
# fetch are kept (registry, proxy, certificates, cache, user config); what it must do is given on
# its command line (and the project's .npmrc still applies inside the project). PATH loses the
# project's node_modules/.bin.

# Fills CLEAN_NPM_ENV with `env` arguments for such an npm (for callers that cannot call a function,
# e.g. through setsid).
clean_npm_env() {
	local entry name lower path_entry clean_path=""
	CLEAN_NPM_ENV=()
	while IFS= read -r -d '' entry; do
		name="${entry%%=*}"
		lower="${name,,}"
		[[ "$lower" == npm_config_* ]] || continue
		case "${lower#npm_config_}" in
		registry | *:* | userconfig | globalconfig | cache | cafile | ca | strict_ssl | proxy | https_proxy | noproxy | \
			fetch_retries | fetch_retry_* | fetch_timeout | maxsockets | offline | prefer_offline | prefer_online) ;;
		*) CLEAN_NPM_ENV+=(-u "$name") ;;
		esac
	done < <(env -0)
	IFS=: read -ra path_entries <<<"$PATH"
	for path_entry in "${path_entries[@]}"; do
		[[ "$path_entry" == */node_modules/.bin || "$path_entry" == */node-gyp-bin ]] && continue
		clean_path="${clean_path:+$clean_path:}$path_entry"
	done
	CLEAN_NPM_ENV+=(PATH="$clean_path")
}

clean_npm() {
	clean_npm_env
	env "${CLEAN_NPM_ENV[@]}" npm "$@"
}
