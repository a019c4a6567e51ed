/** What the process can do with its terminal, and a yes/no prompt for the commands that are not the wizard. */
import {createInterface} from 'node:readline/promises';
import {exitCodes} from './core/problem.js';

export function isInteractiveTerminal(): boolean {
	return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

export const needsTerminalMessage = 'billing-setup needs an interactive terminal; use --yes to run without prompts';

export class NeedsTerminalError extends Error {
	constructor() {
		super(needsTerminalMessage);
	}
}

/** Ctrl+C or Ctrl+D at a prompt: the user stopped, which is no error. */
export class InterruptedError extends Error {
	constructor() {
		super('Stopped: nothing was changed.');
	}
}

/** Asks on stderr so that stdout stays clean for --json; anything but y/yes is a no. */
export async function confirm(question: string): Promise<boolean> {
	if (!isInteractiveTerminal()) throw new NeedsTerminalError();
	const prompt = createInterface({input: process.stdin, output: process.stderr});
	// Ctrl+C arrives as a key (the prompt's terminal is raw), Ctrl+D closes the input: both stop the question.
	const stopped = new Promise<never>((_resolve, reject) => {
		for (const event of ['SIGINT', 'close']) prompt.once(event, () => reject(new InterruptedError()));
	});
	try {
		const answer = await Promise.race([prompt.question(`${question} [y/N] `), stopped]);
		return /^y(es)?$/i.test(answer.trim());
	} finally {
		prompt.close();
	}
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

const signalExitCodes: Record<StopSignal, number> = {SIGINT: exitCodes.interrupted, SIGTERM: exitCodes.terminated};

/**
 * Ends the process on SIGINT or SIGTERM once `report` has said where things stand. Exiting this way (not by the
 * signal's default) runs the 'exit' handlers, which release the progress lock.
 */
export function exitOnStopSignals(report: (signal: StopSignal) => void): void {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			report(signal);
			process.exit(signalExitCodes[signal]);
		});
	}
}

/** Lines for humans go to stderr in every command, so stdout carries only results. */
export function say(line: string): void {
	process.stderr.write(`${line}\n`);
}

export function printJson(value: unknown): void {
	process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
