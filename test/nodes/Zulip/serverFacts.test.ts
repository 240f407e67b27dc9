import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ZulipFake } from '../../fakes/zulip/server';
import { channelCreate, runZulip, useZulipFake } from './setup';

const serverReads = (fake: ZulipFake) =>
	fake.requests.filter((request) => request.path.endsWith('/server_settings')).length;
const registers = (fake: ZulipFake) =>
	fake.requests.filter((request) => request.path.endsWith('/register')).length;

describe('Zulip: the server facts are read once per server and credential', () => {
	let fake: ZulipFake;
	useZulipFake((started) => (fake = started), { learnServer: false });

	test('the first run reads the feature level and the limits once for all items; later runs read nothing', async () => {
		fake.failNext({ method: 'GET', path: /\/server_settings$/ }, 'http-500');
		const failed = await runZulip(fake, { parameters: channelCreate() });
		assert.match(failed.error?.message ?? '', /Zulip: Internal server error/);
		assert.equal(fake.scheduled.size, 0, 'nothing is created without knowing the server');

		const items = [{ text: 'one' }, { text: 'two' }, { text: 'three' }];
		const first = await runZulip(fake, {
			parameters: channelCreate({ content: '={{ $json.text }}' }),
			items,
		});
		assert.equal(first.error, undefined, first.error?.message);
		assert.equal(serverReads(fake), 2, 'the failed read was not kept: read again, once');
		assert.equal(registers(fake), 1);
		const register = fake.requests.find((request) => request.path.endsWith('/register'));
		assert.deepEqual(register?.body, { event_types: [], fetch_event_types: ['realm'] });

		const second = await runZulip(fake, { parameters: channelCreate(), items });
		assert.equal(second.error, undefined, second.error?.message);
		assert.equal(serverReads(fake), 2);
		assert.equal(registers(fake), 1);
		assert.equal(fake.scheduled.size, 6);
		assert.deepEqual(fake.violations, []);
	});
});
