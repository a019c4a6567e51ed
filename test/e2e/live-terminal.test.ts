/**
 * Live truth in a real terminal (tmux) against moto: a finished setup run again opens on what IAM has
 * now, and a review shows each difference before anything is written.
 */
import {AttachRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand} from '@aws-sdk/client-iam';
import {afterEach, beforeAll, expect, it} from 'vitest';
import {useAwsFixture} from '../support/aws.js';
import {cleanEnv, runCli, tempConfigHome} from '../support/cli.js';
import type {Moto} from '../support/moto.js';
import {startTerminal, type Terminal} from '../support/terminal.js';

const billing = 'arn:aws:iam::aws:policy/job-function/Billing';
const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';

// Moto, emptied before each test, from the shared fixture.
const aws = useAwsFixture();
let moto: Moto;
let iam: IAMClient;
const terminals: Terminal[] = [];

beforeAll(() => {
	({moto, iam} = aws);
});
afterEach(async () => {
	await Promise.all(terminals.splice(0).map(terminal => terminal.close()));
});

async function wizard(home: string, args: string[] = []): Promise<Terminal> {
	const terminal = await startTerminal({args, env: {...moto.env, XDG_CONFIG_HOME: home}, columns: 100, rows: 40});
	terminals.push(terminal);
	return terminal;
}

async function finishedSetup(home: string): Promise<void> {
	const result = await runCli(['--yes'], {env: cleanEnv({...moto.env, XDG_CONFIG_HOME: home})});
	expect(result.code, result.stderr).toBe(0);
}

const attached = async () => (await iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'BillingAccess'}))).AttachedPolicies!.map(policy => policy.PolicyArn);

it('a finished setup run again shows the drift found in IAM, and repair removes it after a review', async () => {
	const home = tempConfigHome();
	await finishedSetup(home);
	await iam.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: admin}));

	const terminal = await wizard(home);
	const menu = await terminal.waitFor(/What now\?/);
	expect(menu).toContain('- detach AdministratorAccess (attached outside billing-setup) [beyond the plan]');
	expect(menu).toMatch(/Repair it: review these changes/);
	await terminal.press('Enter');
	const review = await terminal.waitFor(/^Make these changes now\?/m);
	expect(review).toContain('In IAM now: the role exists and was created by this setup.');
	expect(review).toContain('- detach AdministratorAccess');
	// Nothing was written before the answer.
	expect((await attached()).sort()).toEqual([admin, billing].sort());
	await terminal.press('Enter');
	await terminal.waitFor(/is ready\./, 30_000, {history: true});
	expect(await terminal.waitForExit(30_000)).toBe(0);
	expect(await attached()).toEqual([billing]);
});

it('a second admin with other answers sees what would change in the role colleagues use, and no is no change', async () => {
	await finishedSetup(tempConfigHome());
	const terminal = await wizard(tempConfigHome(), ['--access', 'read-only']);
	for (const prompt of [/^Is IAM access to billing activated\?$/m, /^Role name$/m, /^What may the role do\?$/m, /^Add Cost Explorer reports/m, /^Who may switch to the role\?$/m, /^Require MFA/m, /^How long may one switched session last\?$/m]) {
		await terminal.waitFor(prompt);
		await terminal.press('Enter');
	}
	const review = await terminal.waitFor(/^Take it over and make these changes now\?/m);
	expect(review).toContain('made by billing-setup elsewhere');
	expect(review).toContain('+ attach AWSBillingReadOnlyAccess');
	expect(review).toContain('- detach Billing (attached outside billing-setup)');
	expect(review).not.toContain('Nothing has been written');
	await terminal.press('n');
	expect(await terminal.waitForExit()).toBe(0);
	expect(await attached()).toEqual([billing]);
});

it('the finished menu shows the hand-off again without writing anything', async () => {
	const home = tempConfigHome();
	await finishedSetup(home);
	const terminal = await wizard(home);
	const menu = await terminal.waitFor(/What now\?/);
	expect(menu).toContain('No change: it matches your answers.');
	await terminal.press('Enter');
	const done = await terminal.waitFor(/role_arn = /, 15_000, {history: true});
	expect(done).toContain('Switch to the role in the console:');
	expect(await terminal.waitForExit()).toBe(0);
});

it('with --screen-reader the whole default path runs in linear text: positions said, no spinner frames', async () => {
	const home = tempConfigHome();
	const terminal = await wizard(home, ['--screen-reader']);
	const first = await terminal.waitFor(/1 of 3: Not yet, or not sure/);
	expect(first).toContain('Is IAM access to billing activated?');
	for (const prompt of [/1 of 3: Not yet/, /^Role name$/m, /1 of 2: Full/, /^Add Cost Explorer reports/m, /1 of 2: Anyone in this account/, /^Require MFA/m, /1 of 5: 1 h/, /1 of 9: Yes, go ahead/]) {
		await terminal.waitFor(prompt);
		await terminal.press('Enter');
	}
	const history = await terminal.waitFor(/is ready\./, 30_000, {history: true});
	expect(await terminal.waitForExit(30_000)).toBe(0);
	// Braille spinner frames never reach the screen; waits are one "Working:" line each.
	expect(history).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
	expect(await attached()).toEqual([billing]);
});

it('steering at 80×24: Esc walks back through every question, a review line is edited in place, a pasted name is taken, the review fits', async () => {
	const terminal = await startTerminal({env: {...moto.env, XDG_CONFIG_HOME: tempConfigHome()}, columns: 80, rows: 24});
	terminals.push(terminal);
	const questions = [/Is IAM access to billing activated\?/, /^Role name$/m, /What may the role do\?/, /Add Cost Explorer reports/, /Who may switch to the role\?/, /Require MFA/, /How long may one switched session last\?/];
	for (const prompt of questions) {
		await terminal.waitFor(prompt);
		await terminal.press('Enter');
	}
	const review = await terminal.waitFor(/^Create it now\?/m);
	// Everything the review asks about is on the 24 rows at once: the role, what will happen, every choice.
	for (const line of ['Role arn:aws:iam::123456789012:role/BillingAccess', 'Yes, go ahead', 'Change · Role name: BillingAccess', 'Change · Longest session: 1 h', 'No, stop here']) {
		expect(review).toContain(line);
	}

	// Esc from the review goes back one question at a time, to the first that has one before it.
	for (const prompt of [...questions].reverse().slice(0, -1)) {
		await terminal.press('Escape');
		await terminal.waitFor(screen => prompt.test(screen.split(/Step \d of 6/).at(-1) ?? ''));
	}
	for (const prompt of questions.slice(1)) {
		await terminal.waitFor(prompt);
		await terminal.press('Enter');
	}

	// "Change · Role name" (the second line), a name pasted with its newline, then back to the review.
	await terminal.waitFor(/^Create it now\?/m);
	await terminal.press('Down');
	await terminal.press('Enter');
	await terminal.waitFor(/^Role name$/m);
	await terminal.press(Array.from('BillingAccess', () => 'BSpace'));
	await terminal.type('Finance\r');
	const edited = await terminal.waitFor(/Change · Role name: Finance/);
	expect(edited).toMatch(/^Create it now\?/m);
	await terminal.press('Enter');
	await terminal.waitFor(/is ready\./, 30_000, {history: true});
	expect(await terminal.waitForExit(30_000)).toBe(0);
	expect((await iam.send(new ListAttachedRolePoliciesCommand({RoleName: 'Finance'}))).AttachedPolicies!.map(policy => policy.PolicyArn)).toEqual([billing]);
});

it('at 40 columns, d prints the policies and AWS CLI commands whole, for the terminal to wrap and a person to copy', async () => {
	const terminal = await startTerminal({env: {...moto.env, XDG_CONFIG_HOME: tempConfigHome()}, columns: 40, rows: 60});
	terminals.push(terminal);
	for (const prompt of [/Is IAM access to billing/, /^Role name$/m, /What may the role do\?/, /Add Cost Explorer reports/, /Who may switch to the role\?/, /Require MFA/, /How long may one switched session/]) {
		await terminal.waitFor(prompt);
		await terminal.press('Enter');
	}
	await terminal.waitFor(/^Create it now\?/m);
	await terminal.press('d');
	// -J joins what the terminal wrapped: a line Ink had cut would come back in pieces.
	const screen = await terminal.waitFor(/--policy-arn/, undefined, {join: true, history: true});
	const lines = screen.split('\n').map(line => line.trim());
	expect(lines).toContain('--policy-arn arn:aws:iam::aws:policy/job-function/Billing');
	expect(lines).toContain(`"AWS": "arn:aws:iam::123456789012:root"`);
	await terminal.press('C-c');
	expect(await terminal.waitForExit()).toBe(130);
});
