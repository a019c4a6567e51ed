/**
 * The root-only setting as Cost Explorer states it (issue 16): one GetCostAndUsage request, refused with
 * "IAM user access not activated" while the setting is off. moto answers Cost Explorer as if it were on; the fault
 * proxy answers the way AWS refuses (HTTP 400, AccessDeniedException) for as many calls as a test says, then
 * forwards. Headless runs, status, diagnose, accounts and the wizard in a real terminal.
 */
import {describe, expect, it} from 'vitest';
import {account, useAwsFixture} from '../support/aws.js';
import {readProgress, runCli} from '../support/cli.js';
import {startTerminal} from '../support/terminal.js';
import {createLimitedUser} from '../support/moto.js';
import {createMemberAccount, createOrganization, envWithKeys, useOrganizationCleanup} from '../support/organizations.js';

const aws = useAwsFixture();
useOrganizationCleanup(aws);

const notActivated = {kind: 'error', status: 400, code: 'AccessDeniedException', message: 'IAM user access not activated'} as const;
const roleSession = `arn:aws:sts::${account}:assumed-role/BillingAccess/billing-setup-verify`;

/** What moto's Cost Explorer answers next: this month so far, as AWS shapes it. */
async function costResult(amount: string) {
	const results = [{ResultsByTime: [{TimePeriod: {Start: '2026-12-01', End: '2027-01-01'}, Total: {UnblendedCost: {Amount: amount, Unit: 'USD'}}, Estimated: true}]}];
	const response = await fetch(`${aws.moto.endpoint}/moto-api/static/ce/cost-and-usage-results`, {method: 'POST', body: JSON.stringify({results})});
	expect(response.ok).toBe(true);
}

const costCalls = () => aws.proxy.calls.filter(call => call.action === 'GetCostAndUsage');

async function setup(args: string[] = [], env = aws.env()) {
	const run = await runCli(['--yes', '--json', ...args], {env});
	return {...run, result: JSON.parse(run.stdout)};
}

describe('headless: the role’s verification states the setting', () => {
	it('on: Cost Explorer answers the role, so rootActivation is active, with who was answered and the amount', async () => {
		await costResult('123.4521');
		const {code, stderr, result} = await setup();
		expect(code, stderr).toBe(0);
		expect(result.rootActivation).toMatchObject({state: 'active', checkedAs: roleSession});
		expect(result.rootActivation.at).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(result.verification.costCheck.cost).toMatchObject({amount: '123.4521', unit: 'USD', estimated: true});
		expect(stderr).toContain('✔ IAM access to billing is on: Cost Explorer answered assumed-role/BillingAccess/billing-setup-verify (this month so far USD 123.45 (estimated)).');
		expect(result.warnings).toEqual([]);
		expect(stderr).not.toMatch(/cannot check|unconfirmed/i);
		// One request, signed for the aws partition's Cost Explorer endpoint.
		expect(costCalls().map(call => call.region)).toEqual(['us-east-1']);
	});

	it('off: the role is still made, exit 0, and Billing is said to stay closed until the root step; the refusal is not retried', async () => {
		aws.proxy.fault('GetCostAndUsage', notActivated);
		const {code, stderr, result} = await setup();
		expect(code, stderr).toBe(0);
		expect(result).toMatchObject({ok: true, rootActivation: {state: 'off', checkedAs: roleSession}});
		expect(await aws.role()).toBeDefined();
		expect(stderr).toContain('IAM access to billing is off: Cost Explorer refused assumed-role/BillingAccess/billing-setup-verify with “IAM user access not activated”.');
		expect(stderr).toContain('Billing stays closed until the root step is done');
		expect(stderr).toContain('Tick “Activate IAM Access” and choose Update');
		expect(result.warnings).toHaveLength(1);
		expect(result.warnings[0]).toMatch(/^Billing stays closed until the root step is done/);
		expect(costCalls()).toHaveLength(1);
	});

	it.each([
		['DataUnavailableException', 'Data is not available. Please try to adjust the time period.', 'Cost Explorer has no data for this account yet.'],
		['AccessDeniedException', 'User not enabled for cost explorer access', 'Cost Explorer is not enabled for this account.'],
		[
			'AccessDeniedException',
			`User: ${roleSession} is not authorized to perform: ce:GetCostAndUsage with an explicit deny in a service control policy`,
			'Cost Explorer refused the request because of a service control policy, not the setting.',
		],
	])('unknown: %s (%s) says nothing of the setting, and says why; the role stays set up', async (code, message, title) => {
		aws.proxy.fault('GetCostAndUsage', {kind: 'error', status: 400, code, message}, 1);
		const {code: exit, stderr, result} = await setup();
		expect(exit, stderr).toBe(0);
		expect(result.rootActivation).toMatchObject({state: 'unknown', checkedAs: roleSession, reason: {title}});
		expect(stderr).toContain(`IAM access to billing is not known: ${title}`);
		expect(result.warnings[0]).toMatch(/^Root activation is unconfirmed/);
		expect(stderr).not.toContain('IAM access to billing is on');
	});

	it('--no-cost-check makes no request, and says the setting was not checked', async () => {
		const {code, stderr, result} = await setup(['--no-cost-check']);
		expect(code, stderr).toBe(0);
		expect(costCalls()).toEqual([]);
		expect(result.rootActivation).toMatchObject({state: 'unknown', reason: {title: 'Not checked: --no-cost-check makes no paid request.'}});
		expect(result.rootActivation.checkedAs).toBeUndefined();
		expect(result.warnings[0]).toMatch(/^Root activation is unconfirmed/);
	});

	it('China: the request goes to the partition’s Cost Explorer endpoint, cn-northwest-1', async () => {
		const {code, stderr, result} = await setup([], aws.env({AWS_REGION: 'cn-north-1'}));
		expect(code, stderr).toBe(0);
		expect(result.partition).toBe('aws-cn');
		expect(costCalls().map(call => call.region)).toEqual(['cn-northwest-1']);
	});
});

describe('status', () => {
	it('shows the last check, and --check asks anew as the caller, saving what AWS answered', async () => {
		const admin = await createLimitedUser(aws.moto, 'admin', ['*']);
		const env = envWithKeys(aws, admin);
		aws.proxy.fault('GetCostAndUsage', notActivated, 1);
		expect((await setup([], env)).code).toBe(0);
		const saved = await runCli(['status'], {env});
		expect(saved.stdout).toContain('root activation: IAM access to billing is off: Cost Explorer refused assumed-role/BillingAccess/billing-setup-verify');
		expect(saved.stdout).toContain('verified');

		const checked = await runCli(['status', '--check', '--json'], {env});
		expect(checked.code, checked.stderr).toBe(0);
		expect(JSON.parse(checked.stdout).check).toMatchObject({state: 'active', checkedAs: admin.arn});
		expect(readProgress(aws.home).setups[account].activationCheck).toMatchObject({state: 'active', checkedAs: admin.arn});
		const after = await runCli(['status'], {env});
		expect(after.stdout).toContain('root activation: IAM access to billing is on: Cost Explorer answered user/admin');
		expect(costCalls()).toHaveLength(2);
	});

	it('"verified" only when the switch happened', async () => {
		const {code} = await setup(['--require-mfa']);
		expect(code).toBe(0);
		const status = await runCli(['status'], {env: aws.env()});
		expect(status.stdout).toContain('(no switch was tried)');
		expect(status.stdout).not.toContain('verified');
	});
});

describe('diagnose', () => {
	it('Cost Explorer’s "IAM user access not activated" is the root step, stated by AWS, not inferred', async () => {
		const run = await runCli(['diagnose', '--json', 'An error occurred (AccessDeniedException) when calling the GetCostAndUsage operation: IAM user access not activated'], {env: aws.env()});
		expect(run.code, run.stderr).toBe(0);
		const diagnosis = JSON.parse(run.stdout);
		expect(diagnosis).toMatchObject({cause: 'billing-setting', basis: 'stated'});
		expect(diagnosis.why).toContain('Cost Explorer said so');
		expect(diagnosis.next).toContain('Activate IAM Access');
	});
});

describe('accounts', () => {
	it('each account’s setting as Cost Explorer answered there: one member off, one on, one request each, the cost said first', async () => {
		await createOrganization(aws);
		const [off, on] = [await createMemberAccount(aws, 'off'), await createMemberAccount(aws, 'on')];
		aws.proxy.fault('GetCostAndUsage', notActivated, Infinity, {signedBy: new RegExp(`::${off}:assumed-role/`)});
		const run = await runCli(['accounts', '--json'], {env: aws.env()});
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain('Asking Cost Explorer in 3 accounts whether IAM access to billing is on: 3 requests, USD 0.03');
		const entries: Array<{id: string; billingAccess: {check?: {state: string}; note: string}}> = JSON.parse(run.stdout).accounts;
		const state = (id: string) => entries.find(entry => entry.id === id)?.billingAccess.check?.state;
		expect(state(off)).toBe('off');
		expect(state(on)).toBe('active');
		expect(entries.find(entry => entry.id === off)?.billingAccess.note).toContain('“IAM user access not activated”');
		expect(costCalls()).toHaveLength(3);

		const unchecked = await runCli(['accounts', '--json', '--no-check'], {env: aws.env()});
		expect(unchecked.code).toBe(0);
		expect(costCalls()).toHaveLength(3);
		expect(JSON.parse(unchecked.stdout).accounts[1].billingAccess.note).toContain('Cost Explorer was not asked');
	});
});

describe('the wizard, in a real terminal', () => {
	it('the seed’s administrator: confirm → AWS says off → check again → on → Enter ends with Billing open and nothing written to IAM', async () => {
		const admin = await createLimitedUser(aws.moto, 'admin', ['*']);
		aws.proxy.fault('GetCostAndUsage', notActivated, 1);
		const terminal = await startTerminal({env: {...aws.proxy.env, AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, XDG_CONFIG_HOME: aws.home}});
		try {
			await terminal.waitFor(/ask AWS now as you \(one Cost Explorer request, USD 0\.01\)/);
			await terminal.press('Enter');
			// Ink wraps the transcript's lines itself: read them as one text.
			const flat = (screen: string) => screen.replace(/\s+/g, ' ');
			const off = flat(await terminal.waitFor('What now?'));
			expect(off).toContain('Root activation: IAM access to billing is off: Cost Explorer refused user/admin with “IAM user access not activated”');
			await terminal.press('Enter');
			const open = flat(await terminal.waitFor('Anything else?'));
			expect(open).toContain('IAM access to billing is on: Cost Explorer answered user/admin');
			// The line above was taken back and printed anew: the screen never keeps AWS's first answer.
			expect(open).not.toContain('is off');
			await terminal.press('Enter');
			expect(await terminal.waitForExit(30_000)).toBe(0);
			const end = flat(await terminal.screen({history: true, join: true}));
			expect(end).toContain('Nothing was written to AWS.');
			expect(end).toContain('Open Billing as yourself now: https://console.aws.amazon.com/billing/home');
		} finally {
			await terminal.close();
		}
		expect(await aws.roleNames()).toEqual([]);
		const writes = aws.proxy.calls.filter(call => /^(Create|Put|Attach|Tag|Update|Delete)/.test(call.action));
		expect(writes).toEqual([]);
		expect(costCalls()).toHaveLength(2);
	});
});
