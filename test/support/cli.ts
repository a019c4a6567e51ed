/** Runs the built CLI (dist/cli.js) as a user would: its own process, its own config directory. */
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/**
 * The parent's environment without anything that would leak into a test: real AWS settings,
 * CI markers (Ink treats CI=true as non-interactive) and colour switches.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(AWS_|CI$|CI_|NO_COLOR$|FORCE_COLOR$|XDG_CONFIG_HOME$)/.test(key)) continue;
		env[key] = value;
	}
	// No ~/.aws files of the machine's owner: each test sees only what it sets.
	env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
	env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
	env.AWS_EC2_METADATA_DISABLED = 'true';
	for (const [key, value] of Object.entries(extra)) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}
	return env;
}

/** A fresh XDG_CONFIG_HOME, so every test has its own progress file. */
export function tempConfigHome(): string {
	return mkdtempSync(path.join(tmpdir(), 'billing-setup-test-'));
}

export function progressPath(configHome: string): string {
	return path.join(configHome, 'billing-setup', 'progress.json');
}

export function readProgress(configHome: string): {version: number; setups: Record<string, any>} {
	return JSON.parse(readFileSync(progressPath(configHome), 'utf8'));
}

export function runCli(
	args: string[],
	options: {env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number},
): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cliPath, ...args], {env: options.env, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr});
		});
		child.stdin.end(options.input ?? '');
	});
}
