import type { IDataObject, ITriggerResponse, WorkflowExecuteMode } from 'n8n-workflow';
import { ZulipFake } from '../../../fakes/zulip/server';
import { NodeHost } from '../../../harness/nodeHost';
import { Emitted } from '../../../harness/triggerEvents';
import { credentialsFor } from '../setup';

/** The fake's clock runs an hour behind: what it accepts as "in a minute" is already past for the trigger. */
export const clock = { offsetMs: -3_600_000, now: () => Date.now() + clock.offsetMs };

export async function startFake(): Promise<ZulipFake> {
	return await ZulipFake.start({ now: () => clock.now(), heartbeatMs: 100 });
}

export const ALL_EVENTS = [
	'channelMessage',
	'reminderCreated',
	'reminderDeleted',
	'reminderSent',
	'scheduledMessageCreated',
	'scheduledMessageDeleted',
	'scheduledMessageEdited',
	'scheduledMessageFailed',
	'scheduledMessageSent',
];

export const channelParameters = (ids: number[]): IDataObject => ({
	channels: {
		channel: ids.map((id) => ({ channel: { __rl: true, mode: 'list', value: String(id) } })),
	},
});

export interface Listening {
	host: NodeHost;
	emitted: Emitted;
	response: ITriggerResponse;
}

export async function hostTrigger(fake: ZulipFake, parameters: IDataObject): Promise<NodeHost> {
	return await NodeHost.create({
		type: 'zulipTrigger',
		parameters,
		credentials: credentialsFor(fake),
		timezone: 'UTC',
	});
}

/** Activates the trigger on `host` (a new one unless given: static data lives with the host). */
export async function listen(
	fake: ZulipFake,
	parameters: IDataObject,
	host?: NodeHost,
	mode: WorkflowExecuteMode = 'trigger',
): Promise<Listening> {
	const hosted = host ?? (await hostTrigger(fake, parameters));
	const emitted = new Emitted();
	const response = await hosted.startTrigger(emitted, mode);
	return { host: hosted, emitted, response };
}

export async function waitFor(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const longPolls = (fake: ZulipFake) =>
	fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/events')).length;

/** Returns once the trigger asked for events twice more: everything before was handled. */
export async function settled(fake: ZulipFake): Promise<void> {
	const seen = longPolls(fake);
	await waitFor(() => longPolls(fake) >= seen + 2);
}

/** A call to the fake's API as any Zulip client makes it (form fields, JSON-encoded where Zulip wants). */
export async function zulipApi(
	fake: ZulipFake,
	method: string,
	path: string,
	fields: Record<string, unknown> = {},
): Promise<IDataObject> {
	const body = new URLSearchParams();
	for (const [key, value] of Object.entries(fields))
		body.append(key, typeof value === 'string' ? value : JSON.stringify(value));
	const response = await fetch(`${fake.url}/api/v1${path}`, {
		method,
		headers: {
			authorization: `Basic ${Buffer.from(`${fake.email}:${fake.apiKey}`).toString('base64')}`,
			'content-type': 'application/x-www-form-urlencoded',
		},
		body: method === 'GET' ? undefined : body.toString(),
	});
	return (await response.json()) as IDataObject;
}

/** Schedules a channel message `inSeconds` after the fake's now; returns its id. */
export async function schedule(
	fake: ZulipFake,
	content: string,
	inSeconds: number,
): Promise<number> {
	const reply = await zulipApi(fake, 'POST', '/scheduled_messages', {
		type: 'stream',
		to: 14,
		topic: 'Plans',
		content,
		scheduled_delivery_timestamp: Math.floor(clock.now() / 1000) + inSeconds,
	});
	return Number(reply.scheduled_message_id);
}

export const events = (emitted: Emitted, name: string) =>
	emitted.items.filter((item) => item.event === name);
