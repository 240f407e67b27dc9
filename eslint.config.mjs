import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'gulpfile.js', 'eslint.config.mjs'] },
	{
		// This pack talks MTProto through the `telegram` package and parses times with luxon, so it
		// cannot be an n8n Cloud verified package; the rule exists only for Cloud verification.
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
];
