/**
 * Runs the built CLI (dist/cli.js) in a real pseudo-terminal, as a person would: each terminal is a
 * detached tmux session on its own tmux server (`tmux -L <unique socket> -f /dev/null`), so tests
 * never touch the user's tmux or its configuration, and no environment leaks from one test to another.
 *
 * The pane runs `node dist/cli.js ARGS; echo "EXIT:$?"; exec sleep 600`, so the last screen and the
 * exit code stay readable after the CLI has ended. Every wait polls the screen; there are no fixed sleeps.
 */
import {execFile, execFileSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {rmSync} from 'node:fs';
import {cleanEnv, cliPath} from './cli.js';

export interface TerminalOptions {
	/** Arguments for dist/cli.js. */
	args?: string[];
	/** Applied on top of cleanEnv() (no CI, CI_*, AWS_*, NO_COLOR, FORCE_COLOR); undefined removes a variable. */
	env?: Record<string, string | undefined>;
	columns?: number;
	rows?: number;
	/** Run this argv instead of `node dist/cli.js ARGS` (for checks of the harness itself). */
	command?: string[];
}

export interface CaptureOptions {
	/** Include the scrollback above the visible screen. */
	history?: boolean;
	/**
	 * Join lines the terminal wrapped itself (`capture-pane -J`): a line the program wrote wider than the
	 * terminal comes back whole, while the program's own line breaks stay.
	 */
	join?: boolean;
}

export interface Terminal {
	/** The tmux socket name (`tmux -L <socket>`), for debugging a failed test by hand. */
	readonly socket: string;
	/** The visible screen as plain text (`capture-pane -p`). */
	screen(options?: CaptureOptions): Promise<string>;
	/** The visible screen with its escape sequences (`capture-pane -p -e`), for colour checks. */
	rawScreen(options?: CaptureOptions): Promise<string>;
	/** tmux key names, each sent as one key: 'Enter', 'C-c', 'Down', 'BSpace', 'y'. */
	press(keys: string | string[]): Promise<void>;
	/** Literal text, typed as is (`send-keys -l`). */
	type(text: string): Promise<void>;
	/**
	 * Polls the screen until it contains or matches `expected`; returns that screen. Throws with the last
	 * screen at the deadline, or at once if the CLI has ended without it.
	 */
	waitFor(expected: Expected, timeoutMs?: number, options?: CaptureOptions): Promise<string>;
	/** Polls until the CLI has ended; returns its exit code. */
	waitForExit(timeoutMs?: number): Promise<number>;
	/** Kills this terminal's tmux server and everything running in it. */
	close(): Promise<void>;
}

/** Text the screen must contain, a pattern it must match, or any test of the whole screen. */
export type Expected = string | RegExp | ((screen: string) => boolean);

export const defaultWaitMs = 15_000;
const pollMs = 50;
const tmuxBinary = 'tmux';
/** Set by the pane after the CLI ends. */
const exitPattern = /^EXIT:(\d+)\s*$/m;

/** Socket name → socket file, for every server not closed yet. */
const openSockets = new Map<string, string>();
// A crashed or timed-out test file must not leave tmux servers (and their `sleep 600`) behind.
process.once('exit', () => {
	for (const [socket, file] of openSockets) {
		try {
			execFileSync(tmuxBinary, ['-L', socket, 'kill-server'], {stdio: 'ignore'});
		} catch {
			// Already gone.
		}
		rmSync(file, {force: true});
	}
});

let counter = 0;

function shellQuote(text: string): string {
	return `'${text.replaceAll("'", `'\\''`)}'`;
}

function run(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(tmuxBinary, args, {env: env ?? process.env, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
			if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') reject(new Error('tmux not found: install it (e.g. apt-get install tmux)'));
			else if (error) reject(new Error(`tmux ${args.join(' ')} failed: ${stderr || error.message}`));
			else resolve(stdout);
		});
	});
}

function sleep(ms: number): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, ms));
}

function matches(screen: string, expected: Expected): boolean {
	if (typeof expected === 'string') return screen.includes(expected);
	if (typeof expected === 'function') return expected(screen);
	return expected.test(screen);
}

function describeExpected(expected: Expected): string {
	return typeof expected === 'function' ? `a screen that passes ${expected.toString()}` : String(expected);
}

export async function startTerminal(options: TerminalOptions = {}): Promise<Terminal> {
	const {args = [], columns = 100, rows = 50} = options;
	const socket = `billing-setup-test-${process.pid}-${++counter}-${randomBytes(4).toString('hex')}`;
	const target = 'cli';

	// The pane's environment: the clean one, plus the test's, minus anything tmux-related of an outer session.
	const env = cleanEnv({TERM: 'xterm-256color', TMUX: undefined, TMUX_PANE: undefined, ...options.env});
	const variables = Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined);
	// tmux always sets TERM to its default-terminal option in a new pane, whatever -e says; `env` puts it back.
	const term = env.TERM ?? 'xterm-256color';
	const command = options.command ?? [process.execPath, cliPath, ...args];
	const script = `${command.map(shellQuote).join(' ')}; echo "EXIT:$?"; exec sleep 600`;

	const tmux = (...tmuxArgs: string[]) => run(['-L', socket, ...tmuxArgs]);
	// The server's global environment is that of the client that starts it, so the client gets exactly
	// the pane's environment too: nothing of the test runner's (CI=true, FORCE_COLOR=0) reaches the pane.
	await run(
		[
			'-L', socket, '-f', '/dev/null',
			'new-session', '-d', '-s', target, '-x', String(columns), '-y', String(rows),
			...variables.flatMap(([key, value]) => ['-e', `${key}=${value}`]),
			'--', '/usr/bin/env', `TERM=${term}`, '/bin/sh', '-c', script,
		],
		Object.fromEntries(variables),
	);
	// tmux leaves its socket file behind after kill-server, so close() removes it.
	openSockets.set(socket, (await tmux('display-message', '-p', '#{socket_path}')).trim());

	const capture = (escapes: boolean, {history = false, join = false}: CaptureOptions = {}) =>
		tmux(
			'capture-pane', '-p', '-t', target,
			...(escapes ? ['-e'] : []),
			...(history ? ['-S', '-'] : []),
			...(join ? ['-J'] : []),
		);

	const terminal: Terminal = {
		socket,
		screen: captureOptions => capture(false, captureOptions),
		rawScreen: captureOptions => capture(true, captureOptions),
		async press(keys) {
			await tmux('send-keys', '-t', target, '--', ...(Array.isArray(keys) ? keys : [keys]));
		},
		async type(text) {
			await tmux('send-keys', '-t', target, '-l', '--', text);
		},
		async waitFor(expected, timeoutMs = defaultWaitMs, captureOptions) {
			const deadline = Date.now() + timeoutMs;
			let screen = '';
			for (;;) {
				screen = await capture(false, captureOptions);
				if (matches(screen, expected)) return screen;
				// Once the CLI has ended nothing more will come: say so now rather than at the deadline.
				const ended = exitPattern.exec(screen);
				if (ended) throw new Error(`The CLI ended (exit code ${ended[1]}) before ${describeExpected(expected)} appeared; the screen was:\n${screen}`);
				if (Date.now() > deadline) {
					throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describeExpected(expected)}; the screen was:\n${screen}`);
				}
				await sleep(pollMs);
			}
		},
		async waitForExit(timeoutMs = defaultWaitMs) {
			const screen = await terminal.waitFor(exitPattern, timeoutMs);
			return Number(exitPattern.exec(screen)?.[1]);
		},
		async close() {
			const file = openSockets.get(socket);
			openSockets.delete(socket);
			await tmux('kill-server').catch(() => undefined);
			if (file) rmSync(file, {force: true});
		},
	};
	return terminal;
}
