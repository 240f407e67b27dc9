import type { Api } from 'telegram';
import type { Gramjs } from './gramjs';

export type Formatting = 'none' | 'markdown' | 'html';

export interface FormattedText {
	text: string;
	entities?: Api.TypeMessageEntity[];
}

/** Applies Markdown or HTML the way Telegram apps do: plain text plus entities. */
export function formatText(gram: Gramjs, text: string, formatting: Formatting): FormattedText {
	if (formatting === 'none') return { text };
	const [plain, entities] =
		formatting === 'html' ? gram.HTMLParser.parse(text) : gram.MarkdownParser.parse(text);
	return { text: plain, entities: entities.length > 0 ? entities : undefined };
}
