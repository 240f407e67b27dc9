import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from '../../../../shared/displayOptions';
import {
	additionalFields,
	mediaUrlsField,
	optionsCollection,
	textField,
	toField,
} from '../properties';
import { senderFields } from '../senderFields';
import { composeMessage } from './compose';
import { createMessage } from './create';

const properties: INodeProperties[] = [
	...senderFields,
	toField,
	textField,
	mediaUrlsField,
	additionalFields('send'),
	optionsCollection(true),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await createMessage(this, itemIndex, '/messages', composeMessage(this, itemIndex, 'send'));
}
