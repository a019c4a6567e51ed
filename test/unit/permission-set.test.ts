import {describe, expect, test} from 'vitest';
import {buildPermissionSetPlan, isoDuration, ssoHandOff} from '../../source/core/identity-center.js';
import {defaultSettings, type RoleSettings} from '../../source/core/settings.js';
import {mayChange} from '../../source/reconcile/role-resources.js';
import {
	checkPermissionSetUndo,
	convergePermissionSet,
	inspectPermissionSet,
	permissionSetCommands,
	undoPermissionSet,
	type Polling,
} from '../../source/reconcile/permission-set-resources.js';
import {memorySso, thisAccount, type MemorySso} from '../support/memory-sso.js';
import {recording} from '../support/recording.js';

const billing = 'arn:aws:iam::aws:policy/job-function/Billing';
const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
const settings: RoleSettings = {...defaultSettings, via: 'identity-center', assignees: [{type: 'GROUP', name: 'Finance'}]};
const plan = buildPermissionSetPlan('123456789012', 'aws', settings, {setupId: 'mine'});
const polling: Polling = {polls: 3, pauseMs: 0};

async function converge(sso: MemorySso, record = recording(), adopt = false, of = plan) {
	const planned = {...of, setupId: record.setupId, tags: [of.tags[0]!, {Key: 'BillingSetupId', Value: record.setupId}]};
	const before = record.changes.length;
	const {inspection} = await inspectPermissionSet(sso, planned, record, {polling});
	const outcome = await convergePermissionSet(sso, planned, record, {reviewed: inspection, adopt, write: record.write, polling});
	return {outcome, writes: record.actions().slice(before), inspection};
}

function withFinance(): MemorySso {
	const sso = memorySso();
	sso.addPrincipal({type: 'GROUP', name: 'Finance'});
	return sso;
}

const only = (sso: MemorySso) => [...sso.permissionSets.values()][0]!;

describe('the plan', () => {
	test('the session length as ISO-8601, and the add-on and the guard as one inline document', () => {
		expect([isoDuration(3600), isoDuration(5400), isoDuration(43_200)]).toEqual(['PT1H', 'PT1H30M', 'PT12H']);
		expect(plan.inlinePolicy?.Statement.map(statement => [statement.Sid, statement.Effect])).toEqual([
			['BillingSetupCostExplorerRead', 'Allow'],
			['BillingSetupGuard', 'Deny'],
		]);
		const readOnly = buildPermissionSetPlan('123456789012', 'aws', {...settings, access: 'read-only', costExplorer: false}, {setupId: 'mine'});
		expect(readOnly.inlinePolicy).toBeUndefined();
	});

	test('the hand-off names the portal of the identity store and the permission set as the SSO role', () => {
		const {accessPortalUrl, profileBlock} = ssoHandOff(plan, {identityStoreId: 'd-1234567890', region: 'eu-west-1'});
		expect(accessPortalUrl).toBe('https://d-1234567890.awsapps.com/start');
		expect(profileBlock).toContain('sso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access');
		expect(profileBlock).toContain('[profile billingaccess-123456789012]\nsso_session = billing-setup\nsso_account_id = 123456789012\nsso_role_name = BillingAccess');
	});
});

describe('converge', () => {
	test('makes the permission set, its guard before its grant, then assigns it; a second pass writes nothing', async () => {
		const sso = withFinance();
		const record = recording();
		const first = await converge(sso, record);
		expect(first.outcome).toEqual({kind: 'converged'});
		// A new assignment provisions the set itself: no ProvisionPermissionSet on a first setup.
		expect(first.writes).toEqual(['sso:CreatePermissionSet', 'sso:PutInlinePolicyToPermissionSet', 'sso:AttachManagedPolicyToPermissionSet', 'sso:CreateAccountAssignment']);
		expect(only(sso)).toMatchObject({name: 'BillingAccess', sessionDuration: 'PT1H', managedPolicies: [billing], tags: {ManagedBy: 'billing-setup', BillingSetupId: 'mine'}});
		expect(sso.assignmentsOf(only(sso).arn)).toEqual([{principalType: 'GROUP', principalId: 'group-1'}]);
		sso.calls.length = 0;
		const second = await converge(sso, record);
		expect(second.writes).toEqual([]);
		expect(second.inspection).toMatchObject({ownership: 'ours', differences: []});
	});

	test('a managed policy attached outside is drift beyond the plan: detached, and the change provisioned to the account', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record);
		only(sso).managedPolicies.push(admin);
		const {writes, inspection} = await converge(sso, record);
		expect(inspection.differences).toEqual([
			expect.objectContaining({summary: 'detach AdministratorAccess (attached outside billing-setup)', kind: 'remove', widening: true, foreign: true}),
		]);
		expect(writes).toEqual(['sso:DetachManagedPolicyFromPermissionSet', 'sso:ProvisionPermissionSet']);
		expect(only(sso).managedPolicies).toEqual([billing]);
	});

	test('a longer session, edited inline content and another assignee are each named, and undone', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record);
		Object.assign(only(sso), {sessionDuration: 'PT12H', inlinePolicy: {Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]}});
		sso.assignmentsOf(only(sso).arn).push({principalType: 'USER', principalId: 'mallory'});
		const {inspection} = await converge(sso, record);
		expect(inspection.differences.map(({summary, widening}) => ({summary, widening}))).toEqual([
			{summary: 'change the session duration: PT12H → PT1H', widening: true},
			{summary: 'rewrite the inline policy: it was edited outside billing-setup', widening: true},
			{summary: 'unassign user mallory (no longer in the identity store) in this account (assigned outside billing-setup)', widening: true},
		]);
		expect((await inspectPermissionSet(sso, plan, record, {polling})).inspection.differences).toEqual([]);
	});

	test('a permission set of that name not tagged by billing-setup is never touched', async () => {
		const sso = withFinance();
		await sso.createPermissionSet('instance', {name: 'BillingAccess', description: 'theirs', sessionDuration: 'PT1H', tags: []});
		const {outcome, writes} = await converge(sso, recording(), true);
		expect(outcome).toMatchObject({kind: 'refused', inspection: {ownership: 'foreign'}});
		expect(writes).toEqual([]);
	});

	test('one made by billing-setup elsewhere is adopted only while billing-shaped, and only with consent when it would change', async () => {
		const sso = withFinance();
		await converge(sso, recording('theirs'));
		only(sso).sessionDuration = 'PT2H';
		const {inspection} = await inspectPermissionSet(sso, plan, recording(), {polling});
		expect(inspection).toMatchObject({ownership: 'elsewhere', billingShaped: true});
		expect([mayChange(inspection, false), mayChange(inspection, true)]).toEqual([false, true]);
		only(sso).customerManagedPolicies.push('/Wide');
		expect((await inspectPermissionSet(sso, plan, recording(), {polling})).inspection.billingShaped).toBe(false);
	});

	test('an assignee the identity store does not have stops the read, naming it', async () => {
		await expect(inspectPermissionSet(memorySso(), plan, recording(), {polling})).rejects.toMatchObject({
			problem: {title: 'The identity store d-0000000000 has no group named Finance.'},
		});
	});

	test('a region without an Identity Center instance says where to look', async () => {
		await expect(inspectPermissionSet(memorySso({hasInstance: false}), plan, recording(), {polling})).rejects.toMatchObject({
			problem: {title: 'IAM Identity Center has no instance in us-east-1 for this account.'},
		});
	});
});

describe('waiting for Identity Center', () => {
	test('polls an assignment until it succeeds, within the count', async () => {
		const sso = withFinance();
		sso.pending = {polls: 3, outcome: 'SUCCEEDED'};
		expect((await converge(sso)).outcome).toEqual({kind: 'converged'});
		expect(sso.calls.filter(call => call === 'requestStatus')).toHaveLength(3);
	});

	test('a request still running after the last poll fails in words, and the assignment stays recorded for undo', async () => {
		const sso = withFinance();
		sso.pending = {polls: 5, outcome: 'SUCCEEDED'};
		const record = recording();
		await expect(converge(sso, record)).rejects.toMatchObject({problem: {title: 'Identity Center did not finish assign BillingAccess to group:Finance in this account after 3 checks.'}});
		expect(record.actions()).toContain('sso:CreateAccountAssignment');
	});

	test('a failed request gives Identity Center’s reason', async () => {
		const sso = withFinance();
		sso.pending = {polls: 1, outcome: 'FAILED'};
		await expect(converge(sso)).rejects.toMatchObject({problem: {why: 'the account is suspended'}});
	});
});

describe('undo', () => {
	test('removes the assignments, the policies and the permission set, recording each', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record);
		const check = await checkPermissionSetUndo(sso, plan, only(sso).arn, record, polling);
		expect(check).toMatchObject({ownership: 'ours', foreignGrants: []});
		await undoPermissionSet(check, record.write);
		expect(sso.permissionSets.size).toBe(0);
		const [unassign, ...rest] = record.actions().slice(-4);
		// The two policies go together, once no one holds the permission set; the permission set last.
		expect([unassign, rest.pop(), rest.sort()]).toEqual([
			'sso:DeleteAccountAssignment',
			'sso:DeletePermissionSet',
			['sso:DeleteInlinePolicyFromPermissionSet', 'sso:DetachManagedPolicyFromPermissionSet'],
		]);
	});

	test('names what was added outside billing-setup', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record);
		only(sso).managedPolicies.push(admin);
		sso.assignmentsOf(only(sso).arn).push({principalType: 'USER', principalId: 'mallory'});
		const check = await checkPermissionSetUndo(sso, plan, only(sso).arn, record, polling);
		expect(check.foreignGrants).toEqual(['AdministratorAccess on BillingAccess', 'the assignment of BillingAccess to user mallory in this account']);
	});
});

describe('in several accounts (--accounts)', () => {
	const member = '111111111111';
	const other = '222222222222';
	const inThree = buildPermissionSetPlan(thisAccount, 'aws', {...settings, accounts: {kind: 'listed', ids: [thisAccount, member, other]}}, {setupId: 'mine'});
	const inTwo = {...inThree, accountIds: [thisAccount, member]};
	const withAlice = () => {
		const sso = withFinance();
		sso.addPrincipal({type: 'USER', name: 'alice'});
		return sso;
	};
	const toBoth = {...inThree, assignees: [...settings.assignees, {type: 'USER' as const, name: 'alice'}]};
	const people = (sso: MemorySso, accountId: string) => sso.assignmentsOf(only(sso).arn, accountId).map(assignment => assignment.principalId);

	test('assigns each assignee in each listed account, one request each; a second pass writes nothing', async () => {
		const sso = withAlice();
		const record = recording();
		const {writes} = await converge(sso, record, false, toBoth);
		expect(writes.filter(action => action === 'sso:CreateAccountAssignment')).toHaveLength(6);
		for (const accountId of [thisAccount, member, other]) expect(people(sso, accountId)).toEqual(['group-1', 'user-2']);
		expect(record.changes.filter(change => change.action === 'sso:CreateAccountAssignment').map(change => change.target)).toContain(`${member}/USER:user-2`);
		const again = await converge(sso, record, false, toBoth);
		expect(again.writes).toEqual([]);
		expect(again.inspection).toMatchObject({differences: [], accountIds: [thisAccount, member, other]});
	});

	test('an assignment made outside billing-setup in a listed account is beyond the plan and removed; an account not listed is not read', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record, false, inTwo);
		sso.assignmentsOf(only(sso).arn, member).push({principalType: 'USER', principalId: 'mallory'});
		sso.assignmentsOf(only(sso).arn, other).push({principalType: 'USER', principalId: 'trent'});
		sso.calls.length = 0;
		const {inspection, writes} = await converge(sso, record, false, inTwo);
		expect(inspection.differences).toEqual([
			expect.objectContaining({summary: `unassign user mallory (no longer in the identity store) in account ${member} (assigned outside billing-setup)`, kind: 'remove', widening: true, foreign: true}),
		]);
		expect(writes).toEqual(['sso:DeleteAccountAssignment']);
		expect(people(sso, member)).toEqual(['group-1']);
		expect(people(sso, other)).toEqual(['trent']);
	});

	test('an account dropped from the list loses only what this record assigned there', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record, false, inThree);
		sso.assignmentsOf(only(sso).arn, other).push({principalType: 'USER', principalId: 'trent'});
		const {inspection, writes} = await converge(sso, record, false, inTwo);
		expect(inspection.differences).toEqual([
			expect.objectContaining({summary: `unassign group:Finance in account ${other} (--accounts no longer lists it)`, widening: true, foreign: false}),
		]);
		expect(writes).toEqual(['sso:DeleteAccountAssignment']);
		expect(people(sso, other)).toEqual(['trent']);
		expect((await converge(sso, record, false, inTwo)).writes).toEqual([]);
	});

	test('a changed definition is provisioned again to each listed account that held it, each polled by count', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record, false, inThree);
		only(sso).managedPolicies.push(admin);
		sso.pending = {polls: 2, outcome: 'SUCCEEDED'};
		sso.calls.length = 0;
		const {writes} = await converge(sso, record, false, inThree);
		expect(writes).toEqual(['sso:DetachManagedPolicyFromPermissionSet', ...Array(3).fill('sso:ProvisionPermissionSet')]);
		expect(sso.calls.filter(call => call.startsWith('provision'))).toEqual([`provision ${thisAccount}`, `provision ${member}`, `provision ${other}`]);
		expect(sso.calls.filter(call => call === 'requestStatus')).toHaveLength(6);
	});

	test('undo removes every assignment this record made, in every account the record names, listed or not', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record, false, inThree);
		const {arn} = only(sso);
		// As undo plans --accounts all: no list of the organization is read, the record says where to look.
		const check = await checkPermissionSetUndo(sso, {...inThree, accounts: {kind: 'all'}, accountIds: []}, arn, record, polling);
		expect(check.foreignGrants).toEqual([]);
		await undoPermissionSet(check, record.write);
		expect(sso.permissionSets.size).toBe(0);
		for (const accountId of [thisAccount, member, other]) expect(sso.assignmentsOf(arn, accountId)).toEqual([]);
		expect(record.changes.filter(change => change.action === 'sso:DeleteAccountAssignment').map(change => change.target)).toEqual([
			`${thisAccount}/GROUP:group-1`,
			`${member}/GROUP:group-1`,
			`${other}/GROUP:group-1`,
		]);
	});

	test('an assignment made outside billing-setup in a listed account stops undo, named with its account', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record, false, inTwo);
		sso.assignmentsOf(only(sso).arn, member).push({principalType: 'USER', principalId: 'mallory'});
		const check = await checkPermissionSetUndo(sso, inTwo, only(sso).arn, record, polling);
		expect(check.foreignGrants).toEqual([`the assignment of BillingAccess to user mallory in account ${member}`]);
	});

	test('a record from before --accounts names assignments without their account: they count as made in this account', async () => {
		const sso = withFinance();
		const record = recording();
		await converge(sso, record, false, inTwo);
		for (const change of record.changes) if (change.target.startsWith(`${thisAccount}/`)) change.target = change.target.slice(thisAccount.length + 1);
		const check = await checkPermissionSetUndo(sso, inTwo, only(sso).arn, record, polling);
		expect(check.foreignGrants).toEqual([]);
	});

	test('the commands assign each assignee and provision in each account', () => {
		const commands = permissionSetCommands(inTwo).join('\n');
		for (const accountId of [thisAccount, member]) expect(commands.match(new RegExp(`--target-type AWS_ACCOUNT --target-id ${accountId}`, 'g'))).toHaveLength(2);
		expect(commands.match(/create-account-assignment/g)).toHaveLength(2);
		expect(commands.match(/provision-permission-set/g)).toHaveLength(2);
		expect(commands.match(/get-group-id/g)).toHaveLength(1);
	});

	test('an account id a shell would run is one quoted word, never a command', () => {
		const commands = permissionSetCommands({...inTwo, accountIds: ['111111111111 $(touch pwned)']}).join('\n');
		expect(commands.match(/--target-id '111111111111 \$\(touch pwned\)'/g)).toHaveLength(2);
		expect(commands).not.toMatch(/--target-id 111111111111 \$/);
	});

	test('a value with a line break is refused, never printed into the sso profile', () => {
		expect(() => ssoHandOff(inTwo, {identityStoreId: 'd-1234567890', region: 'us-east-1\n[profile default]\ncredential_process = sh'})).toThrow(
			/will not print the ~\/\.aws\/config profile: its sso_region holds a line break/,
		);
	});

	test('the hand-off has one profile per account under one sso-session', () => {
		const {profileBlock, profileName} = ssoHandOff(inTwo, {identityStoreId: 'd-1234567890', region: 'us-east-1'});
		expect(profileBlock.match(/\[sso-session /g)).toHaveLength(1);
		expect(profileBlock).toContain(`[profile billingaccess-${member}]\nsso_session = billing-setup\nsso_account_id = ${member}\nsso_role_name = BillingAccess`);
		expect(profileName).toBe(`billingaccess-${thisAccount}`);
	});
});
