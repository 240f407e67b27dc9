import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { composeMessage } from '../compose';
import { createMessage } from '../deliver';
import { additionalFields, mediaUrlsField, optionsCollection, senderFields, sendAtField, textField, toField } from '../fields';

const show = { resource: ['message'], operation: ['schedule'] };

export const description: INodeProperties[] = [
	...senderFields(show),
	toField(show),
	textField(show),
	mediaUrlsField(show),
	sendAtField(show),
	additionalFields(show, 'schedule'),
	optionsCollection(show, true),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await createMessage(this, itemIndex, '/messages/schedule', composeMessage(this, itemIndex, 'schedule'));
}
