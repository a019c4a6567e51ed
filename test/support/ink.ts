/** Sends keys to an ink-testing-library render and waits for the frame to change, never a fixed sleep. */
import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {vi} from 'vitest';

export const keys = {enter: '\r', down: '\u001B[B', up: '\u001B[A', backspace: '\u007F', space: ' ', ctrlC: '\u0003'} as const;

type Rendered = ReturnType<typeof render>;

/** Polls `check` (every few ms, not in a tight loop) until it holds; the budget allows for a loaded machine. */
async function until(check: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
	await vi.waitFor(
		() => {
			if (!check()) throw new Error(`Timed out waiting for ${what()}`);
		},
		{timeout: timeoutMs, interval: 5},
	);
}

export interface Screen extends Rendered {
	/** What the terminal shows now: the last frame drawn. */
	frame(): string;
	/** Waits for text to appear in the latest frame, then returns that frame. */
	waitFor(text: string | RegExp): Promise<string>;
	/** Writes input and waits until the frame changes (or the callback has what it needs). */
	press(input: string, settled?: () => boolean): Promise<string>;
}

export async function renderScreen(element: ReactElement): Promise<Screen> {
	const rendered = render(element);
	// After the app exits, Ink writes an empty frame; a terminal still shows the last drawn one.
	const frame = () => rendered.frames.findLast(text => text.trim() !== '') ?? '';
	// Input components subscribe in an effect after the first frame; keys sent before that are lost.
	await until(() => frame() !== '', () => 'the first frame');
	await new Promise(resolve => setImmediate(resolve));
	return {
		...rendered,
		frame,
		async waitFor(text) {
			const matches = () => (typeof text === 'string' ? frame().includes(text) : text.test(frame()));
			await until(matches, () => `${String(text)} in:\n${frame()}`);
			return frame();
		},
		async press(input, settled) {
			const before = frame();
			rendered.stdin.write(input);
			await until(settled ?? (() => frame() !== before), () => `a change after ${JSON.stringify(input)} from:\n${before}`);
			return frame();
		},
	};
}
