import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { IDataObject } from 'n8n-workflow';
import type { TelnyxFake } from '../../fakes/telnyx/server';
import {
	groupParams,
	numberLocator,
	runTelnyx,
	scheduleParams,
	sendParams,
	startFake,
} from './setup';

/**
 * Bad inputs the node can know are bad, in every operation: each is refused with an error naming
 * the field and the fix, and no request leaves the process (the fake's request log stays empty).
 */
describe('Telnyx: bad inputs are refused before any request', () => {
	let fake: TelnyxFake;
	before(async () => (fake = await startFake()));
	after(async () => await fake.stop());
	beforeEach(() => fake.reset());

	const PROFILE = '4000eba1-a0c0-4563-9925-b25e842a7cb6';
	const SENDERS =
		/Alphanumeric Sender ID \("alphanumericSenderId"\), Number Pool \(Messaging Profile\) \("messagingProfile"\), Phone Number \("phoneNumber"\), Short Code \("shortCode"\)/;
	const TYPES = /Auto \("auto"\), MMS \("MMS"\), SMS \("SMS"\)/;
	// n8n shows every sender kind's fields for an expression, and wants them filled.
	const bothSenders = {
		messagingProfile: numberLocator(PROFILE, 'id'),
		shortCode: { __rl: true, mode: 'code', value: '12345' },
		alphanumericSenderId: { __rl: true, mode: 'id', value: 'ACME' },
	};

	const cases: Array<{
		name: string;
		parameters: IDataObject;
		message: RegExp;
		fix: RegExp;
	}> = [
		{
			name: 'Schedule: a Send From from an expression that is none of its values',
			parameters: scheduleParams({ senderType: '={{ "numberPool" }}', ...bothSenders }),
			message: /^'Send From' is "numberPool", which is not one of its values$/,
			fix: SENDERS,
		},
		{
			name: 'Send: a Send From from an expression that is none of its values',
			parameters: sendParams({ senderType: '={{ "" }}', ...bothSenders }),
			message: /^'Send From' is "", which is not one of its values$/,
			fix: SENDERS,
		},
		{
			name: 'Send: an Additional Fields > Message Type that is none of its values',
			parameters: sendParams({ additionalFields: { messageType: '={{ "RCS" }}' } }),
			message: /^'Additional Fields > Message Type' is "RCS", which is not one of its values$/,
			fix: TYPES,
		},
		{
			name: 'Schedule: a Message Type in the wrong case',
			parameters: scheduleParams({ additionalFields: { messageType: '={{ "sms" }}' } }),
			message: /^'Additional Fields > Message Type' is "sms", which is not one/,
			fix: TYPES,
		},
		{
			name: 'Send: a negative Concurrency',
			parameters: sendParams({ options: { concurrency: '={{ -5 }}' } }),
			message: /^'Concurrency' is -5, not a whole number from 1 to 100$/,
			fix: /Enter a whole number from 1 to 100/,
		},
		{
			name: 'Schedule: a Concurrency with a fraction',
			parameters: scheduleParams({ options: { concurrency: '={{ 2.5 }}' } }),
			message: /^'Concurrency' is 2\.5, not a whole number from 1 to 100$/,
			fix: /whole number/,
		},
		{
			name: 'Send Group MMS: a Concurrency above 100',
			parameters: groupParams({ options: { concurrency: 1000 } }),
			message: /^'Concurrency' is 1000, not a whole number from 1 to 100$/,
			fix: /from 1 to 100/,
		},
		{
			name: 'Send: a negative Max Requests per Second',
			parameters: sendParams({ options: { maxPerSecond: '={{ -5 }}' } }),
			message: /^'Max Requests per Second' is -5, not a number from 0 to 1000$/,
			fix: /0 means no cap/,
		},
	];

	for (const { name, parameters, message, fix } of cases) {
		test(name, async () => {
			const result = await runTelnyx(fake, { parameters });
			assert.match(result.error?.message ?? '(no error)', message);
			assert.match(String(result.error?.description ?? ''), fix);
			assert.deepEqual(
				fake.requests.map((request) => `${request.method} ${request.path}`),
				[],
			);
		});
	}
});
