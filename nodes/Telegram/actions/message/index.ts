import type { INodeProperties } from 'n8n-workflow';
import * as sendAlbum from './sendAlbum.operation';
import * as sendText from './sendText.operation';

export { sendAlbum, sendText };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		default: 'sendText',
		options: [
			{
				name: 'Send Album',
				value: 'sendAlbum',
				action: 'Send an album',
				description: 'Send 2 to 10 photos, videos or documents as one album, now or at a time',
			},
			{
				name: 'Send Text',
				value: 'sendText',
				action: 'Send a text message',
				description: 'Send a text message now or at a time',
			},
		],
	},
	...sendText.description,
	...sendAlbum.description,
];
