/** The words of `billing-setup accounts`: where it refuses, how a live read becomes a role state, what each way of joining says, and the bounded reads. */
import {describe, expect, test} from 'vitest';
import {parseCommand} from '../../source/args.js';
import {defaultSettings} from '../../source/core/settings.js';
import {
	accountEntry,
	accountsRefusal,
	managementFirst,
	roleStateOf,
	unreadable,
	type OrganizationAccount,
} from '../../source/core/account.js';
import {mapConcurrently} from '../../source/core/concurrency.js';

const management = '111111111111';
const account = (id: string, joinedMethod: string, extra: Partial<OrganizationAccount> = {}): OrganizationAccount => ({
	id,
	name: `name-${id}`,
	email: `${id}@example.com`,
	status: 'ACTIVE',
	joinedMethod,
	...extra,
});
const context = {managementAccountId: management, partition: 'aws' as const, accessRole: 'OrganizationAccountAccessRole'};

describe('outside a management account it says where to run it', () => {
	test('standalone: run billing-setup', () => {
		expect(accountsRefusal({kind: 'standalone'}).title).toBe('This account is not in an organization — run billing-setup.');
	});
	test('member: the management account by its id', () => {
		const problem = accountsRefusal({kind: 'member', organizationId: 'o-1', managementAccountId: management});
		expect(problem.title).toBe(`This account is a member of organization o-1: run this in the management account ${management}.`);
		expect(problem.next).toBe(`Run billing-setup accounts with credentials of account ${management}.`);
	});
	test('DescribeOrganization denied: the reason, not a guess', () => {
		const problem = accountsRefusal({kind: 'unknown', reason: 'organizations:DescribeOrganization was denied to you.'});
		expect(problem.title).toBe('billing-setup cannot tell whether this is the management account of an organization.');
		expect(problem.why).toBe('organizations:DescribeOrganization was denied to you.');
	});
});

describe('a live read becomes in place, differs, absent', () => {
	const arn = 'arn:aws:iam::222222222222:role/BillingAccess';
	test('no role: absent', () => {
		expect(roleStateOf({differences: [{summary: 'create the role BillingAccess'}]})).toEqual({kind: 'absent'});
	});
	test('only another setup’s BillingSetupId tag: in place', () => {
		expect(roleStateOf({liveArn: arn, differences: [{summary: 'tag it as this setup’s (BillingSetupId=)', adoption: true}]})).toEqual({kind: 'in-place', arn});
	});
	test('anything else: differs, naming each difference', () => {
		const state = roleStateOf({
			liveArn: arn,
			differences: [{summary: 'detach AdministratorAccess (attached outside billing-setup)'}, {summary: 'tag it as this setup’s', adoption: true}],
		});
		expect(state).toEqual({kind: 'differs', arn, differences: ['detach AdministratorAccess']});
	});
});

describe('cannot tell: which role was tried and what to do', () => {
	const accessRoleArn = 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole';
	const failure = 'sts:AssumeRole failed (AccessDenied: not authorized.)';
	test('an invited account may lack the access role', () => {
		const state = unreadable({kind: 'assume-failed', accessRoleArn, joinedMethod: 'INVITED', failure});
		expect(state).toMatchObject({kind: 'unknown', reason: `Could not assume ${accessRoleArn}: ${failure}`});
		expect(state.kind === 'unknown' && state.next).toMatch(/^Organizations creates that role only in the accounts it creates.*--access-role NAME.*billing-setup --dry-run/);
	});
	test('a created account has it, unless removed: check the caller may assume it', () => {
		const state = unreadable({kind: 'assume-failed', accessRoleArn, joinedMethod: 'CREATED', failure});
		expect(state.kind === 'unknown' && state.next).toMatch(/^Check that your credentials may call sts:AssumeRole on it and that it still exists\. Pass --access-role NAME/);
	});
	test('the root user is never sent to AssumeRole', () => {
		expect(unreadable({kind: 'root-caller', accessRoleArn})).toMatchObject({reason: `The root user cannot assume roles, so billing-setup did not try ${accessRoleArn}.`});
	});
	test('IAM refused the session: the permissions the read needs', () => {
		const state = unreadable({kind: 'read-failed', reader: accessRoleArn, roleName: 'BillingAccess', failure: 'iam:GetRole failed (AccessDenied: no.)'});
		expect(state).toMatchObject({reason: `Reading the role BillingAccess as ${accessRoleArn}: iam:GetRole failed (AccessDenied: no.)`});
		expect(state.kind === 'unknown' && state.next).toContain('iam:GetRole, iam:ListAttachedRolePolicies, iam:ListRolePolicies and iam:GetRolePolicy');
	});
	test('a suspended account is not tried', () => {
		expect(unreadable({kind: 'inactive', status: 'SUSPENDED'})).toMatchObject({reason: 'The account is SUSPENDED, so billing-setup did not try to read it.'});
	});
});

describe('each entry', () => {
	test('the management account comes first whatever AWS’s order', () => {
		const ids = managementFirst([account('333333333333', 'CREATED'), account(management, 'CREATED'), account('222222222222', 'INVITED')], management).map(entry => entry.id);
		expect(ids).toEqual([management, '333333333333', '222222222222']);
	});

	test('created: on by default unless DENY was chosen; the steps sign in with its root email', () => {
		const entry = accountEntry(account('222222222222', 'CREATED'), {role: {kind: 'absent'}}, context);
		expect(entry.management).toBe(false);
		expect(entry.billingAccess.note).toBe(
			'IAM access to billing is on by default (CreateAccount’s IamUserAccessToBilling defaults to ALLOW), unless whoever created it chose DENY. (Cost Explorer was not asked)',
		);
		expect(entry.billingAccess.steps).toEqual([
			'Sign in to account 222222222222 as the root user (222222222222@example.com)',
			'Open https://console.aws.amazon.com/billing/home#/account',
			'At “IAM User and Role Access to Billing Information”, choose Edit',
			'Tick “Activate IAM Access” and choose Update',
		]);
		expect(entry.next).toBe('Run billing-setup in account 222222222222 (for example with a profile that assumes OrganizationAccountAccessRole there), or deploy billing-setup template through a StackSet.');
	});

	test('invited: its root user must check the setting', () => {
		expect(accountEntry(account('222222222222', 'INVITED'), {role: {kind: 'absent'}}, context).billingAccess.note).toBe(
			'It joined by invitation and keeps its own setting: its root user must check the setting. (Cost Explorer was not asked)',
		);
	});

	test('what Cost Explorer answered there wins over the joining rule; an answer that says nothing keeps the rule beside it', () => {
		const at = '2026-12-02T10:00:00.000Z';
		const off = accountEntry(account('222222222222', 'CREATED'), {role: {kind: 'absent'}, check: {state: 'off', checkedAs: 'arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/billing-setup-accounts', at}}, context);
		expect(off.billingAccess.note).toBe(
			'IAM access to billing is off: Cost Explorer refused assumed-role/OrganizationAccountAccessRole/billing-setup-accounts with “IAM user access not activated”.',
		);
		const unknown = accountEntry(account('222222222222', 'INVITED'), {role: {kind: 'absent'}, check: {state: 'unknown', at, reason: {title: 'Cost Explorer is not enabled for this account.', why: '', next: ''}}}, context);
		expect(unknown.billingAccess.note).toBe('IAM access to billing is not known: Cost Explorer is not enabled for this account. It joined by invitation and keeps its own setting: its root user must check the setting.');
	});

	test('the management account: its root must check, and without the role, run billing-setup there', () => {
		const entry = accountEntry(account(management, 'CREATED'), {role: {kind: 'absent'}}, context);
		expect(entry).toMatchObject({management: true, next: 'Run billing-setup here: StackSets never deploy to the management account.'});
		expect(entry.billingAccess.note).toContain('its root user must check the setting');
	});

	test('in place: nothing to do', () => {
		expect(accountEntry(account('222222222222', 'CREATED'), {role: {kind: 'in-place', arn: 'arn'}}, context).next).toBeUndefined();
	});

	test('China: no root user and no root email in the sign-in step', () => {
		const entry = accountEntry(account('222222222222', 'CREATED'), {role: {kind: 'absent'}}, {...context, partition: 'aws-cn'});
		expect(entry.billingAccess.steps[0]).toBe('Sign in to account 222222222222 as an IAM user with administrator permissions');
		expect(entry.billingAccess.steps[1]).toBe('Open https://console.amazonaws.cn/billing/home#/account');
	});
});

describe('reads across accounts', () => {
	test('never more than the limit at once, every result in its item’s place', async () => {
		let running = 0;
		let most = 0;
		const releases: Array<() => void> = [];
		const work = mapConcurrently([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, async item => {
			running++;
			most = Math.max(most, running);
			await new Promise<void>(resolve => releases.push(resolve));
			running--;
			return item * 10;
		});
		// Release one waiting task at a time, last started first, until all nine have run.
		for (let released = 0; released < 9; released++) {
			await new Promise(resolve => setImmediate(resolve));
			expect(running).toBeLessThanOrEqual(4);
			releases.pop()!();
		}
		expect(await work).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
		expect(most).toBe(4);
	});
});

describe('arguments', () => {
	test('defaults: BillingAccess through OrganizationAccountAccessRole', () => {
		expect(parseCommand(['accounts'])).toEqual({kind: 'accounts', options: {json: false, settings: defaultSettings, accessRole: 'OrganizationAccountAccessRole', check: true}});
		expect(parseCommand(['accounts', '--no-check'])).toMatchObject({options: {check: false}});
	});
	test('the role flags describe the role to look for; --access-role, --json, --profile', () => {
		expect(parseCommand(['accounts', '--role-name', 'Finance', '--access', 'read-only', '--access-role', 'Auditor', '--json', '--profile', 'org'])).toEqual({
			kind: 'accounts',
			options: {profile: 'org', json: true, settings: {...defaultSettings, roleName: 'Finance', access: 'read-only'}, accessRole: 'Auditor', check: true},
		});
	});
	test('a bad --access-role, or a setup flag, is a usage error', () => {
		expect(() => parseCommand(['accounts', '--access-role', 'a/b'])).toThrow(/--access-role: “\/” is not allowed in a role name/);
		expect(() => parseCommand(['accounts', '--yes'])).toThrow(/--yes does not apply to “accounts”/);
		expect(() => parseCommand(['--access-role', 'X'])).toThrow(/--access-role does not apply to “setup”/);
	});
});
