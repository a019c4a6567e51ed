/**
 * What billing-setup says is what is live in IAM (issue 8): drift found by a re-run, status and the dry
 * run; repair converges and a second run writes nothing; roles made elsewhere are adopted only when asked;
 * undo removes exactly what the record created. The built CLI against moto; IAM arranged and inspected
 * with an independent admin client.
 */
import {
	AddRoleToInstanceProfileCommand,
	AttachRolePolicyCommand,
	CreateInstanceProfileCommand,
	CreateRoleCommand,
	GetRoleCommand,
	GetRolePolicyCommand,
	IAMClient,
	ListAttachedRolePoliciesCommand,
	ListRolePoliciesCommand,
	PutRolePermissionsBoundaryCommand,
	PutRolePolicyCommand,
	TagRoleCommand,
	UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {beforeAll, describe, expect, test} from 'vitest';
import {useAwsFixture} from '../support/aws.js';
import {cleanEnv, readProgress, runCli, tempConfigHome} from '../support/cli.js';
import {startFaultProxy} from '../support/fault-proxy.js';
import type {Moto} from '../support/moto.js';

const account = '123456789012';
const billing = 'arn:aws:iam::aws:policy/job-function/Billing';
const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
const inlineName = 'BillingSetupCostExplorerRead';
const guardName = 'BillingSetupGuard';
const everything = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: '*', Resource: '*'}]});

// Moto, emptied before each test, from the shared fixture; these tests arrange and read IAM directly.
const aws = useAwsFixture();
let moto: Moto;
let iam: IAMClient;

beforeAll(() => {
	({moto, iam} = aws);
});

async function cli(args: string[], home: string) {
	const result = await runCli(args, {env: cleanEnv({...moto.env, XDG_CONFIG_HOME: home})});
	return {...result, json: () => JSON.parse(result.stdout)};
}

/** The role as IAM has it, read with the admin client. */
async function live(roleName = 'BillingAccess') {
	const role = (await iam.send(new GetRoleCommand({RoleName: roleName}))).Role!;
	const attached = (await iam.send(new ListAttachedRolePoliciesCommand({RoleName: roleName}))).AttachedPolicies!.map(policy => policy.PolicyArn);
	const inline = (await iam.send(new ListRolePoliciesCommand({RoleName: roleName}))).PolicyNames!;
	const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!));
	return {role, attached, inline, trust};
}

const roleGone = (roleName: string) => expect(iam.send(new GetRoleCommand({RoleName: roleName}))).rejects.toMatchObject({name: expect.stringMatching(/NoSuchEntity/)});
const summaries = (json: {differences: Array<{summary: string}>}) => json.differences.map(difference => difference.summary);

/** Grants and trust added by hand after a finished setup. */
async function drift(roleName = 'BillingAccess') {
	await iam.send(new AttachRolePolicyCommand({RoleName: roleName, PolicyArn: admin}));
	await iam.send(new PutRolePolicyCommand({RoleName: roleName, PolicyName: 'extra', PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Action: 'iam:*', Resource: '*'}]})}));
	await iam.send(new PutRolePolicyCommand({RoleName: roleName, PolicyName: inlineName, PolicyDocument: everything}));
	await iam.send(new PutRolePermissionsBoundaryCommand({RoleName: roleName, PermissionsBoundary: 'arn:aws:iam::aws:policy/AWSDenyAll'}));
	await iam.send(
		new UpdateAssumeRolePolicyCommand({
			RoleName: roleName,
			PolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {AWS: [`arn:aws:iam::${account}:root`, 'arn:aws:iam::999999999999:root']}, Action: 'sts:AssumeRole'}]}),
		}),
	);
}

const driftSummaries = [
	'change who may switch: account 123456789012, account 999999999999 → account 123456789012',
	'remove the permissions boundary arn:aws:iam::aws:policy/AWSDenyAll (set outside billing-setup)',
	`rewrite the inline policy ${inlineName}: it was edited outside billing-setup`,
	'delete the inline policy extra (added outside billing-setup)',
	'detach AdministratorAccess (attached outside billing-setup)',
];

describe('drift on a role this setup made', () => {
	test('status and the dry run name each difference; a re-run repairs exactly those; a second re-run writes nothing', async () => {
		const home = tempConfigHome();
		expect((await cli(['--yes'], home)).code).toBe(0);
		await drift();

		const status = await cli(['status'], home);
		for (const summary of driftSummaries) expect(status.stdout).toContain(summary);
		const statusJson = (await cli(['status', '--json'], home)).json();
		expect(statusJson.setups[0].live.differences.map((difference: {summary: string}) => difference.summary)).toEqual(driftSummaries);
		const dryRun = await cli(['--dry-run', '--json'], home);
		expect(dryRun.json().live.differences).toHaveLength(driftSummaries.length);
		// Neither status nor the dry run wrote anything.
		expect((await live()).attached).toContain(admin);

		const repair = await cli(['--yes', '--json'], home);
		expect(repair.code, repair.stderr).toBe(0);
		const result = repair.json();
		expect(result).toMatchObject({ok: true, ownership: 'ours', alreadyInPlace: false});
		expect(summaries(result)).toEqual(driftSummaries);
		expect(result.differences.filter((difference: {widening: boolean}) => difference.widening)).toHaveLength(4);
		expect(repair.stderr).not.toContain('Created');

		const after = await live();
		expect(after.attached).toEqual([billing]);
		expect(after.inline.sort()).toEqual([inlineName, guardName]);
		expect(after.role.PermissionsBoundary).toBeUndefined();
		expect(after.trust.Statement[0].Principal).toEqual({AWS: `arn:aws:iam::${account}:root`});
		const content = (await iam.send(new GetRolePolicyCommand({RoleName: 'BillingAccess', PolicyName: inlineName}))).PolicyDocument!;
		expect(JSON.parse(decodeURIComponent(content)).Statement[0].Action).toEqual(['ce:Describe*', 'ce:Get*', 'ce:List*']);

		const again = await cli(['--yes', '--json'], home);
		expect(again.json()).toMatchObject({ok: true, created: [], alreadyInPlace: true, differences: []});
	});

	test('a changed --trust or --require-mfa updates the trust policy on a re-run', async () => {
		const home = tempConfigHome();
		await cli(['--yes'], home);
		const self = `arn:aws:iam::${account}:role/BillingAccess`;
		const rerun = await cli(['--yes', '--json', '--trust', self, '--require-mfa'], home);
		expect(rerun.code, rerun.stderr).toBe(0);
		expect(rerun.json().created.map((write: {action: string}) => write.action)).toEqual(['iam:UpdateAssumeRolePolicy']);
		expect((await live()).trust.Statement[0]).toEqual({
			Effect: 'Allow',
			Principal: {AWS: self},
			Action: 'sts:AssumeRole',
			Condition: {Bool: {'aws:MultiFactorAuthPresent': 'true'}},
		});
	});

	test('a role made elsewhere that grants more than billing is refused, never reported ok', async () => {
		const home = tempConfigHome();
		await cli(['--yes'], home);
		// The record says the role was made elsewhere, so --yes may not change it without --adopt.
		const other = tempConfigHome();
		await iam.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: admin}));
		const result = await cli(['--yes', '--json'], other);
		expect(result.code).toBe(1);
		expect(result.json().ok).toBe(false);
		expect((await live()).attached).toContain(admin);
	});
});

describe('roles billing-setup did not make here', () => {
	test('a tagged role trusting EC2 with AdministratorAccess is not rewritten under --yes, even with --adopt, and undo refuses it', async () => {
		const trust = JSON.stringify({Version: '2012-10-17', Statement: [{Effect: 'Allow', Principal: {Service: 'ec2.amazonaws.com'}, Action: 'sts:AssumeRole'}]});
		await iam.send(new CreateRoleCommand({RoleName: 'BillingAccess', AssumeRolePolicyDocument: trust, Tags: [{Key: 'ManagedBy', Value: 'billing-setup'}]}));
		await iam.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: admin}));
		const home = tempConfigHome();
		for (const args of [['--yes', '--json'], ['--yes', '--json', '--adopt']]) {
			const result = await cli(args, home);
			expect(result.code).toBe(1);
			expect(result.stderr).toContain('is tagged ManagedBy=billing-setup but was not set up from here');
			expect(result.stderr).toContain('detach AdministratorAccess');
			expect(result.json()).toMatchObject({ok: false, ownership: 'elsewhere'});
		}
		const after = await live();
		expect(decodeURIComponent(after.role.AssumeRolePolicyDocument!)).toBe(trust);
		expect(after.attached).toEqual([admin]);

		const undo = await cli(['undo', '--yes', '--role-name', 'BillingAccess'], home);
		expect(undo.code).toBe(1);
		expect(undo.stderr).toContain('did not create a role named BillingAccess from this machine');
		expect((await live()).attached).toEqual([admin]);
	});

	test('a second admin with other answers is shown the differences and must pass --adopt; nothing changes before', async () => {
		const first = tempConfigHome();
		expect((await cli(['--yes'], first)).code).toBe(0);
		const before = await live();

		const second = tempConfigHome();
		const refused = await cli(['--yes', '--json', '--access', 'read-only', '--no-cost-explorer'], second);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('was made by billing-setup elsewhere, and this run would change it');
		expect(refused.stderr).toContain('--adopt');
		expect(summaries(refused.json())).toEqual([
			`delete the inline policy ${inlineName} (added outside billing-setup)`,
			`delete the inline policy ${guardName} (added outside billing-setup)`,
			'attach AWSBillingReadOnlyAccess (arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess)',
			'detach Billing (attached outside billing-setup)',
		]);
		expect(await live()).toEqual(before);

		// The same answers as the first admin change nothing, so there is nothing to adopt.
		expect((await cli(['--yes', '--json'], tempConfigHome())).json()).toMatchObject({ok: true, ownership: 'elsewhere', created: [], alreadyInPlace: true});

		const adopted = await cli(['--yes', '--json', '--access', 'read-only', '--no-cost-explorer', '--adopt'], second);
		expect(adopted.code, adopted.stderr).toBe(0);
		expect((await live()).attached).toEqual(['arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess']);
		// Adopted: the role now carries the second record's id, so the first one no longer owns it.
		expect((await live()).role.Tags).toContainEqual({Key: 'BillingSetupId', Value: readProgress(second).setups[account].setupId});
		expect((await cli(['undo', '--yes'], first)).code).toBe(1);
	});
});

describe('paths, principals and undo', () => {
	test('a role under a path has the path in its ARN everywhere: JSON, URL, profile and the verified session', async () => {
		const result = await cli(['--yes', '--json', '--path', '/team/finance/'], tempConfigHome());
		expect(result.code, result.stderr).toBe(0);
		const arn = `arn:aws:iam::${account}:role/team/finance/BillingAccess`;
		const json = result.json();
		expect(json.role.arn).toBe(arn);
		expect(new URL(json.switchRoleUrl).searchParams.get('roleName')).toBe('team/finance/BillingAccess');
		expect(json.profile).toContain(`role_arn = ${arn}`);
		expect(json.verification.assumedAs).toBe(`arn:aws:sts::${account}:assumed-role/BillingAccess/billing-setup-verify`);
		expect((await live()).role).toMatchObject({Path: '/team/finance/', Arn: arn});
	});

	test('a trusted user IAM does not have returns to the trust question: headless exits 1 naming it and --trust', async () => {
		const nobody = `arn:aws:iam::${account}:user/nobody`;
		const home = tempConfigHome();
		const result = await cli(['--yes', '--json', '--trust', nobody], home);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(`IAM has no ${nobody}`);
		expect(result.stderr).toContain('Run again with --trust');
		await roleGone('BillingAccess');
		// The saved record resumes at the trust question, not at a write that would fail again.
		expect(readProgress(home).setups[account].step).toBe('trust');
	});

	test('IAM rejecting a principal in the trust policy leads back to the trust question, not a loop of retries', async () => {
		const proxy = await startFaultProxy(moto.endpoint, moto.env);
		try {
			const principal = `arn:aws:iam::${account}:user/gone`;
			proxy.fault('CreateRole', {kind: 'error', status: 400, code: 'MalformedPolicyDocument', message: `Invalid principal in policy: "AWS":"${principal}"`}, 1);
			const home = tempConfigHome();
			const run = () => runCli(['--yes', '--json'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
			const first = await run();
			expect(first.code).toBe(1);
			expect(first.stderr).toContain(`IAM rejected who may switch: Invalid principal in policy: "AWS":"${principal}".`);
			expect(first.stderr).toContain('Run again with --trust');
			expect(readProgress(home).setups[account].step).toBe('trust');
			// Without a new answer the next run asks again rather than sending the same policy.
			proxy.calls.length = 0;
			const again = await run();
			expect(again.code).toBe(1);
			expect(again.stderr).toContain('Run again with --trust');
			expect(proxy.calls.map(call => call.action)).not.toContain('CreateRole');
			const answered = await runCli(['--yes', '--trust', 'account'], {env: cleanEnv({...proxy.env, XDG_CONFIG_HOME: home})});
			expect(answered.code, answered.stderr).toBe(0);
		} finally {
			await proxy.close();
		}
	});

	test('CreateRole denied: headless names --permissions-boundary; with it the role is created under that boundary', async () => {
		const proxy = await startFaultProxy(moto.endpoint, moto.env);
		try {
			proxy.fault('CreateRole', {kind: 'error', status: 403, code: 'AccessDenied', message: `User: arn:aws:iam::${account}:user/dev is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${account}:role/BillingAccess with an explicit deny in an identity-based policy`}, 1);
			const home = tempConfigHome();
			const env = cleanEnv({...proxy.env, XDG_CONFIG_HOME: home});
			const denied = await runCli(['--yes'], {env});
			expect(denied.code).toBe(1);
			expect(denied.stderr).toContain('run again with --permissions-boundary POLICY-ARN');
			const boundary = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
			const created = await runCli(['--yes', '--permissions-boundary', boundary], {env});
			expect(created.code, created.stderr).toBe(0);
			expect((await live()).role.PermissionsBoundary?.PermissionsBoundaryArn).toBe(boundary);
		} finally {
			await proxy.close();
		}
	});

	test('undo after a rename removes both roles the record created, and nothing else', async () => {
		const home = tempConfigHome();
		await cli(['--yes', '--role-name', 'First'], home);
		await cli(['--yes', '--role-name', 'Second'], home);
		await iam.send(new CreateRoleCommand({RoleName: 'Unrelated', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}'}));
		const undo = await cli(['undo', '--yes', '--json'], home);
		expect(undo.code, undo.stderr).toBe(0);
		expect(undo.json()).toMatchObject({ok: true, removed: true, roles: [`arn:aws:iam::${account}:role/First`, `arn:aws:iam::${account}:role/Second`]});
		await roleGone('First');
		await roleGone('Second');
		expect((await iam.send(new GetRoleCommand({RoleName: 'Unrelated'}))).Role).toBeDefined();
	});

	test('undo refuses a role with grants it did not make unless --force, and explains an instance profile before touching anything', async () => {
		const home = tempConfigHome();
		await cli(['--yes'], home);
		await iam.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: admin}));
		await iam.send(new CreateInstanceProfileCommand({InstanceProfileName: 'web'}));
		await iam.send(new AddRoleToInstanceProfileCommand({InstanceProfileName: 'web', RoleName: 'BillingAccess'}));

		const refused = await cli(['undo', '--yes', '--json'], home);
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain(`${admin} on BillingAccess was added outside billing-setup`);
		expect(refused.stderr).toContain('is in the instance profile web');
		expect(refused.stderr).toContain('aws iam remove-role-from-instance-profile --instance-profile-name web --role-name BillingAccess');
		expect(refused.json()).toMatchObject({ok: false, removed: false, error: {title: 'billing-setup removed nothing.'}});
		expect((await live()).attached.sort()).toEqual([admin, billing].sort());
		expect(readProgress(home).setups[account].finished).toBe(true);

		// --force allows the foreign grant, never the instance profile.
		expect((await cli(['undo', '--yes', '--force'], home)).code).toBe(1);
		expect((await live()).inline.sort()).toEqual([inlineName, guardName]);
	});

	test('undo --force removes grants added outside billing-setup too', async () => {
		const home = tempConfigHome();
		await cli(['--yes'], home);
		await iam.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: admin}));
		expect((await cli(['undo', '--yes'], home)).code).toBe(1);
		const forced = await cli(['undo', '--yes', '--force'], home);
		expect(forced.code, forced.stderr).toBe(0);
		await roleGone('BillingAccess');
		expect(readProgress(home).setups[account].removedAt).toBeDefined();
	});
});

test('a role whose BillingSetupId tag was changed is no longer this setup’s: undo refuses it', async () => {
	const home = tempConfigHome();
	await cli(['--yes'], home);
	await iam.send(new TagRoleCommand({RoleName: 'BillingAccess', Tags: [{Key: 'BillingSetupId', Value: 'someone-else'}]}));
	const undo = await cli(['undo', '--yes'], home);
	expect(undo.code).toBe(1);
	expect(undo.stderr).toContain("no longer carries this setup's BillingSetupId tag");
	expect((await live()).attached).toEqual([billing]);
});

describe('partitions', () => {
	test('GovCloud: billing lives in the associated standard account, so no role is made and nothing is saved', async () => {
		const home = tempConfigHome();
		const result = await runCli(['--yes', '--json'], {env: cleanEnv({...moto.env, XDG_CONFIG_HOME: home, AWS_REGION: 'us-gov-west-1'})});
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('Billing for an AWS GovCloud (US) account lives in its associated standard AWS account.');
		expect(JSON.parse(result.stdout)).toMatchObject({ok: false, partition: 'aws-us-gov'});
		expect(result.stdout).not.toContain('iam:CreateRole');
		expect(() => readProgress(home)).toThrow();
	});

	test('China: no root user, so the activation step names an administrator IAM user and the China console', async () => {
		// Without the check, the steps are printed at the start: here they must name the China console's.
		const result = await runCli(['--yes', '--json', '--no-cost-check'], {env: cleanEnv({...moto.env, XDG_CONFIG_HOME: tempConfigHome(), AWS_REGION: 'cn-north-1'})});
		expect(result.code, result.stderr).toBe(0);
		const json = JSON.parse(result.stdout);
		expect(json).toMatchObject({ok: true, partition: 'aws-cn', role: {arn: `arn:aws-cn:iam::${account}:role/BillingAccess`}});
		expect(result.stderr).toContain('The China Regions have no root user');
		expect(result.stderr).toContain('1. Sign in as an IAM user with administrator permissions');
		expect(result.stderr).toContain('https://console.amazonaws.cn/billing/home#/account');
		expect(result.stderr).not.toMatch(/signed in as root/i);
		expect(json.warnings[0]).toContain('As an IAM user with administrator permissions, open https://console.amazonaws.cn/');
	});
});

