import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';
import { runProviderNode, type NodeRunResult, type ProviderRun } from '../../harness/engine';
import { PROFILE_A_ID, TelnyxFake } from '../../fakes/telnyx/server';

/** Seeded on the fake: FROM and FROM_2 on profile A, FROM_B on profile B. */
export const FROM = '+15550001111';
export const FROM_B = '+15550003333';
export const TO = '+15557654321';
/** Seeded on the fake: short codes 12345 (profile A) and 654321 (profile B); sender IDs ACME (A), Acme Shop (B). */
export const SHORT_CODE = '12345';
export const SENDER_ID = 'ACME';
/** Alphanumeric senders cannot reach US numbers; a UK mobile. */
export const TO_UK = '+447700900123';

/** The fake checks requests against Telnyx's OpenAPI files too when they are there (see test/fakes/specs.ts). */
export async function startFake(): Promise<TelnyxFake> {
	return await TelnyxFake.start();
}

export function credentialsFor(fake: TelnyxFake, overrides: IDataObject = {}) {
	return {
		telnyxScheduledApi: {
			apiKey: fake.apiKey,
			baseUrl: `${fake.url}/v2`,
			publicKey: '',
			...overrides,
		},
	};
}

export async function runTelnyx(fake: TelnyxFake, run: ProviderRun): Promise<NodeRunResult> {
	return await runProviderNode('telnyx', (overrides) => credentialsFor(fake, overrides), run);
}

export const numberLocator = (value: string, mode = 'list') => ({ __rl: true, mode, value });

/** Sender parameters for each kind of Send From. */
export const shortCodeSender = (code = SHORT_CODE, mode = 'code'): IDataObject => ({
	senderType: 'shortCode',
	shortCode: numberLocator(code, mode),
});

export const alphanumericSender = (
	senderId = SENDER_ID,
	profileId: string = PROFILE_A_ID,
	mode = 'id',
): IDataObject => ({
	senderType: 'alphanumericSenderId',
	alphanumericSenderId: numberLocator(senderId, mode),
	messagingProfile: numberLocator(profileId, 'id'),
	to: TO_UK,
});

export const scheduleParams = (overrides: IDataObject = {}): IDataObject => ({
	resource: 'message',
	operation: 'schedule',
	senderType: 'phoneNumber',
	fromNumber: numberLocator(FROM),
	to: TO,
	text: 'Your table is ready at 7',
	sendAt: '={{ $now.plus({ hours: 2 }).toISO() }}',
	...overrides,
});

export const sendParams = (overrides: IDataObject = {}): IDataObject => ({
	...scheduleParams(),
	operation: 'send',
	sendAt: undefined,
	...overrides,
});

export const groupParams = (overrides: IDataObject = {}): IDataObject => ({
	resource: 'message',
	operation: 'sendGroupMms',
	fromNumber: numberLocator(FROM),
	recipients: '+15557654321, +15557654322',
	text: 'Team photo',
	...overrides,
});

export const messageIdParams = (
	operation: 'get' | 'cancel',
	messageId: string,
	overrides: IDataObject = {},
): IDataObject => ({
	resource: 'message',
	operation,
	messageId,
	...overrides,
});

/** POSTs the fake received on a path below /v2 (e.g. `/messages/schedule`). */
export function posts(fake: TelnyxFake, path: string): number {
	return fake.requests.filter(
		(request) => request.method === 'POST' && request.path === `/v2${path}`,
	).length;
}

export function storedMessages(fake: TelnyxFake) {
	return [...fake.messages.values()];
}

/** An ISO time `minutes` from now, without offset, in `zone` (as the editor's date picker gives). */
export function localIsoIn(minutes: number, zone: string): string {
	return DateTime.now().setZone(zone).plus({ minutes }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/** Starts one Telnyx fake for the enclosing describe, and empties it before each test. */
export function useTelnyxFake(onStarted: (fake: TelnyxFake) => void): void {
	let fake: TelnyxFake | undefined;
	before(async () => {
		fake = await startFake();
		onStarted(fake);
	});
	after(async () => await fake?.stop());
	beforeEach(() => fake?.reset());
}

/** Schedules a message through the node, `minutesAhead` from now; returns its id. */
export async function scheduleOneMessage(fake: TelnyxFake, minutesAhead = 60): Promise<string> {
	const result = await runTelnyx(fake, {
		parameters: scheduleParams({
			sendAt: `={{ $now.plus({ minutes: ${minutesAhead} }).toISO() }}`,
		}),
	});
	assert.equal(result.error, undefined, result.error?.message);
	return String(result.items[0].json.message_id);
}
