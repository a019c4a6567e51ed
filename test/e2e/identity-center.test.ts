/**
 * --via identity-center against moto: a permission set with the billing policy and the Cost Explorer add-on,
 * assigned to a group of the identity store; a re-run writes nothing; drift is repaired; undo removes it; the dry
 * run lists the AWS CLI commands. What moto lacks is answered through the fault proxy (support/identity-center.ts).
 * Full access is covered by the unit tests: moto cannot attach job-function/Billing to a permission set.
 */
import {AttachManagedPolicyToPermissionSetCommand} from '@aws-sdk/client-sso-admin';
import {describe, expect, test} from 'vitest';
import {useAwsFixture} from '../support/aws.js';
import {runCli} from '../support/cli.js';
import {startTerminal} from '../support/terminal.js';
import {useIdentityCenter} from '../support/identity-center.js';

const aws = useAwsFixture();
const ic = useIdentityCenter(aws);
const readOnly = 'arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess';
const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
const setupArgs = ['--via', 'identity-center', '--assign', 'group:Finance', '--access', 'read-only', '--yes', '--json'];

async function cli(args: string[]) {
	const result = await runCli(args, {env: aws.env()});
	return {...result, json: () => JSON.parse(result.stdout)};
}

const actions = (json: {created: Array<{action: string}>}) => json.created.map(write => write.action);

describe('a billing permission set', () => {
	test('is made with the policy and the add-on and assigned to the group; a re-run writes nothing; undo removes it', async () => {
		const finance = await ic().group('Finance');
		const first = await cli(setupArgs);
		expect(first.code, first.stderr).toBe(0);
		const made = first.json();
		expect(actions(made)).toEqual([
			'sso:CreatePermissionSet',
			'sso:PutInlinePolicyToPermissionSet',
			'sso:AttachManagedPolicyToPermissionSet',
			'sso:CreateAccountAssignment',
		]);
		expect(made).toMatchObject({
			ok: true,
			via: 'identity-center',
			permissionSet: {name: 'BillingAccess', sessionDuration: 'PT1H', assignees: ['group:Finance']},
			accessPortalUrl: `https://${ic().identityStoreId}.awsapps.com/start`,
		});
		expect(made.profile).toContain('sso_role_name = BillingAccess');
		// The first notes name what this path makes.
		expect(first.stderr).toContain('Not in an AWS Organization: the permission set will see this account’s bills and costs.');
		expect(made.profile).toContain(`sso_start_url = https://${ic().identityStoreId}.awsapps.com/start`);
		const [set] = await ic().permissionSets();
		expect(set).toMatchObject({name: 'BillingAccess', sessionDuration: 'PT1H', managed: [readOnly], assignments: [{type: 'GROUP', id: finance}]});
		expect(set!.inline.Statement).toEqual([{Sid: 'BillingSetupCostExplorerRead', Effect: 'Allow', Action: ['ce:Describe*', 'ce:Get*', 'ce:List*'], Resource: '*'}]);

		const again = await cli(setupArgs);
		expect(again.code, again.stderr).toBe(0);
		expect(again.json()).toMatchObject({ok: true, ownership: 'ours', created: [], alreadyInPlace: true, differences: []});

		const status = (await cli(['status', '--json'])).json();
		expect(status.setups[0].live).toMatchObject({ownership: 'ours', differences: []});
		const handOff = (await cli(['status', '--handoff', '--json'])).json();
		expect(handOff).toEqual({accountId: '123456789012', permissionSetArn: set!.arn, accessPortalUrl: made.accessPortalUrl, profileName: 'billingaccess-123456789012', profileBlock: made.profile, differences: []});

		const undo = await cli(['undo', '--yes', '--json']);
		expect(undo.code, undo.stderr).toBe(0);
		expect(undo.json()).toMatchObject({ok: true, removed: true, permissionSets: [set!.arn]});
		expect(await ic().permissionSets()).toEqual([]);
	});

	test('a managed policy attached outside is shown as beyond the plan, detached, and provisioned after a counted wait', async () => {
		await ic().group('Finance');
		expect((await cli(setupArgs)).code).toBe(0);
		const [set] = await ic().permissionSets();
		await ic().admin.send(new AttachManagedPolicyToPermissionSetCommand({InstanceArn: ic().instanceArn, PermissionSetArn: set!.arn, ManagedPolicyArn: admin}));

		const dryRun = (await cli(['--dry-run', '--json'])).json();
		expect(dryRun.live.differences).toEqual([expect.objectContaining({summary: 'detach AdministratorAccess (attached outside billing-setup)', widening: true, foreign: true})]);

		// Real provisioning answers IN_PROGRESS and is polled; moto answers at once and lacks the status call.
		const requestId = 'provision-1';
		aws.proxy.fault('ProvisionPermissionSet', {kind: 'answer', body: JSON.stringify({PermissionSetProvisioningStatus: {RequestId: requestId, Status: 'IN_PROGRESS'}})}, 1);
		aws.proxy.fault('DescribePermissionSetProvisioningStatus', {kind: 'answer', body: JSON.stringify({PermissionSetProvisioningStatus: {RequestId: requestId, Status: 'IN_PROGRESS'}})}, 1);
		aws.proxy.fault('DescribePermissionSetProvisioningStatus', {kind: 'answer', body: JSON.stringify({PermissionSetProvisioningStatus: {RequestId: requestId, Status: 'SUCCEEDED'}})}, 1);
		const repair = await cli(setupArgs);
		expect(repair.code, repair.stderr).toBe(0);
		expect(actions(repair.json())).toEqual(['sso:DetachManagedPolicyFromPermissionSet', 'sso:ProvisionPermissionSet']);
		expect(aws.proxy.calls.filter(call => call.action === 'DescribePermissionSetProvisioningStatus')).toHaveLength(2);
		expect((await ic().permissionSets())[0]!.managed).toEqual([readOnly]);
	});

	test('a provisioning Identity Center reports as failed ends the run with its reason', async () => {
		await ic().group('Finance');
		expect((await cli(setupArgs)).code).toBe(0);
		const [set] = await ic().permissionSets();
		await ic().admin.send(new AttachManagedPolicyToPermissionSetCommand({InstanceArn: ic().instanceArn, PermissionSetArn: set!.arn, ManagedPolicyArn: admin}));
		const failed = {PermissionSetProvisioningStatus: {RequestId: 'provision-2', Status: 'FAILED', FailureReason: 'Received a 404 status error: Not supported policy.'}};
		aws.proxy.fault('ProvisionPermissionSet', {kind: 'answer', body: JSON.stringify(failed)}, 1);
		const run = await cli(setupArgs);
		expect(run.code).toBe(1);
		expect(run.json().error).toMatchObject({title: 'Identity Center could not provision BillingAccess to account 123456789012.', why: failed.PermissionSetProvisioningStatus.FailureReason});
	});

	test('the dry run lists the AWS CLI commands and writes nothing', async () => {
		await ic().group('Finance');
		const dryRun = await cli(['--via', 'identity-center', '--assign', 'group:Finance', '--dry-run', '--json']);
		expect(dryRun.code, dryRun.stderr).toBe(0);
		const commands: string = dryRun.json().cliCommands.join('\n');
		for (const command of ['create-permission-set', 'put-inline-policy-to-permission-set', 'attach-managed-policy-to-permission-set', 'get-group-id', 'create-account-assignment', 'provision-permission-set']) {
			expect(commands).toContain(`aws ${command === 'get-group-id' ? 'identitystore' : 'sso-admin'} ${command}`);
		}
		expect(commands).toContain('--session-duration PT1H');
		expect(dryRun.json().live).toMatchObject({ownership: 'absent'});
		expect(await ic().permissionSets()).toEqual([]);
	});

	test('a group the identity store does not have stops the run before anything is written', async () => {
		const run = await cli(setupArgs);
		expect(run.code).toBe(1);
		expect(run.json().error.title).toBe(`The identity store ${ic().identityStoreId} has no group named Finance.`);
		expect(await ic().permissionSets()).toEqual([]);
	});
	test('in the wizard: where Identity Center has people it offers a permission set, a picker of them, and ends with how to sign in', async () => {
		const finance = await ic().group('Finance');
		const terminal = await startTerminal({env: {...aws.proxy.env, XDG_CONFIG_HOME: aws.home}});
		try {
			const answer = async (prompt: string, keys: string[] = []) => {
				await terminal.waitFor(prompt);
				if (keys.length > 0) await terminal.press(keys);
				await terminal.press('Enter');
			};
			await answer('Is IAM access to billing activated?');
			// moto's caller is no Identity Center user, so the role comes first; the permission set is one down.
			await answer('How should people get billing access?', ['Down']);
			await answer('Permission set name');
			// moto cannot attach job-function/Billing to a permission set (see support/identity-center.ts).
			await answer('What may the permission set do?', ['Down']);
			await answer('Add Cost Explorer reports');
			await terminal.waitFor('☐ group:Finance');
			await answer('Choose who gets the permission set', ['Space']);
			await answer('How long may one session last?');
			await answer('Permission set BillingAccess in account 123456789012, assigned to group:Finance');
			expect(await terminal.waitForExit(30_000)).toBe(0);
			const screen = await terminal.screen({history: true, join: true});
			expect(screen).toContain('BillingAccess is ready.');
			expect(screen).toContain(`https://${ic().identityStoreId}.awsapps.com/start`);
			expect(screen).toContain('sso_role_name = BillingAccess');
		} finally {
			await terminal.close();
		}
		const [set] = await ic().permissionSets();
		expect(set).toMatchObject({name: 'BillingAccess', managed: [readOnly], assignments: [{type: 'GROUP', id: finance}]});
	});
});
