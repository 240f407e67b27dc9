import type { ITriggerFunctions } from 'n8n-workflow';
import { toNodeError } from '../transport';
import { chatFilterOf } from './chatFilter';
import { ItemPipeline } from './itemPipeline';

/** The trigger's item pipeline, set up from the node's parameters and n8n's trigger context. */
export function itemPipelineFor(context: ITriggerFunctions, events: string[]): ItemPipeline {
	const node = context.getNode();
	return new ItemPipeline(
		{
			emit: (items) => context.emit([items]),
			prepareBinaryData: async (bytes, fileName, mimeType) =>
				await context.helpers.prepareBinaryData(bytes, fileName, mimeType),
			reportError: (error) =>
				context.emitError(
					toNodeError(node, error, { doing: 'making an item of a Telegram update' }),
				),
		},
		{
			filter: {
				events,
				includeOutgoing: context.getNodeParameter('includeOutgoing', false) as boolean,
			},
			zone: context.getTimezone(),
			wantsChat: chatFilterOf(
				context.getNodeParameter('chatFilter', 'all') as string,
				context.getNodeParameter('chats', []) as string[],
			),
			media: {
				download: context.getNodeParameter('downloadMedia', false) as boolean,
				maxMb: context.getNodeParameter('maxMediaSizeMb', 20) as number,
			},
		},
	);
}
