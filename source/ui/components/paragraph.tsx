import {Box, Text, useStdout} from 'ink';
import type {ComponentProps} from 'react';
import {printable} from '../../core/text.js';

export type Part = string | {text: string; bold?: boolean; color?: string};

/** Lines of at most `width` columns, broken at spaces; a word longer than a line stands alone on its own. */
export function wrapWords(parts: Part[], width: number): Array<Array<Exclude<Part, string>>> {
	const lines: Array<Array<Exclude<Part, string>>> = [[]];
	let used = 0;
	// Whether white space came before the next word, in this part or at the end of the one before.
	let spaced = false;
	for (const part of parts) {
		const style = typeof part === 'string' ? {} : {bold: part.bold, color: part.color};
		// Prose quotes names and AWS's words: shown without control characters.
		const text = printable(typeof part === 'string' ? part : part.text);
		for (const token of text.split(/(\s+)/)) {
			if (token === '') continue;
			if (/^\s+$/.test(token)) {
				spaced = true;
				continue;
			}
			if (used > 0 && used + (spaced ? 1 : 0) + token.length > width) {
				lines.push([]);
				used = 0;
			}
			const gap = used > 0 && spaced ? ' ' : '';
			lines.at(-1)!.push({...style, text: gap + token});
			used += gap.length + token.length;
			spaced = false;
		}
	}
	return lines;
}

/**
 * Prose that wraps at word boundaries with no space at the start of a line: Ink wraps text keeping
 * the break's space, so its wrapped lines began with one.
 */
export function Paragraph({parts, indent = 0, color}: {parts: Part[]; indent?: number; color?: ComponentProps<typeof Text>['color']}) {
	const {stdout} = useStdout();
	const width = Math.max(20, ((stdout as NodeJS.WriteStream).columns || 80) - indent);
	return (
		<Box flexDirection="column">
			{wrapWords(parts, width).map((line, index) => (
				<Text key={index} color={color}>
					{line.map((part, at) => (
						<Text key={at} bold={part.bold} color={part.color}>
							{part.text}
						</Text>
					))}
				</Text>
			))}
		</Box>
	);
}
