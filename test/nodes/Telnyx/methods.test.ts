import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { NodeHost } from '../../harness/nodeHost';
import { PROFILE_A_ID, PROFILE_B_ID, type TelnyxFake } from '../../fakes/telnyx/server';
import { credentialsFor, startFake } from './setup';

describe('Telnyx: the editor lists of senders and messaging profiles', () => {
	let fake: TelnyxFake;
	let host: NodeHost;
	before(async () => {
		fake = await startFake();
		host = await NodeHost.create({
			type: 'telnyx',
			parameters: { resource: 'message', operation: 'schedule' },
			credentials: credentialsFor(fake),
		});
	});
	after(async () => await fake?.stop());
	beforeEach(() => fake.reset());

	test('messaging profiles, all and filtered by name', async () => {
		const all = await host.listSearch('searchMessagingProfiles');
		assert.deepEqual(all.results, [
			{ name: 'Profile A', value: PROFILE_A_ID },
			{ name: 'Profile B', value: PROFILE_B_ID },
		]);
		const filtered = await host.listSearch('searchMessagingProfiles', 'B');
		assert.deepEqual(
			filtered.results.map((result) => result.value),
			[PROFILE_B_ID],
		);
		assert.equal(fake.requests.at(-1)?.query['filter[name][contains]'], 'B');
		assert.deepEqual(fake.violations, []);
	});

	test('numbers with their profile, filtered by digits', async () => {
		const all = await host.listSearch('searchPhoneNumbers');
		assert.deepEqual(
			all.results.map((result) => result.name),
			['+15550001111 (Profile A)', '+15550002222 (Profile A)', '+15550003333 (Profile B)'],
		);
		const filtered = await host.listSearch('searchPhoneNumbers', '+1 (555) 000-3333');
		assert.deepEqual(filtered.results, [
			{ name: '+15550003333 (Profile B)', value: '+15550003333' },
		]);
		assert.equal(fake.requests.at(-1)?.query['filter[phone_number]'], '15550003333');
		assert.deepEqual(fake.violations, []);
	});

	test('numbers without a messaging profile cannot send, so they are not offered', async () => {
		fake.phoneNumbers.push({
			id: '1293384261075731499',
			phone_number: '+15550009999',
			messaging_profile_id: '',
		});
		const all = await host.listSearch('searchPhoneNumbers', '9999');
		assert.deepEqual(all.results, []);
	});

	test('short codes, all and filtered by digits; those without a profile are not offered', async () => {
		fake.shortCodes.push({
			id: '3fa85f64-5717-4562-b3fc-2c963f66a099',
			short_code: '55555',
			messaging_profile_id: '',
		});
		const all = await host.listSearch('searchShortCodes');
		assert.deepEqual(all.results, [
			{ name: '12345 (US)', value: '12345' },
			{ name: '654321 (US)', value: '654321' },
		]);
		assert.equal(fake.requests.at(-1)?.path, '/v2/short_codes');
		const filtered = await host.listSearch('searchShortCodes', '6543');
		assert.deepEqual(
			filtered.results.map((result) => result.value),
			['654321'],
		);
		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
	});

	test("alphanumeric sender IDs: all, by text, and only the chosen profile's once one is chosen", async () => {
		const all = await host.listSearch('searchAlphanumericSenderIds');
		assert.deepEqual(all.results, [
			{ name: 'ACME', value: 'ACME', description: `Messaging profile ${PROFILE_A_ID}` },
			{ name: 'Acme Shop', value: 'Acme Shop', description: `Messaging profile ${PROFILE_B_ID}` },
		]);
		assert.equal(fake.requests.at(-1)?.query['filter[messaging_profile_id]'], undefined);
		const byText = await host.listSearch('searchAlphanumericSenderIds', 'shop');
		assert.deepEqual(
			byText.results.map((result) => result.value),
			['Acme Shop'],
		);

		const withProfile = await NodeHost.create({
			type: 'telnyx',
			parameters: {
				resource: 'message',
				operation: 'send',
				senderType: 'alphanumericSenderId',
				messagingProfile: { __rl: true, mode: 'list', value: PROFILE_B_ID },
			},
			credentials: credentialsFor(fake),
		});
		const ofProfileB = await withProfile.listSearch('searchAlphanumericSenderIds');
		assert.deepEqual(
			ofProfileB.results.map((result) => result.value),
			['Acme Shop'],
		);
		assert.equal(fake.requests.at(-1)?.query['filter[messaging_profile_id]'], PROFILE_B_ID);
		assert.deepEqual(fake.violations, []);
		assert.deepEqual(fake.responseViolations, []);
	});

	test('more pages: the next page number comes back as the pagination token', async () => {
		fake.profiles.push(
			...Array.from({ length: 150 }, (_, i) => ({
				id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
				name: `Bulk ${i}`,
				webhook_url: null,
				webhook_failover_url: null,
				enabled: true,
			})),
		);
		const first = await host.listSearch('searchMessagingProfiles');
		assert.equal(first.results.length, 100);
		assert.equal(first.paginationToken, '2');
		const second = await host.listSearch(
			'searchMessagingProfiles',
			undefined,
			String(first.paginationToken),
		);
		assert.equal(second.results.length, 52);
		assert.equal(second.paginationToken, undefined);
	});
});
