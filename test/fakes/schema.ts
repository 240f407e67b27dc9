/**
 * The small schema language the fakes' own API models use (requestModel.ts): types, formats,
 * enums and bounds, a check of one value against it, and the schema in words for error messages.
 */

export type StringFormat = 'date-time' | 'uuid' | 'url';

export type Schema =
	| { type: 'string'; format?: StringFormat; enum?: readonly string[]; pattern?: RegExp }
	| { type: 'integer'; minimum?: number; maximum?: number }
	| { type: 'boolean' }
	| { type: 'object' }
	| { type: 'array'; items: Schema }
	| { type: 'oneOf'; options: readonly Schema[] };

/** How a value misses its schema: the problem kinds a type check can find. */
export interface Mismatch {
	kind: 'type' | 'format' | 'enum' | 'range';
	/** What was expected, in words: 'an integer', 'an http(s) URL', 'one of SMS, MMS'... */
	expected: string;
}

/** What is wrong with `value`, or undefined when it fits `schema`. */
export function validate(schema: Schema, value: unknown): Mismatch | undefined {
	const expected = describe(schema);
	switch (schema.type) {
		case 'string': {
			if (typeof value !== 'string') return { kind: 'type', expected };
			if (schema.enum && !schema.enum.includes(value)) return { kind: 'enum', expected };
			if (schema.format && !FORMATS[schema.format](value)) return { kind: 'format', expected };
			if (schema.pattern && !schema.pattern.test(value)) return { kind: 'format', expected };
			return undefined;
		}
		case 'integer': {
			if (typeof value !== 'number' || !Number.isInteger(value)) return { kind: 'type', expected };
			if (
				(schema.minimum !== undefined && value < schema.minimum) ||
				(schema.maximum !== undefined && value > schema.maximum)
			) {
				return { kind: 'range', expected };
			}
			return undefined;
		}
		case 'boolean':
			return typeof value === 'boolean' ? undefined : { kind: 'type', expected };
		case 'object':
			return value !== null && typeof value === 'object' && !Array.isArray(value)
				? undefined
				: { kind: 'type', expected };
		case 'array': {
			if (!Array.isArray(value)) return { kind: 'type', expected };
			const bad = value.map((item) => validate(schema.items, item)).find(Boolean);
			return bad ? { kind: bad.kind, expected } : undefined;
		}
		case 'oneOf':
			return schema.options.some((option) => !validate(option, value))
				? undefined
				: { kind: 'type', expected };
	}
}

export function accepts(schema: Schema, type: Schema['type']): boolean {
	return (
		schema.type === type ||
		(schema.type === 'oneOf' && schema.options.some((option) => accepts(option, type)))
	);
}

const FORMATS: Record<StringFormat, (value: string) => boolean> = {
	'date-time': (s) =>
		/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s) &&
		!Number.isNaN(Date.parse(s)),
	uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
	url: (s) => /^https?:\/\/\S+$/i.test(s) && URL.canParse(s),
};

/** A schema in words, for error messages: 'an integer', 'a list of integers', 'a URL'... */
export function describe(schema: Schema): string {
	switch (schema.type) {
		case 'string':
			if (schema.enum) return `one of ${schema.enum.join(', ')}`;
			if (schema.format === 'date-time') return 'an ISO 8601 date-time';
			if (schema.format === 'uuid') return 'a UUID';
			if (schema.format === 'url') return 'an http(s) URL';
			return schema.pattern ? `a string matching ${String(schema.pattern)}` : 'a string';
		case 'integer': {
			const bounds = [
				schema.minimum !== undefined ? `>= ${schema.minimum}` : '',
				schema.maximum !== undefined ? `<= ${schema.maximum}` : '',
			].filter(Boolean);
			return bounds.length ? `an integer ${bounds.join(' and ')}` : 'an integer';
		}
		case 'boolean':
			return 'a boolean';
		case 'object':
			return 'an object';
		case 'array':
			return `a list of ${describe(schema.items).replace(/^an? /, '')}s`;
		case 'oneOf':
			return schema.options.map(describe).join(' or ');
	}
}
