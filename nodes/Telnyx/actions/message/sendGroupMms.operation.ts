import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { composeMessage } from '../compose';
import { createMessage } from '../deliver';
import { additionalFields, fromNumberField, groupRecipientsField, mediaUrlsField, optionsCollection, textField } from '../fields';

const show = { resource: ['message'], operation: ['sendGroupMms'] };

export const description: INodeProperties[] = [
	{
		displayName: 'A group MMS goes out now from one of your numbers (Telnyx takes no send time or messaging profile for it), to 2 to 8 recipients who see each other.',
		name: 'groupMmsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	fromNumberField(show),
	groupRecipientsField(show),
	textField(show),
	mediaUrlsField(show),
	additionalFields(show, 'groupMms'),
	optionsCollection(show, true),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await createMessage(this, itemIndex, '/messages/group_mms', composeMessage(this, itemIndex, 'groupMms'));
}
