/**
 * Hostile networks and precise advice: an endpoint that never answers, one that answers with a web page, and
 * AccessDenied texts that name an SCP or a permissions boundary (moto does not evaluate those: the fault proxy
 * answers with AWS's own wording).
 */
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {createServer as createHttpServer, type Server as HttpServer} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import {createServer, type Server, type Socket} from 'node:net';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {GetRoleCommand} from '@aws-sdk/client-iam';
import {afterAll, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {savedSetup, useAwsFixture, writeProgress} from '../support/aws.js';
import {cleanEnv, cliPath, progressPath, runCli, tempConfigHome, type CliResult} from '../support/cli.js';
import type {FaultProxy} from '../support/fault-proxy.js';
import {awsTestEnv} from '../support/moto.js';
import {startTerminal} from '../support/terminal.js';

const stackLine = /^ {4}at /m;

function listen<T extends Server | HttpServer>(server: T): Promise<string> {
	return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

const json = (result: CliResult) => JSON.parse(result.stdout) as {ok: boolean; created: unknown[]; error?: {title: string; why: string; next: string}};

describe('an endpoint that accepts connections and never answers', () => {
	const sockets = new Set<Socket>();
	let connections = 0;
	const server = createServer(socket => {
		connections++;
		sockets.add(socket);
		socket.on('error', () => undefined);
	});
	let endpoint: string;

	beforeAll(async () => {
		endpoint = await listen(server);
	});
	afterAll(async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise(resolve => server.close(resolve));
	});

	// Each run is one STS call: 3 attempts of 5 s each, plus the SDK's short back-off.
	test.concurrent.each([
		['setup --yes --json', ['--yes', '--json']],
		['status', ['status']],
	])('%s ends within 60 s, naming the endpoint and what to check', async (_name, args) => {
		const home = tempConfigHome();
		const before = connections;
		const started = Date.now();
		const result = await runCli(args, {env: cleanEnv({...awsTestEnv(endpoint), XDG_CONFIG_HOME: home}), timeoutMs: 60_000});
		expect(Date.now() - started).toBeLessThan(60_000);
		expect(connections - before).toBeGreaterThanOrEqual(3);
		const text = args[0] === 'status' ? result.stderr : json(result).error!.title + json(result).error!.why + json(result).error!.next;
		expect(text).toContain(`AWS did not answer at ${endpoint} within 5 s`);
		if (args[0] === 'status') {
			// Status lists what is saved without AWS, and says by its exit code that the live part is missing.
			expect(result.code).toBe(1);
			return;
		}
		expect(result.code).toBe(1);
		expect(text).toContain('in 3 attempts');
		expect(text).toContain(`AWS_ENDPOINT_URL_STS=${endpoint}`);
		expect(text).toMatch(/network connection and proxy \(HTTPS_PROXY\)/);
		expect(result.stderr).not.toMatch(stackLine);
		expect(existsSync(progressPath(home))).toBe(false);
	});
});

describe('an endpoint that answers with a web page', () => {
	const server = createHttpServer((request, response) => {
		const status = request.url?.includes('missing') ? 404 : 200;
		response.writeHead(status, {'content-type': 'text/html'});
		response.end('<html><body>Sign in to the guest Wi-Fi</body></html>');
	});
	let endpoint: string;

	beforeAll(async () => {
		endpoint = await listen(server);
	});
	afterAll(async () => {
		await new Promise(resolve => server.close(resolve));
	});

	test.each([
		['HTTP 200 with HTML', ''],
		['a 404 that is not from AWS', '/missing'],
	])('%s stops the run before anything is recorded', async (_name, path) => {
		const home = tempConfigHome();
		const result = await runCli(['--yes', '--json'], {env: cleanEnv({...awsTestEnv(`${endpoint}${path}`), XDG_CONFIG_HOME: home})});
		expect(result.code).toBe(1);
		const output = json(result);
		expect(output.ok).toBe(false);
		expect(output.created).toEqual([]);
		expect(output.error?.title).toBe('The endpoint that answered is not AWS.');
		expect(output.error?.why).toContain(`AWS_ENDPOINT_URL_STS=${endpoint}${path}`);
		expect(result.stderr).toContain('✖ The endpoint that answered is not AWS.');
		expect(result.stderr).not.toContain('Progress saved');
		expect(existsSync(progressPath(home))).toBe(false);
	});
});

describe('credentials and certificates the SDK cannot use', () => {
	const directory = tempConfigHome();
	const config = path.join(directory, 'config');
	const failing = path.join(directory, 'get-credentials.sh');
	writeFileSync(failing, '#!/bin/sh\necho "token expired" >&2\nexit 3\n', {mode: 0o755});
	writeFileSync(config, `[profile work]\nregion = us-east-1\ncredential_process = ${failing}\n\n[profile other]\nregion = us-east-1\n`);
	const setup = (env: Record<string, string>) => runCli(['--yes', '--json'], {env: cleanEnv({AWS_CONFIG_FILE: config, XDG_CONFIG_HOME: tempConfigHome(), ...env})});

	test('AWS_PROFILE naming no profile says so, by name', async () => {
		const result = await setup({AWS_PROFILE: 'nope'});
		expect(result.code).toBe(1);
		expect(json(result).error?.title).toBe('There is no AWS profile named “nope”.');
		expect(json(result).error?.next).toMatch(/aws configure list-profiles/);
	});

	test('a failing credential_process is named as such, with its command', async () => {
		const result = await setup({AWS_PROFILE: 'work'});
		expect(result.code).toBe(1);
		expect(json(result).error?.title).toBe('The credential_process of the AWS profile “work” failed.');
		expect(json(result).error?.why).toContain(failing);
	});

	test('a self-signed certificate (TLS interception) points at NODE_EXTRA_CA_CERTS', async () => {
		const key = path.join(directory, 'key.pem');
		const certificate = path.join(directory, 'cert.pem');
		const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certificate, '-days', '1', '-subj', '/CN=127.0.0.1']);
		expect(made.status, String(made.stderr)).toBe(0);
		const server = createHttpsServer({key: readFileSync(key), cert: readFileSync(certificate)}, (_request, response) => response.end('intercepted'));
		const endpoint = (await listen(server)).replace('http:', 'https:');
		try {
			const result = await runCli(['status'], {env: cleanEnv({...awsTestEnv(endpoint), XDG_CONFIG_HOME: tempConfigHome()})});
			expect(result.stderr).toContain(`(Current account unknown: The certificate presented for ${endpoint} is not trusted.)`);
			const setupResult = await runCli(['--yes', '--json'], {env: cleanEnv({...awsTestEnv(endpoint), XDG_CONFIG_HOME: tempConfigHome()})});
			expect(setupResult.code).toBe(1);
			expect(json(setupResult).error?.next).toMatch(/NODE_EXTRA_CA_CERTS/);
		} finally {
			await new Promise(resolve => server.close(resolve));
		}
	});
});

describe('against moto, through the fault proxy', () => {
	// Moto emptied, the proxy cleared and a fresh config directory before each test, from the shared fixture.
	const aws = useAwsFixture();
	let proxy: FaultProxy;
	let home: string;
	const deniedBy = (reason: string) =>
		`User: arn:aws:iam::123456789012:user/admin is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/BillingAccess ${reason}`;

	beforeEach(() => {
		({proxy, home} = aws);
	});

	test.each([
		['an SCP', 'with an explicit deny in a service control policy', /Ask your organization's administrator .* Running as an administrator here does not help\./],
		['a permissions boundary', 'with an explicit deny in a permissions boundary', /allow iam:CreateRole in this identity's permissions boundary/],
	])('AccessDenied from %s: the Next line fits the denial', async (_name, reason, next) => {
		proxy.fault('CreateRole', {kind: 'error', status: 403, code: 'AccessDenied', message: deniedBy(reason)}, 1);
		const result = await runCli(['--yes', '--json'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
		expect(result.code).toBe(1);
		const {error} = json(result);
		expect(error?.title).toMatch(/^arn:aws:\S+ \(.+\) is not allowed to call iam:CreateRole\.$/);
		expect(error?.why).toContain(reason);
		expect(error?.next).toMatch(next);
		expect(error?.next).not.toMatch(/IAMFullAccess/);
		expect(result.stderr).toContain('Progress saved');
	});

	test('ExpiredToken: get fresh credentials', async () => {
		proxy.fault('GetCallerIdentity', {kind: 'error', status: 403, code: 'ExpiredToken', message: 'The security token included in the request is expired'}, 1);
		const result = await runCli(['--yes', '--json'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
		expect(result.code).toBe(1);
		expect(json(result).error?.title).toBe('Your AWS credentials have expired.');
		expect(existsSync(progressPath(home))).toBe(false);
	});

	const webPage = {kind: 'answer', body: '<html><body>Sign in to the guest Wi-Fi</body></html>', contentType: 'text/html'} as const;
	const notAws = 'The endpoint that answered is not AWS.';

	test('a web page answering GetRole with HTTP 200: undo removes nothing and says so in its JSON', async () => {
		expect((await setup()).code).toBe(0);
		proxy.fault('GetRole', webPage);
		const result = await runCli(['undo', '--yes', '--json'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
		expect(result.code).toBe(1);
		const output = JSON.parse(result.stdout) as {ok: boolean; removed?: unknown; error?: {title: string; why: string}};
		expect(output.ok).toBe(false);
		expect(output.removed).not.toBe(true);
		expect(output.error?.title).toBe(notAws);
		expect(output.error?.why).toContain('answered iam:GetRole with HTTP 200 and a body that is not GetRole');
		expect((await aws.iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).Role?.RoleName).toBe('BillingAccess');
	});

	test('a web page answering the writes with HTTP 200: none of them is listed as created', async () => {
		for (const action of ['CreateRole', 'PutRolePolicy', 'AttachRolePolicy']) proxy.fault(action, webPage);
		const result = await setup();
		expect(result.code).toBe(1);
		const output = json(result);
		expect(output.created).toEqual([]);
		expect(output.error?.title).toBe(notAws);
		expect(output.error?.why).toContain('answered iam:CreateRole with HTTP 200');
	});

	test('status whose live read fails prints the saved part and exits 1', async () => {
		expect((await setup()).code).toBe(0);
		proxy.fault('GetRole', {kind: 'error', status: 403, code: 'AccessDenied', message: 'User: arn:aws:iam::123456789012:user/moto is not authorized to perform: iam:GetRole'});
		const result = await runCli(['status'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
		expect(result.stdout).toContain('123456789012  role BillingAccess  finished');
		expect(result.stdout).toContain('Could not read it:');
		expect(result.code).toBe(1);
	});

	test('an answer whose body never comes ends within seconds, naming the endpoint, after the SDK’s three attempts', async () => {
		proxy.fault('GetRole', {kind: 'stall'});
		const started = Date.now();
		const result = await setup();
		// Generous: three attempts of 5 s each, on a loaded machine; without the deadline it took 201 s.
		expect(Date.now() - started).toBeLessThan(90_000);
		expect(result.code).toBe(1);
		expect(proxy.calls.filter(call => call.action === 'GetRole')).toHaveLength(3);
		expect(json(result).error?.title).toBe(`AWS did not answer at ${proxy.endpoint} within 5 s.`);
		expect(result.stderr).not.toMatch(/\$response|inspect the hidden field/);
	});

	const saved = (overrides: Record<string, unknown>, settings: Record<string, unknown> = {}) => {
		const at = '2026-11-23T10:00:00.000Z';
		const record = {
			accountId: '123456789012',
			callerArn: 'arn:aws:sts::123456789012:user/moto',
			step: 'review',
			finished: false,
			settings: {roleName: 'BillingAccess', access: 'full', costExplorer: true, trust: {kind: 'account'}, requireMfa: false, maxSessionSeconds: 3600, ...settings},
			changes: [],
			startedAt: at,
			updatedAt: at,
			...overrides,
		};
		mkdirSync(path.dirname(progressPath(home)), {recursive: true});
		writeFileSync(progressPath(home), JSON.stringify({version: 1, setups: {'123456789012': record}}));
	};
	const setup = () => runCli(['--yes', '--json'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});

	test('a saved trust of "*" is moved aside with a notice; the role trusts the account only', async () => {
		saved({}, {trust: {kind: 'principals', arns: ['*']}});
		const result = await setup();
		expect(result.code).toBe(0);
		expect(result.stderr).toMatch(/could not be used as it was \(the saved setup for account 123456789012 is not valid \(settings\.trust\.arns\[0\]: “\*” is not an IAM principal ARN/);
		expect(result.stderr).not.toContain('Resuming');
		const {Role} = await aws.iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}));
		const trust = decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '');
		expect(trust).toContain('arn:aws:iam::123456789012:root');
		expect(trust).not.toMatch(/"AWS":\s*"\*"/);
	});

	test.each([
		['a bogus step', {step: 'bogus'}, {}],
		['a session AWS would refuse', {}, {maxSessionSeconds: 99_999}],
	])('%s neither crashes nor hangs: the run starts over and finishes', async (_name, overrides, settings) => {
		saved(overrides, settings);
		const result = await setup();
		expect(result.code).toBe(0);
		expect(json(result).ok).toBe(true);
		expect(result.stderr).toContain('is not valid');
		expect(result.stderr).not.toMatch(stackLine);
	});

	test('a symlink in place of the progress file stops the run, and its target is untouched', async () => {
		const target = path.join(tempConfigHome(), 'dotfiles.json');
		writeFileSync(target, '{"keep": true}');
		mkdirSync(path.dirname(progressPath(home)), {recursive: true});
		symlinkSync(target, progressPath(home));
		const result = await setup();
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('✖ The progress file is a symbolic link; billing-setup does not follow it.');
		expect(readFileSync(target, 'utf8')).toBe('{"keep": true}');
		expect(proxy.calls).toEqual([]);
	});

	test('saved text with escape sequences is not trusted, and status prints none of it', async () => {
		saved({changes: [{action: 'iam:CreateRole\u001B]0;pwned\u0007\u001B[2J', target: 'x', at: '2026-11-23T10:00:00.000Z'}]});
		const result = await runCli(['status'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
		expect(result.stderr).toContain('is not valid (changes[0].action is not an action such as iam:CreateRole)');
		expect(result.stdout).toContain('No saved setups');
		expect(result.stdout + result.stderr).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
	});

	test('a tampered MFA serial is moved aside, never printed into the profile', async () => {
		const serial = 'arn:aws:iam::123456789012:mfa/a\n[profile default]\ncredential_process = sh -c "touch pwned"';
		saved(
			{finished: true, step: 'verify', verification: {roleArn: 'arn:aws:iam::123456789012:role/BillingAccess', at: '2026-11-23T10:00:00.000Z', mfa: {userArn: 'arn:aws:iam::123456789012:user/moto', serial}}},
			{requireMfa: true},
		);
		const result = await setup();
		expect(result.stderr).toContain('is not valid (verification.mfa.serial holds control characters)');
		expect(result.stdout + result.stderr).not.toContain('credential_process');
		expect(readdirSync(path.dirname(progressPath(home))).some(name => name.startsWith('progress.json.corrupt-'))).toBe(true);
	});

	test('saved accounts a shell would run are not trusted: the dry run names none of them', async () => {
		saved({}, {via: 'identity-center', assignees: [{type: 'GROUP', name: 'Finance'}], accounts: {kind: 'listed', ids: ['111111111111 $(touch pwned)']}});
		const result = await runCli(['--dry-run', '--account', '123456789012'], {env: cleanEnv({XDG_CONFIG_HOME: home})});
		expect(result.stdout + result.stderr).not.toContain('$(touch pwned)');
		expect(result.stderr).toContain('settings.accounts.ids[0]: An AWS account ID is exactly 12 digits.');
	});

	test('status, which takes no lock, shows an invalid record as such and leaves the file as it is', async () => {
		saved({}, {maxSessionSeconds: 99_999});
		const before = readFileSync(progressPath(home), 'utf8');
		const result = await runCli(['status'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
		expect(result.code).toBe(0);
		expect(result.stderr).toContain('is not valid (settings.maxSessionSeconds: Session duration must be');
		expect(result.stderr).toContain('it is left as it is');
		expect(result.stdout).toContain('No saved setups');
		expect(readFileSync(progressPath(home), 'utf8')).toBe(before);
	});

	/** Starts the CLI and hands back the child, so a test can run a second one or signal it mid-run. */
	function startCli(args: string[]) {
		const child = spawn(process.execPath, [cliPath, ...args], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home}), stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const exited = new Promise<CliResult>(resolve => child.once('close', (code, signal) => resolve({code, signal, stdout, stderr})));
		return {pid: child.pid!, exited, kill: (signal: NodeJS.Signals) => child.kill(signal)};
	}
	const lockFile = () => path.join(path.dirname(progressPath(home)), 'progress.lock');

	test('a second run while the first is under way names the process holding the lock; status still reads', async () => {
		proxy.fault('CreateRole', {kind: 'hold'}, 1);
		const first = startCli(['--yes', '--json']);
		await proxy.waitForHeld('CreateRole');
		const callsBefore = proxy.calls.length;
		for (const args of [['--yes', '--json'], ['reset', '--all', '--yes'], ['undo', '--yes']]) {
			const second = await runCli(args, {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
			expect(second.code, args.join(' ')).toBe(1);
			expect(second.stderr).toContain(`✖ Another billing-setup is running (process ${first.pid}, started `);
			expect(second.stderr).toContain('Wait for it to finish');
		}
		// None of them reached AWS, so none could record the first run's writes as its own.
		expect(proxy.calls.length).toBe(callsBefore);
		const status = await runCli(['status'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
		expect(status.code).toBe(0);
		expect(status.stdout).toContain('123456789012  role BillingAccess  stopped at writing to IAM');
		proxy.release('CreateRole');
		const result = await first.exited;
		expect(result.code).toBe(0);
		expect(json(result).created).toContainEqual({action: 'iam:CreateRole', target: 'arn:aws:iam::123456789012:role/BillingAccess'});
		expect(existsSync(lockFile())).toBe(false);
	});

	test.each([
		['SIGTERM', 143],
		['SIGINT', 130],
	] as const)('%s during an AWS write: JSON with the error, the progress line, exit %i, the lock released', async (signal, code) => {
		proxy.fault('CreateRole', {kind: 'hold'}, 1);
		const run = startCli(['--yes', '--json']);
		await proxy.waitForHeld('CreateRole');
		expect(existsSync(lockFile())).toBe(true);
		run.kill(signal);
		const result = await run.exited;
		proxy.release('CreateRole');
		expect(result.code).toBe(code);
		const output = json(result);
		expect(output.ok).toBe(false);
		expect(output.error?.title).toBe(`Stopped by ${signal}.`);
		expect(output.error?.next).toBe('Run billing-setup again to resume.');
		expect(result.stderr).toContain('Progress saved: run billing-setup again to resume.');
		expect(result.stderr).not.toMatch(stackLine);
		expect(existsSync(lockFile())).toBe(false);
	});
});

describe('the [y/N] prompt of reset', () => {
	test.each([
		['Ctrl+C', 'C-c'],
		['Ctrl+D', 'C-d'],
	])('%s is an interrupt: exit 130, no stack trace, the lock released', async (_name, key) => {
		const home = tempConfigHome();
		const terminal = await startTerminal({args: ['reset', '--account', '123456789012'], env: {XDG_CONFIG_HOME: home}});
		try {
			await terminal.waitFor('Forget saved progress for account 123456789012? Nothing in AWS is changed. [y/N]');
			await terminal.press(key);
			expect(await terminal.waitForExit()).toBe(130);
			const screen = await terminal.screen();
			expect(screen).toContain('Stopped: nothing was changed.');
			expect(screen).not.toMatch(/unexpected error|AbortError|^ {4}at /m);
			expect(existsSync(path.join(home, 'billing-setup', 'progress.lock'))).toBe(false);
		} finally {
			await terminal.close();
		}
	});
});

describe('a saved answer is no consent to widen who may switch', () => {
	const aws = useAwsFixture();

	test('a saved trust of another account is refused under --yes before any write, and taken when given as a flag', async () => {
		const elsewhere = 'arn:aws:iam::999999999999:root';
		writeProgress(aws.home, [savedSetup({step: 'mfa', setupId: '0b5c2a4e-7d1f-4e8a-9c3b-2f6d8e1a5b7c', settings: {trust: {kind: 'principals', arns: [elsewhere]}}})]);
		const refused = await runCli(['--yes', '--json', '--no-cost-check'], {env: aws.env()});
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain(`The saved setup lets principals of another account switch to the role: ${elsewhere}.`);
		expect(JSON.parse(refused.stdout)).toMatchObject({ok: false, error: {next: `Run again with --trust ${elsewhere} to confirm it, or with --trust account.`}});
		expect(aws.proxy.calls.map(call => call.action)).not.toContain('CreateRole');

		const confirmed = await runCli(['--yes', '--json', '--no-cost-check', '--trust', elsewhere], {env: aws.env()});
		expect(confirmed.code, confirmed.stderr).toBe(0);
	});
});
