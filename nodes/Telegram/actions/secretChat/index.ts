import type { INodeProperties } from 'n8n-workflow';
import * as accept from './accept.operation';
import * as close from './close.operation';
import * as getAll from './getAll.operation';
import * as sendFile from './sendFile.operation';
import * as sendMessage from './sendMessage.operation';
import * as setTimer from './setTimer.operation';
import * as start from './start.operation';

export { accept, close, getAll, sendFile, sendMessage, setTimer, start };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['secretChat'] } },
		default: 'sendMessage',
		options: [
			{
				name: 'Accept',
				value: 'accept',
				action: 'Accept a secret chat',
				description: 'Accept a secret chat someone asked this account for',
			},
			{
				name: 'Close',
				value: 'close',
				action: 'Close a secret chat',
				description: 'Discard the chat and forget its keys',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many secret chats',
				description: 'List the secret chats this credential knows, with their state',
			},
			{
				name: 'Send File',
				value: 'sendFile',
				action: 'Send a secret file',
				description: 'Send a photo or document, end-to-end encrypted, to a secret chat',
			},
			{
				name: 'Send Message',
				value: 'sendMessage',
				action: 'Send a secret message',
				description: 'Send an end-to-end encrypted text to a secret chat',
			},
			{
				name: 'Set Self-Destruct Timer',
				value: 'setTimer',
				action: 'Set the self destruct timer of a secret chat',
				description: 'Set how long later messages live once read, on both sides',
			},
			{
				name: 'Start',
				value: 'start',
				action: 'Start a secret chat',
				description: 'Ask a user for an end-to-end encrypted chat',
			},
		],
	},
	...start.description,
	...accept.description,
	...sendMessage.description,
	...sendFile.description,
	...getAll.description,
	...close.description,
	...setTimer.description,
];
