// nodes/Telegram/transport/index.ts is a lazy front door: it lists api.ts's exports by hand so that
// loading a node file does not load the transport. tsc only notices a missing name when someone
// imports it; this notices every value export of api.ts that the front door left out.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { distModule } from '../../harness/dist';

/** Names with a value. */
const exported = (module: object) =>
	Object.entries(module)
		.filter(([, value]) => value !== undefined)
		.map(([name]) => name)
		.sort();

test('the transport front door exports every value api.ts exports, and nothing else', () => {
	const frontDoor = exported(distModule<object>('nodes/Telegram/transport/index'));
	const api = exported(distModule<object>('nodes/Telegram/transport/api'));
	assert.ok(api.includes('closeAllTelegramClients'), `api.ts's exports: ${api.join(', ')}`);
	assert.deepEqual(frontDoor, api);
});
