import type { IDataObject } from 'n8n-workflow';
import { runProviderNode, type NodeRunResult, type ProviderRun } from '../../harness/engine';
import { ZulipFake } from '../../fakes/zulip/server';

export function credentialsFor(fake: ZulipFake, overrides: IDataObject = {}) {
	return { zulipScheduledApi: { url: fake.url, email: fake.email, apiKey: fake.apiKey, ...overrides } };
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
	return fake.requests.filter((request) => request.method === 'POST' && request.path.endsWith(path)).length;
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
