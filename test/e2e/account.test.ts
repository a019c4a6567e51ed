/**
 * What the wizard reads right after identity: where the account sits in AWS Organizations, and what the caller's
 * own policies allow of billing. Against moto, which serves Organizations (member credentials through AssumeRole
 * into OrganizationAccountAccessRole) but not SimulatePrincipalPolicy: that answer comes from the fault proxy.
 */
import {AttachGroupPolicyCommand, AddUserToGroupCommand, CreateGroupCommand, PutUserPolicyCommand} from '@aws-sdk/client-iam';
import {describe, expect, it} from 'vitest';
import {billingActions} from '../../source/core/account.js';
import {account, useAwsFixture} from '../support/aws.js';
import {runCli} from '../support/cli.js';
import {createLimitedUser, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY} from '../support/moto.js';
import {assumeAccessRole, createMemberAccount, createOrganization, envWithKeys, useOrganizationCleanup, type SessionKeys} from '../support/organizations.js';

const aws = useAwsFixture();
useOrganizationCleanup(aws);

async function setup(keys: SessionKeys, args: string[] = []) {
	const run = await runCli(['--yes', '--json', '--no-cost-check', ...args], {env: envWithKeys(aws, keys)});
	expect(run.code, run.stderr).toBe(0);
	return {...run, result: JSON.parse(run.stdout)};
}

describe('what the caller needs', () => {
	it('an administrator is told the root step alone opens Billing to them, and the role is for others', async () => {
		const user = await createLimitedUser(aws.moto, 'admin', ['*']);
		const {stderr, result} = await setup(user);
		expect(result.callerAccess).toMatchObject({method: 'policies', checked: [...billingActions, 'sts:AssumeRole'], allowed: [...billingActions, 'sts:AssumeRole'], denied: []});
		expect(stderr).toContain('Your own policies already allow billing');
		expect(stderr).toContain('after the root step you can open Billing yourself, and the role is for giving others billing-only access.');
	});

	it('a user whose policies grant no billing is told the role is how they get it', async () => {
		const user = await createLimitedUser(aws.moto, 'builder', ['iam:*', 'sts:*']);
		const {stderr, result} = await setup(user);
		expect(result.callerAccess).toMatchObject({method: 'policies', allowed: ['sts:AssumeRole'], denied: []});
		expect(stderr).toContain('Your own policies do not allow billing:GetBillingData, ce:GetCostAndUsage, ce:DescribeReport: you get billing by switching to this role.');
		expect(stderr).not.toContain('do not allow sts:AssumeRole');
	});

	it('a user whose policies do not let them switch is told so, not that the role will work for them', async () => {
		const user = await createLimitedUser(aws.moto, 'reader', ['iam:*']);
		const {stderr} = await setup(user);
		expect(stderr).toContain('Your policies do not allow sts:AssumeRole either: add it for the role, or switching will be refused.');
	});

	it('group policies count, and an explicit Deny in the user’s own policy wins over them', async () => {
		const user = await createLimitedUser(aws.moto, 'analyst', ['sts:*']);
		await aws.iam.send(new CreateGroupCommand({GroupName: 'Admins'}));
		await aws.iam.send(new AttachGroupPolicyCommand({GroupName: 'Admins', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'}));
		await aws.iam.send(new AddUserToGroupCommand({GroupName: 'Admins', UserName: 'analyst'}));
		const deny = {Version: '2012-10-17', Statement: [{Effect: 'Deny', Action: 'ce:*', Resource: '*'}]};
		await aws.iam.send(new PutUserPolicyCommand({UserName: 'analyst', PolicyName: 'no-ce', PolicyDocument: JSON.stringify(deny)}));
		const {stderr, result} = await setup(user);
		expect(result.callerAccess).toMatchObject({method: 'policies', allowed: ['billing:GetBillingData', 'sts:AssumeRole'], denied: ['ce:GetCostAndUsage', 'ce:DescribeReport']});
		expect(stderr).toContain('Your own policies deny ce:GetCostAndUsage, ce:DescribeReport');
	});

	it('where IAM’s policy simulator answers, its decisions are taken and no policy is read', async () => {
		const user = await createLimitedUser(aws.moto, 'admin', ['*']);
		const member = (action: string, decision: string) =>
			`<member><EvalActionName>${action}</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>${decision}</EvalDecision></member>`;
		aws.proxy.fault('SimulatePrincipalPolicy', {
			kind: 'answer',
			body: [
				'<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>',
				member('billing:GetBillingData', 'allowed'),
				member('ce:GetCostAndUsage', 'allowed'),
				// A permissions boundary or a condition the simulator weighs, which reading policies cannot.
				member('ce:DescribeReport', 'implicitDeny'),
				'</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>',
			].join(''),
		});
		const {stderr, result} = await setup(user);
		expect(result.callerAccess).toEqual({method: 'simulated', checked: [...billingActions, 'sts:AssumeRole'], allowed: ['billing:GetBillingData', 'ce:GetCostAndUsage'], denied: []});
		expect(stderr).toContain('Your own policies do not allow ce:DescribeReport: you get billing by switching to this role.');
		expect(aws.proxy.calls.map(call => call.action)).not.toContain('ListAttachedUserPolicies');
	});
});

describe('where the account sits', () => {
	it('standalone: the role sees this account’s bills', async () => {
		const {stderr, result} = await setup({accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY});
		expect(result.organization).toEqual({kind: 'standalone'});
		expect(stderr).toContain('Not in an AWS Organization: the role will see this account’s bills and costs.');
	});

	it('management account: the role sees the consolidated bill', async () => {
		const organization = await createOrganization(aws);
		const {stderr, result} = await setup({accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY});
		expect(result.organization).toEqual({kind: 'management', organizationId: organization.Id});
		expect(stderr).toContain(`Management account of organization ${organization.Id}: the role will see the consolidated bill of every member account.`);
	});

	it('member account: this account’s costs only, and what the management account must enable', async () => {
		const organization = await createOrganization(aws);
		const memberId = await createMemberAccount(aws, 'member');
		const {stderr, result} = await setup(await assumeAccessRole(aws, memberId));
		expect(result.account).toBe(memberId);
		expect(result.organization).toEqual({kind: 'member', organizationId: organization.Id, managementAccountId: account});
		expect(stderr).toContain(`Member of organization ${organization.Id} (management account ${account}): the role will see this account’s costs only`);
		expect(stderr).toContain('Linked account access');
		expect(stderr).toContain('Accounts created through Organizations have IAM access to billing on by default; invited accounts keep their own setting.');
	});

	it('DescribeOrganization denied: unknown, and it says so instead of guessing', async () => {
		aws.proxy.fault('DescribeOrganization', {kind: 'error', status: 400, code: 'AccessDeniedException', message: 'You don’t have permissions to access this resource.'});
		const {stderr, result} = await setup({accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY});
		expect(result.organization.kind).toBe('unknown');
		expect(stderr).toContain('organizations:DescribeOrganization was denied to you, so billing-setup cannot tell whether this account belongs to an AWS Organization.');
	});
});
