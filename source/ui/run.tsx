import {render} from 'ink';
import {exitCodes} from '../core/problem.js';
import type {WizardSession} from '../engine/session.js';
import {formatNotNeeded, savedMessage} from '../present.js';
import {activationDone, contextOf, latestCheck} from '../engine/wizard.js';
import {viewOf} from '../made.js';
import {App} from './app.js';

/** Renders the wizard until it ends; the exit code follows how it ended. */
export async function runWizard(session: WizardSession, notice?: string): Promise<number> {
	let interrupted = false;
	// Ctrl+C as a key (raw mode) and as a signal end the same way.
	const stop = () => {
		interrupted = true;
		instance.unmount();
	};
	// Erase the plain line the CLI drew while Ink loaded; Ink draws the same wait with a spinner.
	process.stdout.write('\r\u001B[2K');
	const instance = render(
		<App session={session} notice={notice} onInterrupt={stop} />,
		// The caller checked for a TTY; Ink would otherwise treat CI=true as non-interactive and draw nothing until the end.
		{exitOnCtrlC: false, interactive: true},
	);
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	await instance.waitUntilExit();
	process.off('SIGINT', stop);
	process.off('SIGTERM', stop);
	if (interrupted) {
		process.stderr.write(`\nStopped. ${session.state.identity ? savedMessage : 'Nothing had been done yet.'}\n`);
		// An AWS call may still be under way; stop it with the process. Each write is saved as it succeeds, and one
		// that lands unrecorded is found again by the next run (EntityAlreadyExists, then our tag).
		process.exit(exitCodes.interrupted);
	}
	const {state} = session;
	// Printed after Ink, which hard-wraps long lines: the URL must stay clickable and the profile copyable.
	if (state.step === 'done') process.stdout.write(`\n${viewOf(contextOf(state)).finish({done: activationDone(state), check: latestCheck(state)})}\n`);
	if (state.step === 'not-needed' && state.identity) process.stdout.write(`\n${formatNotNeeded(state.identity.partition, latestCheck(state))}\n`);
	return state.step === 'failed' ? exitCodes.failed : exitCodes.done;
}
