import {describe, expect, test} from 'vitest';
import {signinHost} from '../../source/core/partition.js';
import {buildPlan, costExplorerPolicy, costExplorerPolicyName, guardPolicy, guardPolicyName, roleDescription} from '../../source/core/plan.js';
import type {Partition} from '../../source/core/principal.js';
import {defaultSettings, type RoleSettings} from '../../source/core/settings.js';
import {buildTemplate, roleLogicalId, stackSetScript} from '../../source/core/template.js';
import {toYaml} from '../../source/core/yaml.js';

const account = '123456789012';
const stackId = `arn:aws:cloudformation:us-east-1:${account}:stack/billing/0b5c2a4e-7d1f-4e8a-9c3b-2f6d8e1a5b7c`;

type Template = {Resources: Record<string, {Type: string; Properties: Record<string, any>}>; Outputs: Record<string, {Value: any}>; Mappings: Record<string, any>};

function template(settings: Partial<RoleSettings> = {}): Template {
	return buildTemplate({...defaultSettings, ...settings}) as Template;
}

function roleProperties(settings: Partial<RoleSettings> = {}) {
	return template(settings).Resources[roleLogicalId]!.Properties;
}

/** What CloudFormation makes of the template's Fn::Sub and Fn::FindInMap in one account: enough for these templates. */
function deployedIn(value: unknown, partition: Partition, mappings: Record<string, any> = {}): any {
	const names: Record<string, string> = {'AWS::AccountId': account, 'AWS::Partition': partition, 'AWS::StackId': stackId};
	if (Array.isArray(value)) return value.map(item => deployedIn(item, partition, mappings));
	if (!value || typeof value !== 'object') return value;
	const {'Fn::Sub': sub, 'Fn::FindInMap': find} = value as Record<string, any>;
	if (find) return mappings[find[0]][deployedIn(find[1], partition)][find[2]];
	if ('Ref' in value) return names[(value as {Ref: string}).Ref];
	if (sub !== undefined) {
		const [text, local = {}] = Array.isArray(sub) ? sub : [sub];
		const resolved = Object.fromEntries(Object.entries(local).map(([name, entry]) => [name, deployedIn(entry, partition, mappings)]));
		return (text as string).replaceAll(/\$\{([^}]+)\}/g, (_, name: string) => resolved[name] ?? names[name] ?? `UNRESOLVED ${name}`);
	}
	return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, deployedIn(entry, partition, mappings)]));
}

const variants: Array<[string, Partial<RoleSettings>]> = [
	['the defaults', {}],
	['read-only, no add-on, under a path, 12 h', {access: 'read-only', costExplorer: false, path: '/team/finance/', maxSessionSeconds: 43_200, roleName: 'Finance'}],
	['full access without the guard, MFA', {guard: false, requireMfa: true}],
	['chosen principals and a boundary', {trust: {kind: 'principals', arns: [`arn:aws:iam::${account}:user/alice`, 'arn:aws:iam::111122223333:role/Central']}, permissionsBoundary: `arn:aws:iam::${account}:policy/Boundary`}],
];

describe('buildTemplate', () => {
	test.each(variants)('deployed in an account, declares the role the wizard would write there: %s', (_, settings) => {
		for (const partition of ['aws', 'aws-cn', 'aws-us-gov'] as const) {
			const arnsIn = (text: string) => text.replace(/^arn:aws:/, `arn:${partition}:`);
			const wanted = {...defaultSettings, ...settings};
			const plan = buildPlan(account, partition, {
				...wanted,
				...(wanted.trust.kind === 'principals' && {trust: {kind: 'principals', arns: wanted.trust.arns.map(arnsIn)}}),
				...(wanted.permissionsBoundary && {permissionsBoundary: arnsIn(wanted.permissionsBoundary)}),
			}, {setupId: stackId});
			const deployed = deployedIn(roleProperties(settings), partition);
			expect(deployed).toEqual({
				RoleName: plan.roleName,
				Path: plan.path,
				Description: roleDescription,
				AssumeRolePolicyDocument: plan.trustPolicy,
				ManagedPolicyArns: [plan.managedPolicyArn],
				...(Object.keys(plan.inlinePolicies).length > 0 && {
					Policies: Object.entries(plan.inlinePolicies).map(([PolicyName, PolicyDocument]) => ({PolicyName, PolicyDocument})),
				}),
				...(plan.permissionsBoundary && {PermissionsBoundary: plan.permissionsBoundary}),
				MaxSessionDuration: plan.maxSessionSeconds,
				Tags: plan.tags,
			});
		}
	});

	test('each setting shows up in the role', () => {
		const full = roleProperties();
		expect(full).toMatchObject({RoleName: 'BillingAccess', Path: '/', MaxSessionDuration: 3600});
		expect(full.ManagedPolicyArns).toEqual([{'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/job-function/Billing'}]);
		expect(full.Policies).toEqual([
			{PolicyName: costExplorerPolicyName, PolicyDocument: costExplorerPolicy},
			{PolicyName: guardPolicyName, PolicyDocument: guardPolicy},
		]);
		expect(full.AssumeRolePolicyDocument.Statement[0].Condition).toBeUndefined();
		expect(full.PermissionsBoundary).toBeUndefined();

		const chosen = roleProperties({access: 'read-only', costExplorer: false, requireMfa: true, maxSessionSeconds: 7200, path: '/team/', roleName: 'Finance'});
		expect(chosen).toMatchObject({RoleName: 'Finance', Path: '/team/', MaxSessionDuration: 7200});
		expect(chosen.ManagedPolicyArns).toEqual([{'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AWSBillingReadOnlyAccess'}]);
		// Nothing inline: no add-on, and read-only access grants nothing the guard would deny.
		expect(chosen).not.toHaveProperty('Policies');
		expect(chosen.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({Bool: {'aws:MultiFactorAuthPresent': 'true'}});

		expect(roleProperties({guard: false}).Policies).toEqual([{PolicyName: costExplorerPolicyName, PolicyDocument: costExplorerPolicy}]);
		expect(roleProperties({costExplorer: false}).Policies).toEqual([{PolicyName: guardPolicyName, PolicyDocument: guardPolicy}]);
	});

	test('“this account” is the account the stack is in, and the role is tagged with its stack', () => {
		const properties = roleProperties();
		expect(properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({AWS: {'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root'}});
		expect(properties.Tags).toEqual([
			{Key: 'ManagedBy', Value: 'billing-setup'},
			{Key: 'BillingSetupId', Value: {'Fn::Sub': '${AWS::StackId}'}},
		]);
	});

	test('trusted principals keep their account (a central role) and take the stack’s partition; a boundary is the policy of its name in each account', () => {
		const properties = roleProperties({
			trust: {kind: 'principals', arns: ['arn:aws:iam::111122223333:role/Central', `arn:aws:sts::${account}:assumed-role/Admin/alice`]},
			permissionsBoundary: 'arn:aws:iam::444455556666:policy/team/Boundary',
		});
		expect(properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS).toEqual([
			{'Fn::Sub': 'arn:${AWS::Partition}:iam::111122223333:role/Central'},
			{'Fn::Sub': `arn:\${AWS::Partition}:sts::${account}:assumed-role/Admin/alice`},
		]);
		expect(properties.PermissionsBoundary).toEqual({'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team/Boundary'});
		// An AWS managed boundary stays AWS's.
		expect(roleProperties({permissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess'}).PermissionsBoundary).toEqual({
			'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess',
		});
	});

	test('no ARN names a partition or this account outright', () => {
		const text = JSON.stringify(template({requireMfa: true, permissionsBoundary: `arn:aws:iam::${account}:policy/B`, path: '/team/'}));
		expect(text).not.toMatch(/arn:aws(-cn|-us-gov)?:/);
		expect(text).not.toMatch(/\d{12}/);
	});

	test('outputs the role’s ARN and the wizard’s switch-role URL, on the sign-in host of the stack’s partition', () => {
		for (const partition of ['aws', 'aws-cn', 'aws-us-gov'] as const) {
			for (const settings of [{}, {roleName: 'Fin+Ops', path: '/team/finance/'}]) {
				const {Outputs, Mappings} = template(settings);
				const plan = buildPlan(account, partition, {...defaultSettings, ...settings}, {setupId: 'x'});
				expect(deployedIn(Outputs.SwitchRoleUrl!.Value, partition, Mappings)).toBe(plan.switchRoleUrl);
				expect(plan.switchRoleUrl).toContain(signinHost[partition]);
				expect(Outputs.RoleArn!.Value).toEqual({'Fn::GetAtt': [roleLogicalId, 'Arn']});
			}
		}
	});

	test('in YAML, what plain YAML would misread is quoted and the intrinsic functions keep their long form', () => {
		const yaml = toYaml(template({requireMfa: true}));
		for (const line of [
			'AWSTemplateFormatVersion: "2010-09-09"',
			'        Version: "2012-10-17"',
			'    Type: AWS::IAM::Role',
			'                aws:MultiFactorAuthPresent: "true"',
			'                  - "ce:Describe*"',
			'                Resource: "*"',
			'              AWS:',
			'                Fn::Sub: "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"',
			'      MaxSessionDuration: 3600',
		]) {
			expect(yaml.split('\n')).toContain(line);
		}
	});
});

describe('stackSetScript', () => {
	const script = stackSetScript({roleName: 'Fin.Ops@1', format: 'yaml'});
	const commands = script.replaceAll('\\\n', '').split('\n').filter(line => line.startsWith('aws '));

	test('creates a service-managed, auto-deploying StackSet that may name IAM resources, then one region of instances for an OU', () => {
		expect(commands).toHaveLength(3);
		expect(commands[0]).toBe('aws cloudformation activate-organizations-access --region us-east-1');
		expect(commands[1]).toMatch(/^aws cloudformation create-stack-set --stack-set-name billing-setup-Fin-Ops-1 +--template-body file:\/\/billing-setup-Fin\.Ops@1\.yaml/);
		for (const option of ['--permission-model SERVICE_MANAGED', '--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false', '--capabilities CAPABILITY_NAMED_IAM']) {
			expect(commands[1]).toContain(option);
		}
		expect(commands[2]).toMatch(/^aws cloudformation create-stack-instances --stack-set-name billing-setup-Fin-Ops-1 +--deployment-targets OrganizationalUnitIds=OU_ID +--regions us-east-1/);
	});

	test('everything else is a shell comment, so the output can be saved and run as a script', () => {
		const lines = script.replaceAll('\\\n', '').split('\n').filter(Boolean);
		expect(lines.filter(line => !line.startsWith('#') && !line.startsWith('aws '))).toEqual([]);
	});

	test('says what a StackSet cannot do: the management account, and root activation in each account', () => {
		expect(script).toMatch(/never deploy to the management account: run billing-setup there/);
		expect(script).toMatch(/console-only setting of each account/);
		expect(script).toMatch(/created through Organizations have it on by default; invited\n#\s+accounts keep their own/);
	});

	test('the profile and region given go into every command', () => {
		const withBoth = stackSetScript({roleName: 'B', format: 'json', profile: 'org', region: 'eu-west-1'}).replaceAll('\\\n', '');
		const lines = withBoth.split('\n').filter(line => line.startsWith('aws '));
		expect(lines).toHaveLength(3);
		for (const line of lines) expect(line).toMatch(/ --region eu-west-1 --profile org$/);
		expect(lines[2]).toContain('--regions eu-west-1');
		expect(lines[1]).toContain('file://billing-setup-B.json');
	});

	test('a profile name a shell would split or run is one quoted word in every command', () => {
		const lines = stackSetScript({roleName: 'B', format: 'json', profile: "my prof;id's $(x)"}).replaceAll('\\\n', '').split('\n').filter(line => line.startsWith('aws '));
		for (const line of lines) expect(line).toMatch(/ --profile 'my prof;id'\\''s \$\(x\)'$/);
	});
});
