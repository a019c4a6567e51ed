/**
 * A tiny YAML emitter for JSON data, which is all a CloudFormation template is: block style, and any string that
 * plain YAML could read as something else (a number, a date, a boolean, an alias, a comment) is double-quoted.
 * A JSON string literal is a valid YAML double-quoted scalar, so quoting is JSON.stringify.
 */

/** Words YAML 1.1 (PyYAML, older parsers) or 1.2 reads as a boolean or null when they are not quoted. */
const keywords = /^(y|yes|n|no|true|false|on|off|null)$/i;
/**
 * Left plain only when nothing can misread it: a letter, `_` or `/` first (never a digit, `-`, `*`, `&`, `!`, `@`…),
 * no spaces (so no `: ` or ` #`) and no trailing `:`.
 */
const plainWord = /^[A-Za-z_/][\w/.@+=,:-]*$/;

function scalar(value: unknown): string {
	if (typeof value === 'string') return plainWord.test(value) && !value.endsWith(':') && !keywords.test(value) ? value : JSON.stringify(value);
	if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean' || value === null) return String(value);
	throw new TypeError(`Only JSON data can be written as YAML (got ${typeof value}).`);
}

function isFilledCollection(value: unknown): value is object {
	return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

/** A scalar, or an empty collection in flow style (block style has no way to write one). */
function inline(value: unknown): string {
	if (Array.isArray(value)) return '[]';
	if (typeof value === 'object' && value !== null) return '{}';
	return scalar(value);
}

function block(collection: object, indent: string): string[] {
	const inner = `${indent}  `;
	if (Array.isArray(collection)) {
		return collection.flatMap((item: unknown) => {
			if (!isFilledCollection(item)) return [`${indent}- ${inline(item)}`];
			// The item's first line goes after the dash; the rest keep the item's indentation.
			const [first = '', ...rest] = block(item, inner);
			return [`${indent}- ${first.slice(inner.length)}`, ...rest];
		});
	}
	return Object.entries(collection).flatMap(([key, item]: [string, unknown]) =>
		isFilledCollection(item) ? [`${indent}${scalar(key)}:`, ...block(item, inner)] : [`${indent}${scalar(key)}: ${inline(item)}`],
	);
}

/** The YAML document for JSON data, ending in a newline. */
export function toYaml(value: unknown): string {
	return `${isFilledCollection(value) ? block(value, '').join('\n') : inline(value)}\n`;
}
