import type { INodeProperties } from 'n8n-workflow';

/** The chat every secret chat operation but Start and Get Many works on. */
export const secretChatIdField: INodeProperties = {
	displayName: 'Secret Chat',
	name: 'secretChatId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The chat as Start, Get Many or the Telegram trigger output it (chatId)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchSecretChats', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 1234567890',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^[0-9]{1,10}$',
						errorMessage: 'A secret chat ID is a positive number',
					},
				},
			],
		},
	],
};
