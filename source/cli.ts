#!/usr/bin/env node
/** Entry: parse flags, then load only what the command needs (no Ink or SDK for --help/--version). */
import module from 'node:module';
import {readFileSync} from 'node:fs';

// Node ≥ 22.1 caches compiled code between runs; older Node simply does without.
module.enableCompileCache?.();

const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor < 22) {
	process.stderr.write(`billing-setup needs Node.js 22 or newer; this is ${process.version}. Install a current Node.js from https://nodejs.org and run it again.\n`);
	process.exit(1);
}

const argv = process.argv.slice(2);

function printVersion(): void {
	// package.json sits one level above both source/ and dist/.
	const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
	process.stdout.write(`${version}\n`);
}

// The commonest quick question is answered before anything else loads.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
	printVersion();
	process.exit(0);
}
// Chalk (inside Ink) does not read NO_COLOR itself; FORCE_COLOR=0 must be set before it loads.
if (process.env.NO_COLOR || process.env.TERM === 'dumb' || argv.includes('--no-color')) process.env.FORCE_COLOR = '0';
// Ink reads INK_SCREEN_READER itself; the flag is the same switch.
if (argv.includes('--screen-reader')) process.env.INK_SCREEN_READER = 'true';

const {parseCommand, UsageError} = await import('./args.js');
const {exitCodes, ProblemError} = await import('./core/problem.js');

async function main(): Promise<number> {
	const command = parseCommand(argv);
	switch (command.kind) {
		case 'help': {
			const {commandHelp, helpText} = await import('./help.js');
			process.stdout.write(command.command ? commandHelp[command.command] : helpText);
			return exitCodes.done;
		}
		case 'version':
			printVersion();
			return exitCodes.done;
		case 'setup':
			return (await import('./commands/setup.js')).runSetup(command.options);
		case 'status':
			return (await import('./commands/manage.js')).runStatus(command.options);
		case 'reset':
			return (await import('./commands/manage.js')).runReset(command.options);
		case 'undo':
			return (await import('./commands/manage.js')).runUndo(command.options);
		case 'diagnose':
			return (await import('./commands/diagnose.js')).runDiagnose(command.options);
		case 'template':
			return (await import('./commands/template.js')).runTemplate(command.options);
		case 'accounts':
			return (await import('./commands/accounts.js')).runAccounts(command.options);
	}
}

try {
	process.exitCode = await main();
} catch (error) {
	const {InterruptedError, NeedsTerminalError} = await import('./terminal.js');
	if (error instanceof InterruptedError) {
		process.stderr.write(`\n${error.message}\n`);
		process.exitCode = exitCodes.interrupted;
	} else if (error instanceof UsageError || error instanceof NeedsTerminalError) {
		// The terminal message already starts with the tool's name.
		process.stderr.write(error instanceof UsageError ? `billing-setup: ${error.message}\n` : `${error.message}\n`);
		process.exitCode = exitCodes.usage;
	} else if (error instanceof ProblemError) {
		const {formatProblem} = await import('./present.js');
		process.stderr.write(`${formatProblem(error.problem)}\n`);
		process.exitCode = exitCodes.failed;
	} else {
		process.stderr.write(`billing-setup hit an unexpected error: ${(error as Error)?.stack ?? String(error)}\nPlease report it; your progress is saved.\n`);
		process.exitCode = exitCodes.failed;
	}
}
