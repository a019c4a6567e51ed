/**
 * The StackSet groundwork (issue 18) against moto, in-process: the CloudFormation and Organizations ports, the
 * StackSet reconcilers and the per-account live read, reaching moto through the fault proxy by AWS_ENDPOINT_URL_*
 * alone, as the product would reach AWS. The organization: two OUs and three members (two in ou A, one in ou B),
 * the management account (moto's default) in the root. moto's StackSet gaps are filled by the launcher the test
 * support starts moto with (moto_stacksets.py names each); operations there end at once, so a RUNNING operation is
 * the fault proxy's answer to DescribeStackSetOperation (the kill test), and waiting on one over many polls is tested
 * over the in-memory port (test/unit/stackset.test.ts).
 */
import {ActivateOrganizationsAccessCommand, DeleteStackInstancesCommand, DeleteStackSetCommand, ListStackInstancesCommand, CloudFormationClient} from '@aws-sdk/client-cloudformation';
import {AttachRolePolicyCommand, CreateRoleCommand, GetRoleCommand, IAMClient} from '@aws-sdk/client-iam';
import {CreateOrganizationalUnitCommand, DisableAWSServiceAccessCommand, ListRootsCommand, MoveAccountCommand, OrganizationsClient} from '@aws-sdk/client-organizations';
import {afterAll, afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {createClients, destroyClients, type Clients} from '../../source/aws/clients.js';
import {organizationTree} from '../../source/aws/organization-units.js';
import {createOrganizationsClient} from '../../source/aws/organizations.js';
import {verifyStackSetAccounts, type StackSetVerification} from '../../source/aws/stackset-accounts.js';
import {createCloudFormationClient, stackSetPort} from '../../source/aws/stackset-port.js';
import {whoAmI} from '../../source/aws/sts.js';
import {ProblemError} from '../../source/core/problem.js';
import {defaultSettings} from '../../source/core/settings.js';
import {buildStackSetPlan, type StackSetScope} from '../../source/core/stackset.js';
import {convergeStackSet, inspectStackSet, resolveScope, undoStackSet} from '../../source/reconcile/stackset.js';
import type {Following} from '../../source/reconcile/stackset-operation.js';
import {account, useAwsFixture} from '../support/aws.js';
import {spawn} from 'node:child_process';
import {cliPath, readProgress, runCli} from '../support/cli.js';
import {recording} from '../support/recording.js';
import {TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET_ACCESS_KEY} from '../support/moto.js';
import {assumeAccessRole, createMemberAccount, createOrganization, envWithKeys, useOrganizationCleanup, type SessionKeys} from '../support/organizations.js';

const aws = useAwsFixture();
useOrganizationCleanup(aws);

const admin = () => ({endpoint: aws.moto.endpoint, region: TEST_REGION, credentials: {accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY}});
const following: Following = {polls: 3, pause: async () => {}};
const stackSetName = 'billing-setup-BillingAccess';

interface Organization {
	rootId: string;
	units: {a: string; b: string};
	members: {a1: string; a2: string; b1: string};
}

let organization: Organization;
let clients: Clients;
let cloudFormation: CloudFormationClient;

async function arrangeOrganization(): Promise<Organization> {
	await createOrganization(aws);
	const [a1, a2, b1] = [await createMemberAccount(aws, 'a1'), await createMemberAccount(aws, 'a2'), await createMemberAccount(aws, 'b1')];
	const organizations = new OrganizationsClient(admin());
	try {
		const rootId = (await organizations.send(new ListRootsCommand({}))).Roots![0]!.Id!;
		const unit = async (Name: string) => (await organizations.send(new CreateOrganizationalUnitCommand({ParentId: rootId, Name}))).OrganizationalUnit!.Id!;
		const units = {a: await unit('A'), b: await unit('B')};
		for (const [id, unitId] of [[a1, units.a], [a2, units.a], [b1, units.b]] as const) {
			await organizations.send(new MoveAccountCommand({AccountId: id, SourceParentId: rootId, DestinationParentId: unitId}));
		}
		// Trusted access for StackSets, as a management account activates it once (aws cloudformation activate-organizations-access).
		const cloudFormation = new CloudFormationClient(admin());
		await cloudFormation.send(new ActivateOrganizationsAccessCommand({}));
		cloudFormation.destroy();
		return {rootId, units, members: {a1, a2, b1}};
	} finally {
		organizations.destroy();
	}
}

beforeEach(async () => {
	// The product's clients find moto as they would find AWS: by the endpoint variables, here the fault proxy's.
	for (const [name, value] of Object.entries({...aws.proxy.env, AWS_ENDPOINT_URL_CLOUDFORMATION: aws.proxy.endpoint})) vi.stubEnv(name, value);
	organization = await arrangeOrganization();
	clients = await createClients({});
	cloudFormation = new CloudFormationClient(admin());
});

// Registered after the organization's clean-up, so it runs before it: instances go while their accounts are members.
afterEach(async () => {
	try {
		const {Summaries: instances = []} = await cloudFormation.send(new ListStackInstancesCommand({StackSetName: stackSetName}));
		for (const instance of instances) {
			await cloudFormation.send(
				new DeleteStackInstancesCommand({
					StackSetName: stackSetName,
					Regions: [instance.Region!],
					DeploymentTargets: {OrganizationalUnitIds: [instance.OrganizationalUnitId!], AccountFilterType: 'INTERSECTION', Accounts: [instance.Account!]},
					RetainStacks: false,
				}),
			);
		}
		await cloudFormation.send(new DeleteStackSetCommand({StackSetName: stackSetName}));
	} catch (error) {
		if ((error as Error).name !== 'StackSetNotFoundException') throw error;
	}
	cloudFormation.destroy();
	destroyClients(clients);
	vi.unstubAllEnvs();
});

afterAll(() => vi.unstubAllEnvs());

/** What a run would do: the scope read from Organizations, the plan, and the port, with the product's own clients. */
async function setUp(scope: StackSetScope, record = recording('e2e-setup')) {
	const tree = organizationTree(createOrganizationsClient({}, TEST_REGION));
	const plan = buildStackSetPlan(defaultSettings, {setupId: record.setupId, region: TEST_REGION, managementAccountId: account, scope, resolved: await resolveScope(tree, scope, account)});
	const port = stackSetPort(createCloudFormationClient({}, TEST_REGION), TEST_REGION);
	const inspect = async () => (await inspectStackSet(port, plan, record, {following})).inspection;
	return {
		plan,
		port,
		record,
		inspect,
		async converge() {
			return convergeStackSet(port, plan, record, {reviewed: await inspect(), adopt: false, write: record.write, following});
		},
		async verify() {
			return verifyStackSetAccounts(clients, plan, {identity: await whoAmI(clients.sts), settings: defaultSettings, accessRole: 'OrganizationAccountAccessRole'});
		},
	};
}

async function memberIam(memberId: string): Promise<IAMClient> {
	const keys: SessionKeys = await assumeAccessRole(aws, memberId);
	return new IAMClient({endpoint: aws.moto.endpoint, region: TEST_REGION, credentials: keys});
}

const states = (verification: StackSetVerification) =>
	Object.fromEntries(verification.accounts.map(entry => [entry.accountId, entry.role.kind]));

describe('a service-managed StackSet from the management account', () => {
	test('--accounts all: the StackSet targets the root, an instance lands in each member, each member’s role read live is in place, and a re-run diffs to nothing', async () => {
		const run = await setUp({kind: 'all'});
		const {a1, a2, b1} = organization.members;
		expect(run.plan.notes).toEqual([`StackSets never deploy to the management account ${account}: billing-setup sets up the role there itself.`]);
		expect(await run.converge()).toEqual({kind: 'converged'});

		const live = await run.port.describeStackSet(stackSetName);
		expect(live).toMatchObject({
			permissionModel: 'SERVICE_MANAGED',
			autoDeployment: {enabled: true, retainStacksOnAccountRemoval: false},
			organizationalUnitIds: [organization.rootId],
			tags: {ManagedBy: 'billing-setup', BillingSetupId: 'e2e-setup'},
		});
		expect((await run.port.listInstances(stackSetName)).map(instance => instance.account).sort()).toEqual([a1, a2, b1].sort());
		const verification = await run.verify();
		expect(verification.ok).toBe(true);
		expect(states(verification)).toEqual({[a1]: 'in-place', [a2]: 'in-place', [b1]: 'in-place'});
		// Never the management account: it is set up with the role reconcilers.
		expect(await aws.role('BillingAccess')).toBeUndefined();

		aws.proxy.calls.length = 0;
		expect(await run.inspect()).toMatchObject({ownership: 'ours', differences: []});
		expect(await run.converge()).toEqual({kind: 'converged'});
		expect(aws.proxy.calls.map(call => call.action).filter(action => /^(Create|Update|Delete)/.test(action))).toEqual([]);
	});

	test('a list of accounts: instances there only, through their OUs narrowed to them; a member’s extra policy is named for that account', async () => {
		const {a1, a2, b1} = organization.members;
		const run = await setUp({kind: 'accounts', ids: [a1, b1]});
		expect(run.plan.unitIds).toEqual([organization.units.a, organization.units.b]);
		await run.converge();
		expect((await run.port.listInstances(stackSetName)).map(instance => [instance.account, instance.organizationalUnitId]).sort()).toEqual(
			[
				[a1, organization.units.a],
				[b1, organization.units.b],
			].sort(),
		);
		const untouched = await memberIam(a2);
		await expect(untouched.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).rejects.toThrow();
		untouched.destroy();

		const drifted = await memberIam(b1);
		await drifted.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'}));
		drifted.destroy();
		const verification = await run.verify();
		expect(verification.ok).toBe(false);
		expect(verification.accounts.find(entry => entry.accountId === a1)?.role.kind).toBe('in-place');
		expect(verification.accounts.find(entry => entry.accountId === b1)?.role).toMatchObject({kind: 'differs', differences: ['detach AdministratorAccess']});
		// CloudFormation does not see drift in a member: the StackSet itself still matches the plan.
		expect((await run.inspect()).differences).toEqual([]);
	});

	test('a member that already has a role of that name: the operation fails with that account’s reason in words, the others deploy', async () => {
		const {a1, a2} = organization.members;
		const blocking = await memberIam(a2);
		await blocking.send(new CreateRoleCommand({RoleName: 'BillingAccess', AssumeRolePolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: []})}));
		blocking.destroy();
		const run = await setUp({kind: 'units', ids: [organization.units.a]});
		const failed = await run.converge().catch((error: unknown) => error);
		expect(failed).toBeInstanceOf(ProblemError);
		expect((failed as ProblemError).problem.why).toBe(
			`account ${a2}: Role with name BillingAccess already exists. A role of that name was made there outside this StackSet: remove or rename it there, then run again.`,
		);
		expect((await run.inspect()).differences.map(difference => difference.summary)).toEqual([expect.stringMatching(new RegExp(`^deploy again to account ${a2}: its stack instance is OUTDATED`))]);
		const verification = await run.verify();
		expect(states(verification)).toMatchObject({[a1]: 'in-place', [a2]: 'differs'});
	});

	test('undo removes the instances this record made, then the StackSet, and the members’ roles with them', async () => {
		const run = await setUp({kind: 'units', ids: [organization.units.b]});
		await run.converge();
		const {b1} = organization.members;
		expect(states(await run.verify())).toEqual({[b1]: 'in-place'});
		await undoStackSet(run.port, run.plan, run.record, {write: run.record.write, following});
		expect(await run.port.describeStackSet(stackSetName)).toBeUndefined();
		expect(states(await run.verify())).toEqual({[b1]: 'absent'});
		expect(run.record.changes.map(change => change.action).slice(-3)).toEqual(['cloudformation:DeleteStackInstances', 'cloudformation:StackSetOperation', 'cloudformation:DeleteStackSet']);
	});
});

describe('billing-setup --yes --accounts for a role, the CLI as people run it', () => {
	const cli = (args: string[]) => runCli(args, {env: aws.env()});

	test('--accounts all: this account by the wizard’s reconcilers, every member through the StackSet, each verified live; a re-run writes nothing; one undo removes it all', async () => {
		const {a1, a2, b1} = organization.members;
		const first = await cli(['--yes', '--json', '--no-cost-check', '--accounts', 'all']);
		expect(first.code, first.stderr).toBe(0);
		const result = JSON.parse(first.stdout);
		expect(result).toMatchObject({ok: true, role: {arn: `arn:aws:iam::${account}:role/BillingAccess`}, stackSet: {ok: true, name: stackSetName}});
		expect(Object.fromEntries(result.stackSet.accounts.map((entry: {accountId: string; inPlace: boolean}) => [entry.accountId, entry.inPlace]))).toEqual({[a1]: true, [a2]: true, [b1]: true});
		expect(result.stackSet.created.map((write: {action: string}) => write.action)).toContain('cloudformation:CreateStackSet');
		expect(first.stderr).toContain(`StackSets never deploy to the management account ${account}: billing-setup sets up the role there itself.`);
		for (const member of [a1, a2, b1]) {
			const iam = await memberIam(member);
			expect((await iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).Role?.Arn).toBe(`arn:aws:iam::${member}:role/BillingAccess`);
			iam.destroy();
		}

		aws.proxy.calls.length = 0;
		const again = await cli(['--yes', '--json', '--no-cost-check', '--accounts', 'all']);
		expect(again.code, again.stderr).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({ok: true, alreadyInPlace: true, stackSet: {ok: true, created: [], differences: []}});
		expect(aws.proxy.calls.filter(call => /^(Create|Update|Delete|Put|Attach)/.test(call.action))).toEqual([]);

		const dryRun = await cli(['--dry-run', '--json', '--accounts', 'all']);
		expect(dryRun.code, dryRun.stderr).toBe(0);
		expect(JSON.parse(dryRun.stdout).stackSet).toMatchObject({name: stackSetName, live: {ownership: 'ours'}});

		const undo = await cli(['undo', '--yes', '--json']);
		expect(undo.code, undo.stderr).toBe(0);
		expect(JSON.parse(undo.stdout).writes.map((write: {action: string}) => write.action)).toEqual(expect.arrayContaining(['cloudformation:DeleteStackInstances', 'cloudformation:DeleteStackSet', 'iam:DeleteRole']));
		for (const member of [a1, b1]) {
			const iam = await memberIam(member);
			await expect(iam.send(new GetRoleCommand({RoleName: 'BillingAccess'}))).rejects.toThrow();
			iam.destroy();
		}
	});

	const writes = () => aws.proxy.calls.map(call => call.action).filter(action => /^(Create|Update|Delete|Put|Attach|Tag)/.test(action));

	test('without trusted access for StackSets, it says so and the command to activate it, before any write (this account’s role included), and --json still answers', async () => {
		const organizations = new OrganizationsClient(admin());
		await organizations.send(new DisableAWSServiceAccessCommand({ServicePrincipal: 'member.org.stacksets.cloudformation.amazonaws.com'}));
		organizations.destroy();
		aws.proxy.calls.length = 0;
		const run = await cli(['--yes', '--json', '--no-cost-check', '--accounts', 'all']);
		expect(run.code).not.toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({ok: false, error: {title: expect.stringContaining('Trusted access for CloudFormation StackSets is not activated in organization')}});
		expect(run.stderr).toContain('aws cloudformation activate-organizations-access');
		expect(run.stderr).toContain('aws organizations enable-aws-service-access --service-principal member.org.stacksets.cloudformation.amazonaws.com');
		expect(writes()).toEqual([]);
		expect(await aws.role('BillingAccess')).toBeUndefined();
	});

	test('from a member account, it names the management account to run it from, before any write', async () => {
		const member = envWithKeys(aws, await assumeAccessRole(aws, organization.members.a1));
		aws.proxy.calls.length = 0;
		const run = await runCli(['--yes', '--json', '--no-cost-check', '--accounts', 'all'], {env: member});
		expect(run.code).not.toBe(0);
		expect(JSON.parse(run.stdout).error).toMatchObject({
			title: expect.stringContaining(`Account ${organization.members.a1} is a member of organization`),
			next: `Run billing-setup --yes --accounts … with credentials of account ${account}.`,
		});
		expect(writes()).toEqual([]);
	});

	test('a denied read names the call and what to ask for, before any write', async () => {
		aws.proxy.fault('DescribeOrganizationsAccess', {kind: 'error', status: 403, code: 'AccessDenied', message: `User: arn:aws:iam::${account}:user/ops is not authorized to perform: cloudformation:DescribeOrganizationsAccess because no identity-based policy allows the cloudformation:DescribeOrganizationsAccess action`});
		aws.proxy.calls.length = 0;
		const run = await cli(['--yes', '--no-cost-check', '--accounts', 'all']);
		expect(run.code).not.toBe(0);
		expect(run.stderr).toContain('cloudformation:DescribeOrganizationsAccess');
		expect(writes()).toEqual([]);
		expect(await aws.role('BillingAccess')).toBeUndefined();
	});

	test('the wizard points to --yes for the member accounts', async () => {
		const wizard = await runCli(['--accounts', 'all'], {env: aws.env()});
		expect(wizard.code).not.toBe(0);
	});

	test('killed (SIGKILL) while its StackSet operation runs, the next run picks that operation up by its saved id instead of starting another', async () => {
		// The first DescribeStackSetOperation is held: the run has started the operation and saved its id, and waits on it.
		aws.proxy.fault('DescribeStackSetOperation', {kind: 'hold'}, 1);
		const child = spawn(process.execPath, [cliPath, '--yes', '--json', '--no-cost-check', '--accounts', 'all'], {env: aws.env(), stdio: ['ignore', 'ignore', 'ignore']});
		const exited = new Promise(resolve => child.once('exit', resolve));
		await aws.proxy.waitForHeld('DescribeStackSetOperation');
		child.kill('SIGKILL');
		await exited;
		aws.proxy.dropHeld();
		const changes: Array<{action: string; target: string}> = readProgress(aws.home).setups[account].changes;
		const saved = changes.findLast(change => change.action === 'cloudformation:StackSetOperation')?.target;
		expect(saved).toBeTruthy();

		// CloudFormation still has it RUNNING when the next run first asks (moto ends operations at once: the proxy answers).
		aws.proxy.fault('DescribeStackSetOperation', {
			kind: 'answer',
			contentType: 'text/xml',
			body: `<DescribeStackSetOperationResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStackSetOperationResult><StackSetOperation><OperationId>${saved}</OperationId><StackSetId>${stackSetName}</StackSetId><Action>CREATE</Action><Status>RUNNING</Status></StackSetOperation></DescribeStackSetOperationResult><ResponseMetadata><RequestId>held</RequestId></ResponseMetadata></DescribeStackSetOperationResponse>`,
		}, 1);
		aws.proxy.calls.length = 0;
		const again = await cli(['--yes', '--json', '--no-cost-check', '--accounts', 'all']);
		expect(again.code, again.stderr).toBe(0);
		expect(again.stderr).toContain('Picked up the StackSet operation a stopped run left under way');
		expect(aws.proxy.calls.filter(call => /^Create|^Update/.test(call.action))).toEqual([]);
		expect(JSON.parse(again.stdout)).toMatchObject({ok: true, stackSet: {ok: true}});
		expect(readProgress(aws.home).setups[account].changes.filter((change: {action: string}) => change.action === 'cloudformation:StackSetOperation')).toHaveLength(1);
	});

	test('a stack instance that fails: its account and reason in words, each account’s state beside it, ok: false, exit non-zero, and --json still printed', async () => {
		const {a1, a2} = organization.members;
		const blocking = await memberIam(a2);
		await blocking.send(new CreateRoleCommand({RoleName: 'BillingAccess', AssumeRolePolicyDocument: JSON.stringify({Version: '2012-10-17', Statement: []})}));
		blocking.destroy();
		const run = await cli(['--yes', '--json', '--no-cost-check', '--accounts', organization.units.a]);
		expect(run.code).not.toBe(0);
		const result = JSON.parse(run.stdout);
		expect(result).toMatchObject({ok: false, stackSet: {ok: false, name: stackSetName, error: {why: `account ${a2}: Role with name BillingAccess already exists. A role of that name was made there outside this StackSet: remove or rename it there, then run again.`}}});
		expect(Object.fromEntries(result.stackSet.accounts.map((entry: {accountId: string; inPlace: boolean}) => [entry.accountId, entry.inPlace]))).toEqual({[a1]: true, [a2]: false});
		expect(run.stderr).toContain(`account ${a2}: Role with name BillingAccess already exists.`);
	});

	test('status shows the StackSet, its last operation and each member account: in place, or what differs there', async () => {
		const {a1, a2, b1} = organization.members;
		const first = await cli(['--yes', '--json', '--no-cost-check', '--accounts', 'all']);
		expect(first.code, first.stderr).toBe(0);
		const drifted = await memberIam(b1);
		await drifted.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'}));
		drifted.destroy();

		const status = await cli(['status', '--json']);
		expect(status.code, status.stderr).toBe(0);
		const own = JSON.parse(status.stdout).setups.find((setup: {accountId: string}) => setup.accountId === account);
		expect(own.stackSet).toMatchObject({name: stackSetName, status: 'in place', differences: [], lastOperation: {action: 'CREATE', status: 'SUCCEEDED'}});
		expect(Object.fromEntries(own.stackSet.accounts.map((entry: {accountId: string; state: string}) => [entry.accountId, entry.state]))).toEqual({[a1]: 'in place', [a2]: 'in place', [b1]: 'differs'});

		const text = await cli(['status']);
		expect(text.code, text.stderr).toBe(0);
		expect(text.stdout).toContain(`StackSet ${stackSetName}: in place`);
		expect(text.stdout).toMatch(new RegExp(`${b1} b1: .*AdministratorAccess`));
	});

	test('a member that joins a targeted OU later gets the role by automatic deployment: the next run lists it in place, writes nothing, and answers ok: true', async () => {
		const first = await cli(['--yes', '--json', '--no-cost-check', '--accounts', 'all']);
		expect(first.code, first.stderr).toBe(0);
		const joined = await createMemberAccount(aws, 'c1');
		const port = stackSetPort(createCloudFormationClient({}, TEST_REGION), TEST_REGION);
		expect((await port.listInstances(stackSetName)).map(instance => instance.account)).toContain(joined);

		aws.proxy.calls.length = 0;
		const again = await cli(['--yes', '--json', '--no-cost-check', '--accounts', 'all']);
		expect(again.code, again.stderr).toBe(0);
		const result = JSON.parse(again.stdout);
		expect(result).toMatchObject({ok: true, stackSet: {ok: true, created: [], differences: []}});
		expect(result.stackSet.accounts).toContainEqual(expect.objectContaining({accountId: joined, name: 'c1', inPlace: true}));
		expect(writes()).toEqual([]);
	});

	test('a list mixing OUs and accounts is refused before any AWS call, saying what to list instead', async () => {
		aws.proxy.calls.length = 0;
		const run = await cli(['--yes', '--no-cost-check', '--accounts', `${organization.units.a},${organization.members.b1}`]);
		expect(run.code).not.toBe(0);
		expect(run.stderr).toContain(`“${organization.members.b1}” is not an OU id: name OUs (ou-…, r-…) or accounts, not both.`);
		expect(run.stderr).toContain('list every account id');
		expect(aws.proxy.calls).toEqual([]);
	});
});
