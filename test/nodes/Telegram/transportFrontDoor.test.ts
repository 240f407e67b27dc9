// nodes/Telegram/transport/index.ts is a lazy front door: it lists api.ts's exports by hand so that
// loading a node file does not load the transport. tsc only notices a missing name when someone
// imports it; this notices every value export of api.ts that the front door left out.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { PACKAGE_ROOT } from '../../harness/engine';

const transport = resolve(PACKAGE_ROOT, 'dist/nodes/Telegram/transport');

/** Names with a value (tsc's CommonJS output first declares every export as undefined). */
const exported = (module: object) =>
	Object.entries(module)
		.filter(([, value]) => value !== undefined)
		.map(([name]) => name)
		.sort();

test('the transport front door exports every value api.ts exports, and nothing else', () => {
	/* eslint-disable @typescript-eslint/no-require-imports -- dist/ is loaded by path, as n8n loads it */
	const frontDoor = exported(require(resolve(transport, 'index.js')) as object);
	const api = exported(require(resolve(transport, 'api.js')) as object);
	/* eslint-enable @typescript-eslint/no-require-imports */
	assert.deepEqual(frontDoor, api);
});
