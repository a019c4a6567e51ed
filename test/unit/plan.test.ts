import {execFileSync} from 'node:child_process';
import {describe, expect, test} from 'vitest';
import {accountSettingsUrl} from '../../source/core/partition.js';
import {buildPlan as buildPlanWith, costExplorerPolicyName, roleLocation, switchRoleUrl, trustPolicy} from '../../source/core/plan.js';
import {decideAction, policyAllows} from '../../source/core/policy.js';
import {defaultSettings, managedPolicyArn, type RoleSettings} from '../../source/core/settings.js';
import {classifyCaller, type Partition} from '../../source/core/principal.js';
import {cliCommands} from '../../source/reconcile/role-resources.js';

const account = '123456789012';
const setupId = '0b5c2a4e-7d1f-4e8a-9c3b-2f6d8e1a5b7c';
const buildPlan = (accountId: string, partition: Partition, settings: RoleSettings) => buildPlanWith(accountId, partition, settings, {setupId});

describe('trustPolicy', () => {
	test('by default trusts this account, which defers to each identity’s own permissions', () => {
		expect(trustPolicy(account, 'aws', defaultSettings)).toEqual({
			Version: '2012-10-17',
			Statement: [{Effect: 'Allow', Principal: {AWS: 'arn:aws:iam::123456789012:root'}, Action: 'sts:AssumeRole'}],
		});
	});

	test('chosen principals replace the account, and MFA adds the condition', () => {
		const arns = ['arn:aws:iam::123456789012:user/alice', 'arn:aws:iam::123456789012:role/Ops'];
		const policy = trustPolicy(account, 'aws', {...defaultSettings, trust: {kind: 'principals', arns}, requireMfa: true});
		expect(policy.Statement[0]).toEqual({
			Effect: 'Allow',
			Principal: {AWS: arns},
			Action: 'sts:AssumeRole',
			Condition: {Bool: {'aws:MultiFactorAuthPresent': 'true'}},
		});
	});

	test('never names a wildcard or another account unless given one', () => {
		for (const partition of ['aws', 'aws-cn', 'aws-us-gov'] as const) {
			const text = JSON.stringify(trustPolicy(account, partition, defaultSettings));
			expect(text).not.toContain('*');
			expect(text.match(/\d{12}/g)).toEqual([account]);
		}
	});
});

describe('links', () => {
	test('switch-role URL per partition, with the role and a display name', () => {
		expect(switchRoleUrl(account, 'aws', 'BillingAccess')).toBe(
			'https://signin.aws.amazon.com/switchrole?account=123456789012&roleName=BillingAccess&displayName=BillingAccess+%40+123456789012',
		);
		expect(switchRoleUrl(account, 'aws-us-gov', 'B')).toMatch(/^https:\/\/signin\.amazonaws-us-gov\.com\/switchrole\?/);
		expect(switchRoleUrl(account, 'aws-cn', 'B')).toMatch(/^https:\/\/signin\.amazonaws\.cn\/switchrole\?/);
	});

	test('account settings page per partition', () => {
		expect(accountSettingsUrl('aws')).toBe('https://console.aws.amazon.com/billing/home#/account');
		expect(accountSettingsUrl('aws-cn')).toContain('console.amazonaws.cn');
	});
});

describe('buildPlan', () => {
	test('full access with the add-on: Billing, the inline policy and three CLI commands', () => {
		const plan = buildPlan(account, 'aws', defaultSettings);
		expect(plan.roleArn).toBe('arn:aws:iam::123456789012:role/BillingAccess');
		expect(plan.managedPolicyArn).toBe('arn:aws:iam::aws:policy/job-function/Billing');
		expect(plan.inlinePolicies[costExplorerPolicyName]?.Statement[0]).toMatchObject({Action: ['ce:Describe*', 'ce:Get*', 'ce:List*']});
		expect(plan.tags).toEqual([{Key: 'ManagedBy', Value: 'billing-setup'}, {Key: 'BillingSetupId', Value: setupId}]);
		// Create, attach, the add-on and the guard.
		expect(cliCommands(plan)).toHaveLength(4);
		expect(plan.inlinePolicies.BillingSetupGuard?.Statement).toEqual([{Effect: 'Deny', Action: 'billing:UpdateIAMAccessPreference', Resource: '*'}]);
		expect(cliCommands({...plan, inlinePolicies: {}})).toHaveLength(2);
		expect(cliCommands(plan)[0]).toContain('--role-name BillingAccess \\\n');
		expect(plan.profileBlock).toContain('role_arn = arn:aws:iam::123456789012:role/BillingAccess');
	});

	test('the guard goes with full access unless turned off; read-only grants nothing it would deny', () => {
		expect(Object.keys(buildPlan(account, 'aws', {...defaultSettings, guard: false}).inlinePolicies)).toEqual([costExplorerPolicyName]);
		expect(Object.keys(buildPlan(account, 'aws', {...defaultSettings, access: 'read-only'}).inlinePolicies)).toEqual([costExplorerPolicyName]);
	});

	test('read-only without the add-on: AWSBillingReadOnlyAccess and no inline policy', () => {
		const plan = buildPlan(account, 'aws-cn', {...defaultSettings, access: 'read-only', costExplorer: false});
		expect(plan.managedPolicyArn).toBe('arn:aws-cn:iam::aws:policy/AWSBillingReadOnlyAccess');
		expect(plan.inlinePolicies).toEqual({});
		expect(cliCommands(plan)).toHaveLength(2);
	});

	test('a role under a path has the path in its ARN, its switch-role URL and its profile', () => {
		const plan = buildPlan(account, 'aws', {...defaultSettings, path: '/team/finance/'});
		expect(plan.roleArn).toBe('arn:aws:iam::123456789012:role/team/finance/BillingAccess');
		expect(new URL(plan.switchRoleUrl).searchParams.get('roleName')).toBe('team/finance/BillingAccess');
		expect(plan.profileBlock).toContain('role_arn = arn:aws:iam::123456789012:role/team/finance/BillingAccess');
		expect(roleLocation(plan.roleArn)).toEqual({path: '/team/finance/', roleName: 'BillingAccess'});
		expect(roleLocation('arn:aws:iam::123456789012:role/Plain')).toEqual({path: '/', roleName: 'Plain'});
		expect(cliCommands(plan)[0]).toContain('--path /team/finance/ \\\n');
	});

	test('the profile block is the one core/handoff.ts writes, named after the role and account', () => {
		const plan = buildPlanWith(account, 'aws-us-gov', {...defaultSettings, requireMfa: true}, {
			setupId,
			caller: {...classifyCaller(`arn:aws-us-gov:iam::${account}:user/alice`, account), signIn: {source: {kind: 'profile', name: 'admin'}, region: 'us-gov-east-1'}},
			mfaSerial: `arn:aws-us-gov:iam::${account}:mfa/alice`,
		});
		expect(plan.profileName).toBe('billingaccess-123456789012');
		expect(plan.profileBlock).toBe(
			[
				'[profile billingaccess-123456789012]',
				'role_arn = arn:aws-us-gov:iam::123456789012:role/BillingAccess',
				'source_profile = admin',
				'region = us-gov-east-1',
				'mfa_serial = arn:aws-us-gov:iam::123456789012:mfa/alice',
			].join('\n'),
		);
	});

	test('CLI commands quote names so a shell cannot split them', () => {
		const plan = buildPlan(account, 'aws', {...defaultSettings, roleName: "a'b"});
		expect(cliCommands(plan)[1]).toContain(`--role-name 'a'\\''b'`);
	});
});

describe('decideAction', () => {
	const statement = (Effect: string, fields: Record<string, unknown>) => ({Version: '2012-10-17', Statement: [{Effect, Resource: '*', ...fields}]});

	test('an explicit Deny in any policy wins over an Allow in another', () => {
		const documents = [statement('Allow', {Action: '*'}), statement('Deny', {Action: 'ce:*'})];
		expect(decideAction(documents, 'ce:GetCostAndUsage')).toEqual({decision: 'denied', conditional: false});
		expect(decideAction(documents, 'billing:GetBillingData')).toEqual({decision: 'allowed', conditional: false});
	});

	test('NotAction allows everything but what it names', () => {
		const documents = [statement('Allow', {NotAction: ['iam:*', 'billing:*']})];
		expect(decideAction(documents, 'ce:GetCostAndUsage').decision).toBe('allowed');
		expect(decideAction(documents, 'billing:GetBillingData').decision).toBe('not-allowed');
	});

	test('a statement with a condition decides nothing but is reported', () => {
		const documents = [statement('Allow', {Action: 'ce:*', Condition: {Bool: {'aws:MultiFactorAuthPresent': 'true'}}})];
		expect(decideAction(documents, 'ce:GetCostAndUsage')).toEqual({decision: 'not-allowed', conditional: true});
		expect(decideAction([], 'ce:GetCostAndUsage')).toEqual({decision: 'not-allowed', conditional: false});
	});
});

describe('policyAllows', () => {
	const policy = (Action: unknown, Effect = 'Allow') => ({Version: '2012-10-17', Statement: [{Effect, Action, Resource: '*'}]});

	test('matches exact actions and wildcards, case-insensitively', () => {
		expect(policyAllows(policy('ce:DescribeReport'), 'ce:DescribeReport')).toBe(true);
		expect(policyAllows(policy(['aws-portal:*', 'ce:Describe*']), 'ce:DescribeReport')).toBe(true);
		expect(policyAllows(policy('CE:*'), 'ce:DescribeReport')).toBe(true);
		expect(policyAllows(policy('*'), 'ce:DescribeReport')).toBe(true);
	});

	test('does not match other actions, Deny statements or missing documents', () => {
		expect(policyAllows(policy(['ce:Get*', 'ce:List*']), 'ce:DescribeReport')).toBe(false);
		expect(policyAllows(policy('ce:*', 'Deny'), 'ce:DescribeReport')).toBe(false);
		expect(policyAllows(undefined, 'ce:DescribeReport')).toBe(false);
		expect(policyAllows(policy('ce:Describe.'), 'ce:DescribeReport')).toBe(false);
	});

	test('managed policy ARNs', () => {
		expect(managedPolicyArn('full', 'aws-us-gov')).toBe('arn:aws-us-gov:iam::aws:policy/job-function/Billing');
	});
});

describe('the AWS CLI commands', () => {
	/** Runs a command through bash with `aws` standing for a program that prints its arguments. */
	function argumentsBashPasses(command: string): string[] {
		const printArgs = `aws() { node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "$@"; }`;
		return JSON.parse(execFileSync('bash', ['-c', `${printArgs}\n${command}`], {encoding: 'utf8'}));
	}

	test('paste into a shell as one command each, with the policies intact', () => {
		const plan = buildPlan(account, 'aws', {...defaultSettings, roleName: "Bill'ing"});
		// Inline policies (the add-on, the guard) go on before the managed grant.
		const [create, put, , attach] = cliCommands({...plan, permissionsBoundary: 'arn:aws:iam::123456789012:policy/Boundary'}).map(argumentsBashPasses);
		expect(create!.slice(0, 4)).toEqual(['iam', 'create-role', '--role-name', "Bill'ing"]);
		expect(JSON.parse(create![create!.indexOf('--assume-role-policy-document') + 1]!)).toEqual(plan.trustPolicy);
		expect(create).toContain('Key=ManagedBy,Value=billing-setup');
		expect(create).toContain(`Key=BillingSetupId,Value=${setupId}`);
		expect(create![create!.indexOf('--permissions-boundary') + 1]).toBe('arn:aws:iam::123456789012:policy/Boundary');
		expect(attach).toEqual(['iam', 'attach-role-policy', '--role-name', "Bill'ing", '--policy-arn', plan.managedPolicyArn]);
		expect(JSON.parse(put![put!.indexOf('--policy-document') + 1]!)).toEqual(plan.inlinePolicies[costExplorerPolicyName]);
	});

	test('no line is wider than 80 columns for a default role', () => {
		const lines = cliCommands(buildPlan(account, 'aws', defaultSettings)).flatMap(command => command.split('\n'));
		expect(Math.max(...lines.map(line => line.length))).toBeLessThanOrEqual(80);
	});
});

describe('the plan as d and --dry-run print it', () => {
	test('each inline policy has its own caption: the add-on the DescribeReport gap, the guard what it denies', async () => {
		const {formatPlan} = await import('../../source/present.js');
		const text = formatPlan(buildPlan(account, 'aws', defaultSettings));
		expect(text).toContain('Inline policy BillingSetupCostExplorerRead (ce:DescribeReport is in neither managed policy):');
		expect(text).toContain('Inline policy BillingSetupGuard (the guard: Billing grants billing:UpdateIAMAccessPreference');
		expect(text.match(/neither managed policy/g)).toHaveLength(1);
	});
});
