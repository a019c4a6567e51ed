/** billing-setup template against moto's CloudFormation: the stack makes the role the wizard makes. */
import {setTimeout as delay} from 'node:timers/promises';
import {CloudFormationClient, CreateStackCommand, DeleteStackCommand, DescribeStacksCommand, type Stack} from '@aws-sdk/client-cloudformation';
import {CreatePolicyCommand, CreateUserCommand, GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand} from '@aws-sdk/client-iam';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {parsePolicyDocument} from '../../source/core/policy.js';
import {account, billingPolicyArn, useAwsFixture} from '../support/aws.js';
import {runCli} from '../support/cli.js';
import {TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET_ACCESS_KEY} from '../support/moto.js';

// moto is shared by the worker's files and emptied of IAM before each test; stacks are this file's to delete.
const aws = useAwsFixture();
let cloudFormation: CloudFormationClient;
const createdStacks: string[] = [];

beforeAll(() => {
	cloudFormation = new CloudFormationClient({
		endpoint: aws.moto.endpoint,
		region: TEST_REGION,
		credentials: {accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY},
	});
});

afterEach(async () => {
	for (const stackId of createdStacks.splice(0)) {
		await cloudFormation.send(new DeleteStackCommand({StackName: stackId}));
		await settled(stackId, 'DELETE_COMPLETE');
	}
});

afterAll(() => cloudFormation.destroy());

/** Polls until the stack leaves *_IN_PROGRESS: a bounded number of reads (moto answers at once), not a time limit. */
async function settled(stackId: string, wanted: string): Promise<Stack> {
	for (let read = 0; read < 100; read++) {
		const [stack] = (await cloudFormation.send(new DescribeStacksCommand({StackName: stackId}))).Stacks ?? [];
		if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) {
			expect(`${stack.StackStatus} ${stack.StackStatusReason ?? ''}`.trim()).toBe(wanted);
			return stack;
		}
		await delay(50);
	}
	throw new Error(`Stack ${stackId} still in progress after 100 reads`);
}

async function deploy(stackName: string, templateBody: string): Promise<Stack> {
	const {StackId} = await cloudFormation.send(new CreateStackCommand({StackName: stackName, TemplateBody: templateBody, Capabilities: ['CAPABILITY_NAMED_IAM']}));
	createdStacks.push(StackId!);
	return settled(StackId!, 'CREATE_COMPLETE');
}

async function template(args: string[]): Promise<string> {
	const {code, stdout, stderr} = await runCli(['template', ...args], {env: aws.env()});
	expect(stderr).toBe('');
	expect(code).toBe(0);
	return stdout;
}

/**
 * An inline policy's document as moto answers GetRolePolicy. For a role made by a stack moto keeps the template's
 * document as a Python dict and answers its repr (`{'Version': '2012-10-17', …}`; moto 5.2,
 * iam/models.py Role.create_from_cloudformation_json), where IAM answers JSON. Our documents hold no quotes or
 * Python literals, so swapping the quotes reads it.
 */
function inlineDocument(text: string | undefined): unknown {
	const decoded = decodeURIComponent(text ?? '');
	return JSON.parse(decoded.startsWith("{'") ? decoded.replaceAll("'", '"') : decoded);
}

/** The role as IAM has it, with its inline policies' content. */
async function roleInIam(roleName: string) {
	const {Role: role} = await aws.iam.send(new GetRoleCommand({RoleName: roleName}));
	const {PolicyNames = []} = await aws.iam.send(new ListRolePoliciesCommand({RoleName: roleName}));
	const inline = await Promise.all(
		PolicyNames.map(async PolicyName => [PolicyName, inlineDocument((await aws.iam.send(new GetRolePolicyCommand({RoleName: roleName, PolicyName}))).PolicyDocument)]),
	);
	return {
		arn: role?.Arn,
		path: role?.Path,
		description: role?.Description,
		trust: parsePolicyDocument(role?.AssumeRolePolicyDocument),
		inline: Object.fromEntries(inline),
		maxSessionSeconds: role?.MaxSessionDuration,
		boundary: role?.PermissionsBoundary?.PermissionsBoundaryArn,
		tags: Object.fromEntries((role?.Tags ?? []).map(({Key, Value}) => [Key, Value])),
	};
}

/** Everything of a role but what names it: its name (in the ARN) and which setup made it. */
function shape({arn, tags, ...rest}: Awaited<ReturnType<typeof roleInIam>>) {
	return {...rest, managedBy: tags.ManagedBy};
}

const output = (stack: Stack, key: string) => stack.Outputs?.find(entry => entry.OutputKey === key)?.OutputValue;

describe('billing-setup template', () => {
	const alice = `arn:aws:iam::${account}:user/alice`;
	const boundary = `arn:aws:iam::${account}:policy/Boundary`;
	const flags = ['--trust', alice, '--require-mfa', '--max-session', '7200', '--path', '/team/', '--permissions-boundary', boundary];

	async function arrange() {
		await aws.iam.send(new CreateUserCommand({UserName: 'alice'}));
		await aws.iam.send(new CreatePolicyCommand({PolicyName: 'Boundary', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]})}));
	}

	test('needs no credentials and makes no AWS call', async () => {
		const {code, stdout, stderr} = await runCli(['template', ...flags], {env: aws.env({AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined})});
		expect({code, stderr}).toEqual({code: 0, stderr: ''});
		expect(JSON.parse(stdout)).toHaveProperty('Resources.BillingRole.Type', 'AWS::IAM::Role');
		expect(aws.proxy.calls).toEqual([]);
	});

	test('deployed with CloudFormation, makes the role the wizard makes: trust, inline policies, tags, session, path, boundary', async () => {
		await arrange();
		const wizard = await runCli(['--yes', '--json', '--no-cost-check', '--role-name', 'Wizard', ...flags], {env: aws.env()});
		expect(wizard.code, wizard.stderr).toBe(0);
		const made = JSON.parse(wizard.stdout);

		const body = await template(['--role-name', 'FromStack', ...flags, '--format', 'json']);
		const stack = await deploy('billing-json', body);

		const fromStack = await roleInIam('FromStack');
		const fromWizard = await roleInIam('Wizard');
		expect(shape(fromStack)).toEqual(shape(fromWizard));
		expect(Object.keys(fromStack.inline).sort()).toEqual(['BillingSetupCostExplorerRead', 'BillingSetupGuard']);
		expect(fromStack).toMatchObject({path: '/team/', maxSessionSeconds: 7200, boundary, trust: {Statement: [{Principal: {AWS: alice}, Condition: {Bool: {'aws:MultiFactorAuthPresent': 'true'}}}]}});
		// A stack's role belongs to the stack: its setup id is the stack's, which no local record holds.
		expect(fromStack.tags).toEqual({ManagedBy: 'billing-setup', BillingSetupId: stack.StackId});

		// moto's CloudFormation does not attach ManagedPolicyArns, so the template says what would be attached.
		expect(JSON.parse(body).Resources.BillingRole.Properties.ManagedPolicyArns).toEqual([{'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/job-function/Billing'}]);
		expect(made.policies.managed).toBe(billingPolicyArn);

		expect(output(stack, 'RoleArn')).toBe(`arn:aws:iam::${account}:role/team/FromStack`);
		expect(output(stack, 'RoleArn')).toBe(fromStack.arn);
		expect(output(stack, 'SwitchRoleUrl')).toBe(made.switchRoleUrl.replaceAll('Wizard', 'FromStack'));
	});

	test('the YAML template deploys to the same role as the JSON one', async () => {
		await arrange();
		const json = await deploy('billing-json', await template(['--role-name', 'FromJson', ...flags]));
		const yaml = await deploy('billing-yaml', await template(['--role-name', 'FromYaml', ...flags, '--format', 'yaml']));
		expect(shape(await roleInIam('FromYaml'))).toEqual(shape(await roleInIam('FromJson')));
		expect(output(yaml, 'SwitchRoleUrl')).toBe(output(json, 'SwitchRoleUrl')?.replaceAll('FromJson', 'FromYaml'));
	});

	test('read-only access without the add-on: a stack with no inline policies', async () => {
		await deploy('billing-read-only', await template(['--access', 'read-only', '--no-cost-explorer', '--format', 'yaml']));
		expect(await roleInIam('BillingAccess')).toMatchObject({inline: {}, maxSessionSeconds: 3600, path: '/'});
	});

	test('--stackset leaves stdout the template alone, and prints the StackSet commands and caveats on stderr', async () => {
		const plain = await template(['--format', 'yaml']);
		const {code, stdout, stderr} = await runCli(['template', '--format', 'yaml', '--stackset'], {env: aws.env()});
		expect(code).toBe(0);
		expect(stdout).toBe(plain);
		expect(stderr).toContain('aws cloudformation create-stack-set --stack-set-name billing-setup-BillingAccess');
		expect(stderr).toContain('--template-body file://billing-setup-BillingAccess.yaml');
		expect(stderr).toContain('never deploy to the management account: run billing-setup there');
	});

	test('a usage error exits 2 and says what is wrong', async () => {
		const {code, stdout, stderr} = await runCli(['template', '--format', 'xml'], {env: aws.env()});
		expect({code, stdout}).toEqual({code: 2, stdout: ''});
		expect(stderr).toBe('billing-setup: --format must be “json” or “yaml” (got “xml”).\n');
	});
});
