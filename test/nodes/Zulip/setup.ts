import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import { runProviderNode, type NodeRunResult, type ProviderRun } from '../../harness/engine';
import { ZulipFake, type ZulipFakeOptions } from '../../fakes/zulip/server';

export function credentialsFor(fake: ZulipFake, overrides: IDataObject = {}) {
	return {
		zulipScheduledApi: { url: fake.url, email: fake.email, apiKey: fake.apiKey, ...overrides },
	};
}

export async function runZulip(fake: ZulipFake, run: ProviderRun): Promise<NodeRunResult> {
	return await runProviderNode('zulip', (overrides) => credentialsFor(fake, overrides), run);
}

/** An ISO time `minutes` from now, without offset, in `zone` (as the editor's date picker gives). */
export function localIsoIn(minutes: number, zone = 'America/New_York'): string {
	const formatter = new Intl.DateTimeFormat('sv-SE', {
		timeZone: zone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
		hourCycle: 'h23',
	});
	return formatter.format(new Date(Date.now() + minutes * 60_000)).replace(' ', 'T');
}

export function postsTo(fake: ZulipFake, path: string): number {
	return fake.requests.filter((request) => request.method === 'POST' && request.path.endsWith(path))
		.length;
}

export const channelCreate = (overrides: IDataObject = {}): IDataObject => ({
	resource: 'scheduledMessage',
	operation: 'create',
	messageType: 'channel',
	channel: { __rl: true, mode: 'list', value: '14' },
	topic: 'Release',
	content: 'Ship it at noon',
	sendAt: '={{ $now.plus({ hours: 2 }).toISO() }}',
	...overrides,
});

/**
 * Makes the node learn the fake's server (feature level, limits), which it reads once per server
 * and credential and keeps: later runs' request logs then hold only the operation's own requests.
 */
export async function learnServer(fake: ZulipFake): Promise<void> {
	const result = await runZulip(fake, {
		parameters: {
			resource: 'message',
			operation: 'send',
			messageType: 'channel',
			channel: { __rl: true, mode: 'list', value: '14' },
			topic: 'Warm-up',
			content: 'Learning the server',
		},
	});
	assert.equal(result.error, undefined, result.error?.message);
	fake.reset();
}

export interface UseZulipFakeOptions extends ZulipFakeOptions {
	/** Whether the node learns the server before the first test (default true; see learnServer). */
	learnServer?: boolean;
}

/** Starts one Zulip fake for the enclosing describe, and empties it before each test. */
export function useZulipFake(
	onStarted: (fake: ZulipFake) => void,
	options: UseZulipFakeOptions = {},
): void {
	let fake: ZulipFake | undefined;
	before(async () => {
		const { learnServer: learn = true, ...fakeOptions } = options;
		fake = await ZulipFake.start(fakeOptions);
		if (learn) await learnServer(fake);
		onStarted(fake);
	});
	after(async () => await fake?.stop());
	beforeEach(() => fake?.reset());
}

/** Creates `count` channel messages through the node, an hour apart from 1 hour on; returns their ids. */
export async function scheduleChannelMessages(fake: ZulipFake, count: number): Promise<number[]> {
	const items = Array.from({ length: count }, (_, index) => ({
		text: `message ${index + 1}`,
		hours: index + 1,
	}));
	const result = await runZulip(fake, {
		parameters: channelCreate({
			content: '={{ $json.text }}',
			sendAt: '={{ $now.plus({ hours: $json.hours }).toISO() }}',
		}),
		items,
	});
	assert.equal(result.error, undefined, result.error?.message);
	return result.items.map((item) => Number(item.json.scheduled_message_id));
}

/** Runs `parameters` on `fake` (an older server) and checks the refusal left no request. */
export async function assertRefusedBeforeAnyRequest(
	fake: ZulipFake,
	parameters: IDataObject,
	message: RegExp,
): Promise<void> {
	const result = await runZulip(fake, { parameters });
	assert.ok(result.error, 'the node should fail');
	assert.match(result.error.message, message);
	assert.ok(result.error.description, 'the error says what to do');
	assert.deepEqual(fake.requests, [], 'no request left');
}

/** Messages the user can see, for reminders: put straight into the fake (not through the node). */
export function seedMessages(fake: ZulipFake, count: number): number[] {
	return Array.from({ length: count }, (_, index) => {
		const id = 5001 + index;
		fake.sent.push({
			id,
			type: 'stream',
			to: 14,
			topic: 'Plans',
			content: `plan ${index + 1}`,
			sender_email: 'iago@example.com',
		});
		return id;
	});
}

export const reminderCreate = (overrides: IDataObject = {}): IDataObject => ({
	resource: 'reminder',
	operation: 'create',
	messageId: '5001',
	remindAt: '={{ $now.plus({ hours: 3 }).toISO() }}',
	...overrides,
});

/** Creates reminders through the node for `messageIds`, an hour apart from 1 hour on; returns their ids. */
export async function createReminders(fake: ZulipFake, messageIds: number[]): Promise<number[]> {
	const result = await runZulip(fake, {
		parameters: reminderCreate({
			messageId: '={{ $json.messageId }}',
			remindAt: '={{ $now.plus({ hours: $json.hours }).toISO() }}',
		}),
		items: messageIds.map((messageId, index) => ({ messageId, hours: index + 1 })),
	});
	assert.equal(result.error, undefined, result.error?.message);
	return result.items.map((item) => Number(item.json.reminder_id));
}
