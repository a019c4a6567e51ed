/**
 * AWS Organizations in moto, for e2e tests: an organization with this account as management, members made by
 * CreateAccount, a member's admin session through OrganizationAccountAccessRole (which moto creates in each
 * member, trusting the management account), and the clean-up every such file needs.
 *
 * moto 5.2 serves neither InviteAccountToOrganization nor handshakes: every member it has joined as CREATED.
 */
import {
	CreateAccountCommand,
	CreateOrganizationCommand,
	DeleteOrganizationCommand,
	DescribeCreateAccountStatusCommand,
	ListAccountsCommand,
	OrganizationsClient,
	RemoveAccountFromOrganizationCommand,
	type Organization,
} from '@aws-sdk/client-organizations';
import {AssumeRoleCommand, STSClient} from '@aws-sdk/client-sts';
import {afterEach} from 'vitest';
import {account, type AwsFixture} from './aws.js';
import {TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET_ACCESS_KEY} from './moto.js';

export interface SessionKeys {
	accessKeyId: string;
	secretAccessKey: string;
	sessionToken?: string;
}

/** The CLI's environment (through the fault proxy) signed with these keys: a member's session, or a limited user's. */
export function envWithKeys(aws: AwsFixture, keys: SessionKeys): NodeJS.ProcessEnv {
	return aws.env({AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey, AWS_SESSION_TOKEN: keys.sessionToken});
}

/** Client settings with moto's admin test keys (the management account), straight to moto. */
function admin(aws: AwsFixture) {
	return {endpoint: aws.moto.endpoint, region: TEST_REGION, credentials: {accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY}};
}

async function withOrganizations<T>(aws: AwsFixture, work: (client: OrganizationsClient) => Promise<T>): Promise<T> {
	const client = new OrganizationsClient(admin(aws));
	try {
		return await work(client);
	} finally {
		client.destroy();
	}
}

/**
 * Organizations state outlives a test in the e2e worker's shared moto (other files expect a standalone account):
 * every organization made in this file is taken apart after each test. moto's DeleteOrganization refuses while
 * members remain, so they are removed first.
 */
export function useOrganizationCleanup(aws: AwsFixture): void {
	afterEach(() =>
		withOrganizations(aws, async organizations => {
			try {
				const {Accounts: accounts = []} = await organizations.send(new ListAccountsCommand({}));
				for (const {Id: id} of accounts) if (id !== account) await organizations.send(new RemoveAccountFromOrganizationCommand({AccountId: id}));
				await organizations.send(new DeleteOrganizationCommand({}));
			} catch (error) {
				if ((error as Error).name !== 'AWSOrganizationsNotInUseException') throw error;
			}
		}),
	);
}

/** An organization whose management account is moto's default account (every test key's). */
export function createOrganization(aws: AwsFixture): Promise<Organization> {
	return withOrganizations(aws, async organizations => (await organizations.send(new CreateOrganizationCommand({FeatureSet: 'ALL'}))).Organization!);
}

/** A member made by CreateAccount (JoinedMethod CREATED): its id once DescribeCreateAccountStatus names it. */
export function createMemberAccount(aws: AwsFixture, name: string): Promise<string> {
	return withOrganizations(aws, async organizations => {
		const {CreateAccountStatus: creating} = await organizations.send(new CreateAccountCommand({Email: `${name}@example.com`, AccountName: name}));
		// moto finishes CreateAccount at once; a bounded number of reads, not a time window.
		for (let reads = 0; reads < 10; reads++) {
			const {CreateAccountStatus: status} = await organizations.send(new DescribeCreateAccountStatusCommand({CreateAccountRequestId: creating!.Id}));
			if (status?.AccountId) return status.AccountId;
		}
		throw new Error(`moto did not finish creating the account ${name}`);
	});
}

/** An admin session in a member account, as the management account gets one. */
export async function assumeAccessRole(aws: AwsFixture, memberId: string): Promise<SessionKeys> {
	const sts = new STSClient(admin(aws));
	try {
		const {Credentials: session} = await sts.send(
			new AssumeRoleCommand({RoleArn: `arn:aws:iam::${memberId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'member-admin'}),
		);
		return {accessKeyId: session!.AccessKeyId!, secretAccessKey: session!.SecretAccessKey!, sessionToken: session!.SessionToken!};
	} finally {
		sts.destroy();
	}
}
