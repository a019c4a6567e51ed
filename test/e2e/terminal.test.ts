/**
 * The wizard in a real pseudo-terminal (tmux), against moto: what a person at a keyboard sees and gets.
 * Needs `npm run build` (dist/cli.js), tmux and moto_server.
 */
import {readFileSync} from 'node:fs';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {account, billingPolicyArn, costExplorerPolicyName, savedSetup, useAwsFixture, writeProgress} from '../support/aws.js';
import {cleanEnv, cliPath, progressPath, readProgress, runCli} from '../support/cli.js';
import {createLimitedUser} from '../support/moto.js';
import {startTerminal, type Terminal, type TerminalOptions} from '../support/terminal.js';

const switchRoleUrl = `https://signin.aws.amazon.com/switchrole?account=${account}&roleName=BillingAccess`;

/** The question screens of the default path, in order; each prompt is the first line of its question. */
const screens = [
	{name: 'root activation', prompt: /^Is IAM access to billing activated\?$/m},
	{name: 'role name', prompt: /^Role name$/m},
	{name: 'access', prompt: /^What may the role do\?$/m},
	{name: 'Cost Explorer', prompt: /^Add Cost Explorer reports/m},
	{name: 'trust', prompt: /^Who may switch to the role\?$/m},
	{name: 'MFA', prompt: /^Require MFA/m},
	{name: 'session length', prompt: /^How long may one switched session last\?$/m},
	{name: 'review', prompt: /^Create it now\?/m},
] as const;

const resumeOffer = /^An unfinished setup was saved for this account\.$/m;
/** A colour SGR sequence: foreground/background, basic, bright, 256 or RGB (the 39/49 resets excepted). */
const colourSgr = /\x1b\[(?:\d+;)*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;\d+)*m/;

const aws = useAwsFixture();
let awsEnv: Record<string, string>;
const terminals: Terminal[] = [];

/** A real IAM user's keys, through the fault proxy (which forwards everything unless a test says otherwise). */
const keysOf = (user: {accessKeyId: string; secretAccessKey: string}) => ({...aws.proxy.env, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey});

beforeEach(async () => {
	// Auth is off, so any key works; a real IAM user makes the wizard meet a person, not moto's default. This one's
	// policies grant no billing, so the role is what it needs: the path these tests walk. (An administrator's Enter
	// asks Cost Explorer and ends with Billing open and no role: test/e2e/root-activation.test.ts.)
	awsEnv = keysOf(await createLimitedUser(aws.moto, 'builder', ['iam:*', 'sts:*']));
});

afterEach(async () => {
	await Promise.all(terminals.splice(0).map(terminal => terminal.close()));
});

/** The wizard in a new terminal, on moto, with this test's config directory. */
async function wizard(options: TerminalOptions = {}): Promise<Terminal> {
	const terminal = await startTerminal({...options, env: {...awsEnv, XDG_CONFIG_HOME: aws.home, ...options.env}});
	terminals.push(terminal);
	return terminal;
}

/** Waits for each screen's prompt, then takes its default with Enter. */
async function enterThrough(terminal: Terminal, questions: ReadonlyArray<(typeof screens)[number]>): Promise<void> {
	for (const {prompt} of questions) {
		await terminal.waitFor(prompt);
		await terminal.press('Enter');
	}
}

/** Waits for the CLI to end with 0, then returns everything it left on the screen (scrollback included). */
async function expectReady(terminal: Terminal): Promise<string> {
	expect(await terminal.waitForExit(30_000)).toBe(0);
	// Captured after the exit marker: the last line the CLI printed is on screen by then.
	const screen = await terminal.screen({history: true});
	expect(screen).toMatch(/is ready\./);
	return screen;
}

async function expectBillingRole(roleName: string): Promise<void> {
	const role = await aws.role(roleName);
	expect(role?.tags).toContainEqual({Key: 'ManagedBy', Value: 'billing-setup'});
	expect(role?.attached).toEqual([billingPolicyArn]);
	// The add-on, and the guard that full access gets by default.
	expect(role?.inline.sort()).toEqual([costExplorerPolicyName, 'BillingSetupGuard']);
}

describe('the wizard in a real terminal', () => {
	it('Enter at every screen creates the role and shows how to switch to it', async () => {
		const terminal = await wizard();
		await enterThrough(terminal, screens);
		const screen = await expectReady(terminal);
		expect(screen).toContain('✔ BillingAccess is ready.');
		expect(screen).toContain(switchRoleUrl);
		// The whole URL and the profile are single lines the app wrote (-J undoes the terminal's own wrapping), so they copy whole.
		const joined = (await terminal.screen({join: true})).split('\n').map(line => line.trim());
		expect(joined).toContain(`${switchRoleUrl}&displayName=BillingAccess+%40+${account}`);
		expect(joined).toContain(`role_arn = arn:aws:iam::${account}:role/BillingAccess`);
		// Root activation was answered "not yet"; Cost Explorer then answered the role (moto's is on), so no reminder.
		expect(screen.replace(/\s+/g, ' ')).toContain('✔ IAM access to billing is on: Cost Explorer answered assumed-role/BillingAccess/billing-setup-verify');
		expect(joined.join('\n')).not.toContain('Billing will refuse access');
		expect(await aws.roleNames()).toEqual(['BillingAccess']);
		await expectBillingRole('BillingAccess');
	});

	it('an administrator is told the role is for others, and may end at the root step with nothing created and the steps on screen', async () => {
		const terminal = await wizard({env: keysOf(await createLimitedUser(aws.moto, 'admin', ['*']))});
		const screen = await terminal.waitFor(screens[0].prompt);
		expect(screen).toContain('Not in an AWS Organization');
		expect(screen).toMatch(/Your own policies already allow billing/);
		await terminal.press(['Down', 'Down', 'Down']);
		await terminal.waitFor('❯ I only need Billing myself: end here, create no role');
		await terminal.press('Enter');
		expect(await terminal.waitForExit()).toBe(0);
		const end = await terminal.screen({history: true, join: true});
		expect(end).toContain('Nothing was written to AWS.');
		expect(end).toContain('Tick “Activate IAM Access” and choose Update');
		expect(end).toContain('Then billing-setup status --check asks AWS whether it took effect (one Cost Explorer request, USD 0.01).');
		expect(await aws.roleNames()).toEqual([]);
		expect(aws.proxy.calls.map(call => call.action)).not.toContain('GetCostAndUsage');
	});

	describe('Ctrl+C saves progress, and the next run resumes there', () => {
		for (const [index, stopAt] of screens.entries()) {
			it(`at the ${stopAt.name} screen`, async () => {
				const first = await wizard();
				await enterThrough(first, screens.slice(0, index));
				await first.waitFor(stopAt.prompt);
				await first.press('C-c');
				await first.waitFor('Progress saved');
				expect(await first.waitForExit()).toBe(130);
				expect(await aws.roleNames()).toEqual([]);

				const second = await wizard();
				await second.waitFor(resumeOffer);
				await second.press('Enter');
				// Resume comes back to the very screen that was stopped at.
				await enterThrough(second, screens.slice(index));
				await expectReady(second);
				expect(await aws.roleNames()).toEqual(['BillingAccess']);
				const changes: Array<{action: string}> = readProgress(aws.home).setups[account].changes;
				expect(changes.filter(change => change.action === 'iam:CreateRole')).toHaveLength(1);
			});
		}
	});

	it('Ctrl+C at the resume offer keeps the saved setup as it was', async () => {
		const first = await wizard({args: ['--role-name', 'Finance']});
		await enterThrough(first, screens.slice(0, 2));
		await first.waitFor(screens[2].prompt);
		await first.press('C-c');
		expect(await first.waitForExit()).toBe(130);
		const saved = readFileSync(progressPath(aws.home), 'utf8');

		const second = await wizard();
		await second.waitFor(resumeOffer);
		await second.press('C-c');
		expect(await second.waitForExit()).toBe(130);
		expect(readFileSync(progressPath(aws.home), 'utf8')).toBe(saved);

		const third = await wizard();
		await third.waitFor(resumeOffer);
		await third.waitFor('The role Finance, stopped at the access level');
		await third.press('Enter');
		await enterThrough(third, screens.slice(2));
		await expectReady(third);
		expect(await aws.roleNames()).toEqual(['Finance']);
	});

	it('Ctrl+C while AWS is working stops at once; the next run finishes the role', async () => {
		const {proxy} = aws;
		// The first inline policy: the managed grant comes after it, so it must never be sent.
		proxy.fault('PutRolePolicy', {kind: 'hold'}, 1);
		const first = await wizard();
		await enterThrough(first, screens);
		await proxy.waitForHeld('PutRolePolicy');
		await first.waitFor('Writing the changes to IAM…');
		await first.press('C-c');
		expect(await first.waitForExit(5000)).toBe(130);
		expect(proxy.calls.map(call => call.action)).not.toContain('AttachRolePolicy');
		proxy.clearFaults();

		const second = await wizard();
		await second.waitFor(resumeOffer);
		await second.press('Enter');
		// Resumed work is read from IAM again and reviewed before anything more is written.
		await second.waitFor('Make these changes now?');
		await second.press('Enter');
		await expectReady(second);
		await expectBillingRole('BillingAccess');
	});

	it('checks the role name as it is typed, and Backspace edits it', async () => {
		const terminal = await wizard();
		await enterThrough(terminal, screens.slice(0, 1));
		await terminal.waitFor(/^Role name$/m);
		// Clear the suggested name, one Backspace per character.
		await terminal.press(Array.from('BillingAccess', () => 'BSpace'));
		await terminal.type('bad name!');
		// The rule appears at the space, before the rest is typed: wait for the whole input as well.
		const screen = await terminal.waitFor(screen => screen.includes('bad name!') && screen.includes('is not allowed in a role name'));
		const lines = screen.split('\n');
		const input = lines.findIndex(line => line.includes('bad name!'));
		const rule = lines.findIndex(line => line.includes('“ ” is not allowed in a role name'));
		expect(input).toBeGreaterThanOrEqual(0);
		// The rule is shown under the input.
		expect(rule).toBeGreaterThan(input);
		expect(screen).toContain('letters, digits and + = , . @ _ -');

		await terminal.press(Array.from(' name!', () => 'BSpace'));
		await terminal.waitFor(screen => !screen.includes('is not allowed') && /^.*\bbad\s*$/m.test(screen));
		await terminal.type('-name');
		await terminal.waitFor('bad-name');
		await terminal.press('Enter');
		await enterThrough(terminal, screens.slice(2));
		const done = await expectReady(terminal);
		expect(done).toContain('✔ Role name: bad-name');
		expect(done).toContain('✔ bad-name is ready.');
		expect(await aws.roleNames()).toEqual(['bad-name']);
	});

	it('wraps the root activation screen to a 40-column terminal and still completes', async () => {
		const columns = 40;
		const terminal = await wizard({columns, env: keysOf(await createLimitedUser(aws.moto, 'admin', ['*']))});
		await terminal.waitFor(screens[0].prompt);
		// The last choice (this admin's own policies allow billing) is drawn last: once it is there, the whole screen
		// is. -J joins lines the terminal had to wrap, so a line the app wrote too wide would show up here. Only the
		// URL's is: whole, on one line, for the terminal to wrap and a person to copy.
		const screen = await terminal.waitFor(/create\s+no\s+role/, undefined, {join: true});
		const lines = screen.split('\n').map(line => line.trimEnd());
		expect(lines.filter(line => line.length > columns)).toEqual(['Account settings page: https://console.aws.amazon.com/billing/home#/account']);
		const text = lines.join(' ').replace(/\s+/g, ' ');
		for (const sentence of [
			'Even an administrator is refused Billing and Cost Explorer until the root user lets IAM users and roles in. That switch is in the console only:',
			'2. At “IAM User and Role Access to Billing Information”, choose Edit',
			'3. Tick “Activate IAM Access” and choose Update',
			'No AWS API reads this setting, but Cost Explorer states it: while it is off, it refuses an IAM identity with “IAM user access not activated”.',
			'Is IAM access to billing activated?',
			'Done, or not sure: ask AWS now as you (one Cost Explorer request, USD 0.01)',
			'Not yet: create the role anyway (you will get a reminder)',
			'Stop here and resume later',
		]) {
			expect(text).toContain(sentence);
		}

		await terminal.press('Down');
		await terminal.waitFor('❯ Not yet');
		await terminal.press('Enter');
		await enterThrough(terminal, screens.slice(1));
		const done = await expectReady(terminal);
		expect(done).toContain('✔ BillingAccess is ready.');
		expect(await aws.roleNames()).toEqual(['BillingAccess']);
	});

	describe('colour', () => {
		it('NO_COLOR=1 gives a screen without colour codes, from the first question to the end', async () => {
			const terminal = await wizard({env: {NO_COLOR: '1'}});
			await terminal.waitFor(screens[0].prompt);
			const first = await terminal.rawScreen();
			expect(first).toContain('Is IAM access to billing activated?');
			expect(first).not.toMatch(colourSgr);
			await enterThrough(terminal, screens);
			await expectReady(terminal);
			const all = await terminal.rawScreen({history: true});
			expect(all).toContain('BillingAccess is ready.');
			expect(all).not.toMatch(colourSgr);
		});

		it('--no-color gives a screen without colour codes', async () => {
			const terminal = await wizard({args: ['--no-color']});
			await terminal.waitFor(screens[0].prompt);
			expect(await terminal.rawScreen()).not.toMatch(colourSgr);
		});

		it('without NO_COLOR the same screen is coloured (TERM=xterm-256color)', async () => {
			const terminal = await wizard({env: {TERM: 'xterm-256color'}});
			await terminal.waitFor(screens[0].prompt);
			expect(await terminal.rawScreen()).toMatch(colourSgr);
		});
	});

	describe('without a terminal it refuses instead of crashing', () => {
		const refusal = 'needs an interactive terminal';

		it('stdin and stdout not a TTY (stdin empty, stdout a pipe)', async () => {
			const result = await runCli([], {env: cleanEnv({...awsEnv, XDG_CONFIG_HOME: aws.home})});
			expect(result.code).toBe(2);
			expect(result.stderr).toContain(refusal);
			expect(result.stderr + result.stdout).not.toContain('Raw mode is not supported');
		});

		it('stdout a TTY but stdin from /dev/null', async () => {
			const terminal = await wizard({command: ['/bin/sh', '-c', '"$0" "$1" < /dev/null', process.execPath, cliPath]});
			expect(await terminal.waitForExit()).toBe(2);
			const screen = await terminal.screen();
			expect(screen).toContain(refusal);
			expect(screen).not.toContain('Raw mode is not supported');
		});

		it('stdin a TTY but stdout a file', async () => {
			const output = `${aws.home}/stdout.txt`;
			const terminal = await wizard({command: ['/bin/sh', '-c', '"$0" "$1" > "$2"', process.execPath, cliPath, output]});
			expect(await terminal.waitForExit()).toBe(2);
			expect(await terminal.screen()).toContain(refusal);
		});
	});

	it('ignores saved progress of another account, and status lists both', async () => {
		const otherAccount = '999999999999';
		const other = savedSetup({
			accountId: otherAccount,
			callerArn: `arn:aws:iam::${otherAccount}:user/alice`,
			step: 'access',
			settings: {roleName: 'OtherAccountRole'},
		});
		writeProgress(aws.home, [other]);

		const second = await wizard();
		const screen = await second.waitFor(screens[0].prompt);
		expect(screen).not.toMatch(resumeOffer);
		expect(screen).not.toContain('OtherAccountRole');
		await enterThrough(second, screens);
		await expectReady(second);
		expect(await aws.roleNames()).toEqual(['BillingAccess']);
		expect(readProgress(aws.home).setups[otherAccount]).toEqual(other);

		const status = await runCli(['status'], {env: cleanEnv({...awsEnv, XDG_CONFIG_HOME: aws.home})});
		expect(status.code).toBe(0);
		expect(status.stdout).toMatch(/^▶ 123456789012 {2}role BillingAccess {2}finished$/m);
		expect(status.stdout).toMatch(/^ {2}999999999999 {2}role OtherAccountRole {2}stopped at the access level$/m);
	});
});

describe('the terminal harness', () => {
	it('keeps the test runner\'s CI, FORCE_COLOR and NO_COLOR out of the pane', async () => {
		const saved = {CI: process.env.CI, FORCE_COLOR: process.env.FORCE_COLOR, NO_COLOR: process.env.NO_COLOR};
		Object.assign(process.env, {CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1'});
		try {
			const terminal = await startTerminal({
				command: ['/bin/sh', '-c', 'echo "CI=[${CI-unset}] FORCE_COLOR=[${FORCE_COLOR-unset}] NO_COLOR=[${NO_COLOR-unset}] TERM=[$TERM]"'],
			});
			terminals.push(terminal);
			expect(await terminal.waitForExit()).toBe(0);
			expect(await terminal.screen()).toContain('CI=[unset] FORCE_COLOR=[unset] NO_COLOR=[unset] TERM=[xterm-256color]');
		} finally {
			for (const [key, value] of Object.entries(saved)) {
				if (value === undefined) delete process.env[key];
				else process.env[key] = value;
			}
		}
	});
});
