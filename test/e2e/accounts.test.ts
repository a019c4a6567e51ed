/**
 * `billing-setup accounts` against moto: an organization whose management account is moto's default account,
 * members made by CreateAccount (moto creates OrganizationAccountAccessRole in each), each member's role arranged
 * through that member's own session. moto has no invitations (InviteAccountToOrganization, handshakes), so an
 * INVITED member — and a second page of ListAccounts — come from the fault proxy, answered as AWS would.
 */
import {AttachRolePolicyCommand, IAMClient} from '@aws-sdk/client-iam';
import {describe, expect, it} from 'vitest';
import {account, useAwsFixture} from '../support/aws.js';
import {runCli} from '../support/cli.js';
import {answerTags, identityCenterIn} from '../support/identity-center.js';
import {TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET_ACCESS_KEY} from '../support/moto.js';
import {assumeAccessRole, createMemberAccount, createOrganization, envWithKeys, useOrganizationCleanup, type SessionKeys} from '../support/organizations.js';

const aws = useAwsFixture();
useOrganizationCleanup(aws);

const managementKeys: SessionKeys = {accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY};
const createdNote = 'IAM access to billing is on by default (CreateAccount’s IamUserAccessToBilling defaults to ALLOW), unless whoever created it chose DENY.';

/** billing-setup's own headless setup in that account: the role as a user would have made it. */
async function setUpRole(keys: SessionKeys, flags: string[] = []) {
	const run = await runCli(['--yes', '--no-cost-check', ...flags], {env: envWithKeys(aws, keys)});
	expect(run.code, run.stderr).toBe(0);
}

async function accounts(args: string[] = ['--json'], keys = managementKeys) {
	aws.proxy.calls.length = 0;
	return runCli(['accounts', ...args], {env: envWithKeys(aws, keys)});
}

describe('from the management account', () => {
	it('reads each member’s role in that member: in place, differs (named), absent; the management account first, read directly', async () => {
		const organization = await createOrganization(aws);
		const finance = await createMemberAccount(aws, 'finance');
		const sandbox = await createMemberAccount(aws, 'sandbox');
		const legacy = await createMemberAccount(aws, 'legacy');
		await setUpRole(managementKeys);
		await setUpRole(await assumeAccessRole(aws, finance));
		const legacyKeys = await assumeAccessRole(aws, legacy);
		await setUpRole(legacyKeys);
		const legacyIam = new IAMClient({endpoint: aws.moto.endpoint, region: TEST_REGION, credentials: legacyKeys});
		await legacyIam.send(new AttachRolePolicyCommand({RoleName: 'BillingAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess'}));
		legacyIam.destroy();

		const run = await accounts();
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		expect(result).toMatchObject({organizationId: organization.Id, managementAccountId: account, roleName: 'BillingAccess', accessRole: 'OrganizationAccountAccessRole'});
		const byId = Object.fromEntries(result.accounts.map((entry: {id: string}) => [entry.id, entry]));
		expect(result.accounts[0]).toMatchObject({id: account, management: true, role: {kind: 'in-place', arn: `arn:aws:iam::${account}:role/BillingAccess`}});
		expect(result.accounts[0].next).toBeUndefined();
		expect(byId[finance]).toMatchObject({
			name: 'finance',
			email: 'finance@example.com',
			status: 'ACTIVE',
			joinedMethod: 'CREATED',
			management: false,
			role: {kind: 'in-place', arn: `arn:aws:iam::${finance}:role/BillingAccess`},
			billingAccess: {
				// moto's Cost Explorer answers: the setting is on there, as AWS said to the access role's session.
				note: 'IAM access to billing is on: Cost Explorer answered assumed-role/OrganizationAccountAccessRole/billing-setup-accounts (this month so far USD 0.00 (estimated)).',
				check: {state: 'active', checkedAs: `arn:aws:sts::${finance}:assumed-role/OrganizationAccountAccessRole/billing-setup-accounts`},
				steps: [`Sign in to account ${finance} as the root user (finance@example.com)`, 'Open https://console.aws.amazon.com/billing/home#/account', expect.any(String), expect.any(String)],
			},
		});
		// The management account has the role; the sandbox does not: each was read in its own account.
		expect(byId[sandbox]).toMatchObject({role: {kind: 'absent'}, next: expect.stringContaining(`Run billing-setup in account ${sandbox}`)});
		expect(byId[legacy]).toMatchObject({
			role: {kind: 'differs', arn: `arn:aws:iam::${legacy}:role/BillingAccess`, differences: ['detach AdministratorAccess']},
			next: `Run billing-setup in account ${legacy}: it lists each difference before changing anything.`,
		});
		expect(result.accounts).toHaveLength(4);
		// One session per member; the management account is read with the caller's own credentials.
		expect(aws.proxy.calls.filter(call => call.action === 'AssumeRole')).toHaveLength(3);
	});

	it('compares with the role the setup flags describe: a read-only role is in place for --access read-only only', async () => {
		await createOrganization(aws);
		await setUpRole(managementKeys, ['--access', 'read-only']);
		const byDefault = JSON.parse((await accounts()).stdout);
		expect(byDefault.accounts[0].role).toMatchObject({kind: 'differs'});
		const asMade = await accounts(['--json', '--access', 'read-only']);
		expect(asMade.code, asMade.stderr).toBe(0);
		expect(JSON.parse(asMade.stdout).accounts[0].role).toMatchObject({kind: 'in-place'});
	});

	it('says how many groups and users the Identity Center permission set is assigned to in each account', async () => {
		const ic = await identityCenterIn(aws.moto.endpoint);
		try {
			await createOrganization(aws);
			const finance = await createMemberAccount(aws, 'finance');
			const sandbox = await createMemberAccount(aws, 'sandbox');
			await ic.group('Finance');
			answerTags(aws.proxy, aws.home);
			// moto cannot attach job-function/Billing to a permission set (support/identity-center.ts): read-only.
			const made = await runCli(['--via', 'identity-center', '--assign', 'group:Finance', '--accounts', `${account},${finance}`, '--access', 'read-only', '--yes'], {
				env: envWithKeys(aws, managementKeys),
			});
			expect(made.code, made.stderr).toBe(0);
			const run = await accounts();
			expect(run.code, run.stderr).toBe(0);
			const result = JSON.parse(run.stdout);
			expect(result.permissionSet).toMatchObject({kind: 'found', name: 'BillingAccess'});
			const byId = Object.fromEntries(result.accounts.map((entry: {id: string}) => [entry.id, entry]));
			expect(byId[account].permissionSet).toEqual({groups: 1, users: 0});
			expect(byId[finance].permissionSet).toEqual({groups: 1, users: 0});
			expect(byId[sandbox].permissionSet).toEqual({groups: 0, users: 0});
			const text = (await accounts([])).stdout;
			expect(text).toContain(`  ${finance}  finance  ACTIVE  created\n    Role BillingAccess: absent\n    Next: Run billing-setup in account ${finance}`);
			expect(text).toContain('    Permission set BillingAccess: assigned to 1 group');
			expect(text).toContain('    Permission set BillingAccess: not assigned');
		} finally {
			await ic.empty();
			ic.destroy();
		}
	});

	it('without the permission set in Identity Center, one line says so', async () => {
		await createOrganization(aws);
		const run = await accounts([]);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stdout).toContain('Identity Center: no permission set BillingAccess (Identity Center has none of that name).');
		expect(run.stdout).not.toContain('Permission set BillingAccess:');
	});

	it('prints a readable list on stdout, the console steps once, and no spinner when stderr is not a terminal', async () => {
		await createOrganization(aws);
		const sandbox = await createMemberAccount(aws, 'sandbox');
		const run = await accounts(['--no-check']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toBe('');
		expect(run.stdout).toContain(`▶ ${account}  master  ACTIVE  management account, this one: StackSets never deploy here\n    Role BillingAccess: absent\n    Next: Run billing-setup here: StackSets never deploy to the management account.`);
		expect(run.stdout).toContain(`  ${sandbox}  sandbox  ACTIVE  created\n    Role BillingAccess: absent\n`);
		expect(run.stdout).toContain(`    Root-only setting: ${createdNote} (Cost Explorer was not asked)`);
		expect(run.stdout).toContain(
			[
				'To switch on IAM access to billing in an account (in the console only):',
				'  1. Sign in to that account as the root user',
				'  2. Open https://console.aws.amazon.com/billing/home#/account',
			].join('\n'),
		);
	});

	it('an invited member on the second page: its root must check the setting, and the access role it could not assume is named', async () => {
		await createOrganization(aws);
		const invited = '210987654321';
		const listed = (id: string, name: string, joinedMethod: string) => ({
			Id: id, Arn: `arn:aws:organizations::${account}:account/o-x/${id}`, Email: `${name}@example.com`, Name: name,
			Status: 'ACTIVE', State: 'ACTIVE', JoinedMethod: joinedMethod, JoinedTimestamp: 1_767_225_600,
		});
		aws.proxy.fault('ListAccounts', {kind: 'answer', body: JSON.stringify({Accounts: [listed(account, 'master', 'CREATED')], NextToken: 'page-2'})}, 1);
		aws.proxy.fault('ListAccounts', {kind: 'answer', body: JSON.stringify({Accounts: [listed(invited, 'acquired', 'INVITED')]})}, 1);
		// Organizations made no access role in an invited account: AssumeRole is refused as AWS words it.
		const denial = `User: arn:aws:iam::${account}:user/moto is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${invited}:role/BillingAuditor`;
		aws.proxy.fault('AssumeRole', {kind: 'error', status: 403, code: 'AccessDenied', message: denial}, 1);

		const run = await accounts(['--json', '--access-role', 'BillingAuditor']);
		expect(run.code, run.stderr).toBe(0);
		const result = JSON.parse(run.stdout);
		expect(aws.proxy.calls.filter(call => call.action === 'ListAccounts')).toHaveLength(2);
		expect(result.accounts.map((entry: {id: string}) => entry.id)).toEqual([account, invited]);
		expect(result.accounts[1]).toMatchObject({
			joinedMethod: 'INVITED',
			billingAccess: {note: 'It joined by invitation and keeps its own setting: its root user must check the setting. (Cost Explorer was not asked)'},
			role: {
				kind: 'unknown',
				reason: `Could not assume arn:aws:iam::${invited}:role/BillingAuditor: sts:AssumeRole failed (AccessDenied: ${denial}.)`,
				next: expect.stringMatching(/^Organizations creates that role only in the accounts it creates.*Pass --access-role NAME/),
			},
		});
		expect(result.accounts[1].next).toBe(result.accounts[1].role.next);
	});
});

describe('anywhere else it says where to run it, with exit 1', () => {
	it('standalone: run billing-setup', async () => {
		const run = await accounts();
		expect(run.code).toBe(1);
		expect(run.stdout).toBe('');
		expect(run.stderr).toContain('This account is not in an organization — run billing-setup.');
	});

	it('member: the management account’s id', async () => {
		const organization = await createOrganization(aws);
		const member = await createMemberAccount(aws, 'member');
		const run = await accounts(['--json'], await assumeAccessRole(aws, member));
		expect(run.code).toBe(1);
		expect(run.stderr).toContain(`This account is a member of organization ${organization.Id}: run this in the management account ${account}.`);
		expect(aws.proxy.calls.map(call => call.action)).not.toContain('ListAccounts');
	});

	it('DescribeOrganization denied: it says so', async () => {
		aws.proxy.fault('DescribeOrganization', {kind: 'error', status: 400, code: 'AccessDeniedException', message: 'You don’t have permissions to access this resource.'});
		const run = await accounts();
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('billing-setup cannot tell whether this is the management account of an organization.');
		expect(run.stderr).toContain('organizations:DescribeOrganization was denied to you');
	});
});
