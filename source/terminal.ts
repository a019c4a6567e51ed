/** What the process can do with its terminal, and a yes/no prompt for the commands that are not the wizard. */
import {createInterface} from 'node:readline/promises';

export function isInteractiveTerminal(): boolean {
	return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

export const needsTerminalMessage = 'billing-setup needs an interactive terminal; use --yes to run without prompts';

export class NeedsTerminalError extends Error {
	constructor() {
		super(needsTerminalMessage);
	}
}

/** Asks on stderr so that stdout stays clean for --json; anything but y/yes is a no. */
export async function confirm(question: string): Promise<boolean> {
	if (!isInteractiveTerminal()) throw new NeedsTerminalError();
	const prompt = createInterface({input: process.stdin, output: process.stderr});
	try {
		const answer = await prompt.question(`${question} [y/N] `);
		return /^y(es)?$/i.test(answer.trim());
	} finally {
		prompt.close();
	}
}

/** Lines for humans go to stderr in every command, so stdout carries only results. */
export function say(line: string): void {
	process.stderr.write(`${line}\n`);
}

export function printJson(value: unknown): void {
	process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
