import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import {
	additionalFields,
	groupRecipientsField,
	mediaUrlsField,
	optionsCollection,
	textField,
} from '../properties';
import { fromNumberField } from '../senderFields';
import { composeMessage } from './compose';
import { createMessage } from './create';

const properties: INodeProperties[] = [
	{
		displayName:
			'A group MMS goes out now from one of your phone numbers (Telnyx takes no short code, sender ID, number pool or send time for it), to 2 to 8 recipients who see each other.',
		name: 'groupMmsNotice',
		type: 'notice',
		default: '',
	},
	fromNumberField,
	groupRecipientsField,
	textField,
	mediaUrlsField,
	additionalFields('groupMms'),
	optionsCollection(true),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['sendGroupMms'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await createMessage(
		this,
		itemIndex,
		'/messages/group_mms',
		composeMessage(this, itemIndex, 'groupMms'),
	);
}
