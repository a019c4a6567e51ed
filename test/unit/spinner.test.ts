import {expect, test} from 'vitest';
import {timeAgo, withSpinner} from '../../source/spinner.js';

test('times are said as people say them', () => {
	const now = Date.parse('2026-11-23T12:00:00.000Z');
	expect(timeAgo('2026-11-23T11:59:40.000Z', now)).toBe('just now');
	expect(timeAgo('2026-11-23T11:55:00.000Z', now)).toBe('5 minutes ago');
	expect(timeAgo('2026-11-23T10:00:00.000Z', now)).toBe('2 hours ago');
	expect(timeAgo('2026-11-22T12:00:00.000Z', now)).toBe('yesterday');
	expect(timeAgo('not a date', now)).toBe('at an unknown time');
});

test('a spinner draws only on a terminal, and clears its line when the work ends', async () => {
	const written: string[] = [];
	const stream = {isTTY: true, write: (text: string) => written.push(text)} as unknown as NodeJS.WriteStream;
	expect(await withSpinner('Waiting…', Promise.resolve(42), stream)).toBe(42);
	expect(written[0]).toContain('Waiting…');
	expect(written.at(-1)).toBe('\r\u001B[2K');
	const piped: string[] = [];
	await withSpinner('Waiting…', Promise.resolve(1), {isTTY: false, write: (text: string) => piped.push(text)} as unknown as NodeJS.WriteStream);
	expect(piped).toEqual([]);
});
