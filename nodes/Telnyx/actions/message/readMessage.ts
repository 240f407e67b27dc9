import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';
import { flatMessage } from '../../output';

/** Declarative operations: Telnyx's message (under `data`, or bare for Cancel) as the flat output item. */
export async function toFlatMessage(this: IExecuteSingleFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const zone = this.getTimezone();
	return items.map((item) => {
		const message = (item.json.data ?? item.json) as IDataObject;
		return { ...item, json: flatMessage(message, zone) };
	});
}
