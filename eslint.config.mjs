import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'bench/**',
			'scripts/**',
			'gulpfile.js',
			'eslint.config.mjs',
		],
	},
	{
		// This pack talks MTProto through the `telegram` package and parses times with luxon, so it
		// cannot be an n8n Cloud verified package; the rule exists only for Cloud verification.
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		// Tests, fakes and the fault runner are not node or credential code that n8n loads, so the
		// community-node rules written for that code do not fit them: they spawn processes (worker
		// processes, the Python secret-chat peer, the n8n CLI), hold made-up keys for the fakes, and
		// fakes answer like the provider rather than with NodeApiError. The fault runner and fakes
		// report on the console.
		files: ['test/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'no-console': 'off',
			// `const { field: _unused, ...rest } = body` is how tests drop one field from a request.
			'@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
		},
	},
];
