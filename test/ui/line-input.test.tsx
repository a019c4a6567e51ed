import {afterEach, expect, test} from 'vitest';
import {LineInput} from '../../source/ui/components/line-input.js';
import {keys, renderScreen} from '../support/ink.js';

const left = '\u001B[D';
const colour = process.env.FORCE_COLOR;
afterEach(() => {
	process.env.FORCE_COLOR = colour;
});

test('without colour the cursor is still visible and the placeholder cannot pass for typed text', async () => {
	process.env.FORCE_COLOR = '0';
	const screen = await renderScreen(<LineInput placeholder="arn:aws:iam::123456789012:user/alice" />);
	expect(screen.frame()).toBe('█  (e.g. arn:aws:iam::123456789012:user/alice)');
	await screen.press('ab');
	expect(screen.frame()).toBe('ab█');
	expect(await screen.press(left)).toBe('a|b');
	expect(await screen.press(keys.backspace)).toBe('|b');
});

test('with colour on, no cursor character is added to the text (the cursor is drawn in inverse)', async () => {
	// Chalk fixed its level when it loaded, so the inverse itself is checked in a real terminal (test/e2e).
	process.env.FORCE_COLOR = '1';
	const screen = await renderScreen(<LineInput defaultValue="Ops" />);
	expect(screen.frame()).toBe('Ops');
});

test('characters typed together each land in order, and a line break submits what came before it', async () => {
	const submitted: string[] = [];
	const screen = await renderScreen(<LineInput onSubmit={value => submitted.push(value)} />);
	await screen.press(`Fin${keys.backspace}nance\r`, () => submitted.length > 0);
	expect(submitted).toEqual(['Finance']);
});
