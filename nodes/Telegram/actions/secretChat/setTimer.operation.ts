import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import { setSecretChatTimer } from '../../transport';
import { floodWaitOnlyOptions } from '../properties';
import { secretChatIdField } from './properties';
import { readSecretChatId, sendToSecretChatOnce } from './readers';
import { MAX_SELF_DESTRUCT_SECONDS, readSelfDestructSeconds } from './timer';

const OPERATION = 'secretChat.setTimer';
const FIELD = 'Self-Destruct Timer';
const displayOptions = { show: { resource: ['secretChat'], operation: ['setTimer'] } };

const properties: INodeProperties[] = [
	secretChatIdField,
	{
		displayName: FIELD,
		name: 'ttlSeconds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_SELF_DESTRUCT_SECONDS },
		default: 0,
		required: true,
		description:
			'Seconds each later message lives once read, on both sides (0: off; at most 604800, one week)',
	},
	floodWaitOnlyOptions,
];

export const description = updateDisplayOptions(displayOptions, properties);

/** Sets the chat's timer: the other side's apps show it, and both sides' later messages carry it. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const chatId = readSecretChatId(this, itemIndex);
	const ttlSeconds = readSelfDestructSeconds(
		this.getNode(),
		FIELD,
		this.getNodeParameter('ttlSeconds', itemIndex, 0),
		itemIndex,
	);
	return await sendToSecretChatOnce(
		this,
		itemIndex,
		{ operation: OPERATION, chatId, doing: 'setting the self-destruct timer' },
		async ({ session, account, randomId, options }) => ({
			sent: await setSecretChatTimer(session, account, { chatId, ttlSeconds, randomId }, options),
			output: { ttlSeconds },
		}),
	);
}
