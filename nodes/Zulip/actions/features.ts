import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { fieldError } from '../../../shared/errors';
import { zulipServer, type ZulipServer } from '../transport/serverFacts';

/**
 * What needs which Zulip server (the "Changes" notes of Zulip's API docs), and the checks that
 * refuse, before any request of the operation, what the credential's server cannot do.
 */
export interface ZulipFeature {
	/** What needs it, as the user knows it: an operation or an option's display name. */
	name: string;
	/** Whether `name` is plural ("Scheduled messages need ..."). */
	plural?: boolean;
	featureLevel: number;
	version: string;
}

export const FEATURES = {
	scheduledMessages: {
		name: 'Scheduled messages',
		plural: true,
		featureLevel: 179,
		version: '7.0',
	},
	updateScheduledMessage: {
		name: 'Updating a scheduled message',
		featureLevel: 184,
		version: '7.0',
	},
	readBySender: { name: 'Mark as Read by Sender', featureLevel: 236, version: '8.0' },
	reminders: { name: 'Reminders', plural: true, featureLevel: 381, version: '11.0' },
	listReminders: { name: 'Listing reminders', featureLevel: 399, version: '11.0' },
	deleteReminders: { name: 'Deleting reminders', featureLevel: 399, version: '11.0' },
	reminderNote: { name: 'Note', featureLevel: 415, version: '11.0' },
} satisfies Record<string, ZulipFeature>;

/** `type` values older servers lack; an older spelling exists for each, so they are not refused. */
const DIRECT_TYPE_SINCE = 174; // Zulip 7.0; before it "private"
const CHANNEL_TYPE_SINCE = 248; // Zulip 9.0; before it "stream"

export function supports(server: ZulipServer, feature: ZulipFeature): boolean {
	return server.featureLevel >= feature.featureLevel;
}

function needs(feature: ZulipFeature, server: ZulipServer): string {
	return `${feature.plural ? 'need' : 'needs'} Zulip ${feature.version} or newer (API feature level ${feature.featureLevel}); this server runs Zulip ${server.version} (feature level ${server.featureLevel})`;
}

const UPGRADE = 'Ask the Zulip administrator to upgrade the server';

/** The server of the credential, read once per server and credential (see transport/serverFacts). */
export async function serverFor(
	context: IExecuteFunctions,
	itemIndex: number,
	maxRateLimitWaitSeconds: number,
): Promise<ZulipServer> {
	return await zulipServer(context, { itemIndex, maxRateLimitWaitSeconds });
}

/** Refuses an operation the server does not have. */
export function requireOperation(
	context: IExecuteFunctions,
	server: ZulipServer,
	feature: ZulipFeature,
	itemIndex: number,
): void {
	if (supports(server, feature)) return;
	throw new NodeOperationError(context.getNode(), `${feature.name} ${needs(feature, server)}`, {
		description: `${UPGRADE}, or use another operation.`,
		itemIndex,
	});
}

/** Refuses an option (a field) the server would ignore or refuse. */
export function requireOption(
	context: IExecuteFunctions,
	server: ZulipServer,
	feature: ZulipFeature,
	itemIndex: number,
): void {
	if (supports(server, feature)) return;
	throw fieldError(
		context.getNode(),
		feature.name,
		needs(feature, server),
		`Remove the option, or ${UPGRADE.toLowerCase()}.`,
		itemIndex,
	);
}

/** The `type` of a channel message as this server spells it. */
export function channelType(server: ZulipServer): 'channel' | 'stream' {
	return server.featureLevel >= CHANNEL_TYPE_SINCE ? 'channel' : 'stream';
}

/** The `type` of a direct message as this server spells it. */
export function directType(server: ZulipServer): 'direct' | 'private' {
	return server.featureLevel >= DIRECT_TYPE_SINCE ? 'direct' : 'private';
}
