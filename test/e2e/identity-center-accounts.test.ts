/**
 * --via identity-center --accounts against moto: a permission set assigned in this (management) account and in
 * two member accounts made by CreateAccount. moto 5.2.1's sso-admin takes any account id as an assignment's
 * target and lists assignments per account, so only what support/identity-center.ts names goes through the
 * fault proxy (the tags), and Organizations' refusal outside an organization, which moto answers with no accounts.
 */
import {CreateAccountAssignmentCommand, ListAccountAssignmentsCommand} from '@aws-sdk/client-sso-admin';
import {describe, expect, test} from 'vitest';
import {account, useAwsFixture} from '../support/aws.js';
import {runCli} from '../support/cli.js';
import {useIdentityCenter} from '../support/identity-center.js';
import {createMemberAccount, createOrganization, useOrganizationCleanup} from '../support/organizations.js';

const aws = useAwsFixture();
useOrganizationCleanup(aws);
const ic = useIdentityCenter(aws);
const setupArgs = ['--via', 'identity-center', '--assign', 'group:Finance', '--access', 'read-only', '--accounts', 'all', '--yes', '--json'];

async function cli(args: string[]) {
	const result = await runCli(args, {env: aws.env()});
	return {...result, json: () => JSON.parse(result.stdout)};
}

const actions = (json: {created: Array<{action: string}>}) => json.created.map(write => write.action);

async function assignedIn(accountId: string, permissionSetArn: string): Promise<string[]> {
	const {AccountAssignments: found = []} = await ic().admin.send(new ListAccountAssignmentsCommand({InstanceArn: ic().instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn}));
	return found.map(assignment => `${assignment.PrincipalType}:${assignment.PrincipalId}`);
}

describe('--accounts all', () => {
	test('assigns the permission set in every ACTIVE account of the organization; a re-run writes nothing; undo removes every assignment', async () => {
		await createOrganization(aws);
		const members = [await createMemberAccount(aws, 'finance'), await createMemberAccount(aws, 'shop')];
		const finance = await ic().group('Finance');
		const everyAccount = [account, ...members];

		const dryRun = await cli(['--via', 'identity-center', '--assign', 'group:Finance', '--accounts', 'all', '--dry-run', '--json']);
		expect(dryRun.code, dryRun.stderr).toBe(0);
		const commands: string = dryRun.json().cliCommands.join('\n');
		for (const accountId of everyAccount) expect(commands).toContain(`--target-type AWS_ACCOUNT --target-id ${accountId}`);
		expect(commands.match(/create-account-assignment/g)).toHaveLength(3);

		const first = await cli(setupArgs);
		expect(first.code, first.stderr).toBe(0);
		const made = first.json();
		expect(actions(made).filter(action => action === 'sso:CreateAccountAssignment')).toHaveLength(3);
		expect(made.permissionSet.accounts.toSorted()).toEqual(everyAccount.toSorted());
		for (const accountId of everyAccount) expect(made.profile).toContain(`[profile billingaccess-${accountId}]\nsso_session = billing-setup\nsso_account_id = ${accountId}`);
		const [set] = await ic().permissionSets();
		for (const accountId of everyAccount) expect(await assignedIn(accountId, set!.arn)).toEqual([`GROUP:${finance}`]);

		const again = await cli(setupArgs);
		expect(again.code, again.stderr).toBe(0);
		expect(again.json()).toMatchObject({ok: true, created: [], alreadyInPlace: true, differences: []});

		const undo = await cli(['undo', '--yes', '--json']);
		expect(undo.code, undo.stderr).toBe(0);
		expect(actions({created: undo.json().writes}).filter(action => action === 'sso:DeleteAccountAssignment')).toHaveLength(3);
		expect(await ic().permissionSets()).toEqual([]);
		expect(await ic().assignmentsOf({type: 'GROUP', id: finance})).toEqual([]);
	});

	test('outside an organization it stops before any write, saying why', async () => {
		await ic().group('Finance');
		// moto 5.2.1 lists no accounts outside an organization; AWS refuses with this.
		aws.proxy.fault('ListAccounts', {kind: 'error', status: 400, code: 'AWSOrganizationsNotInUseException', message: 'Your account is not a member of an organization.'});
		const run = await cli(setupArgs);
		expect(run.code).toBe(1);
		expect(run.json().error.title).toBe('This account is not in an AWS Organization, so --accounts all names no accounts.');
		expect(await ic().permissionSets()).toEqual([]);
	});
});

describe('--accounts ID,ID', () => {
	test('assigns it in the listed accounts only, and an extra assignment there is shown as beyond the plan', async () => {
		const other = '210987654321';
		const finance = await ic().group('Finance');
		const args = ['--via', 'identity-center', '--assign', 'group:Finance', '--access', 'read-only', '--accounts', `${account},${other}`, '--yes', '--json'];
		const first = await cli(args);
		expect(first.code, first.stderr).toBe(0);
		expect(first.json().permissionSet.accounts).toEqual([account, other]);
		const [set] = await ic().permissionSets();
		expect(await assignedIn(other, set!.arn)).toEqual([`GROUP:${finance}`]);

		const mallory = await ic().user('mallory');
		await ic().admin.send(
			new CreateAccountAssignmentCommand({
				InstanceArn: ic().instanceArn,
				TargetId: other,
				TargetType: 'AWS_ACCOUNT',
				PermissionSetArn: set!.arn,
				PrincipalType: 'USER',
				PrincipalId: mallory,
			}),
		);
		const dryRun = (await cli(['--dry-run', '--json'])).json();
		expect(dryRun.live.differences).toEqual([
			// Named as people know the user, not by the identity store's id.
			expect.objectContaining({summary: `unassign user:mallory in account ${other} (assigned outside billing-setup)`, widening: true, foreign: true}),
		]);
	});
});
