/**
 * Identity Center in moto, for e2e tests: the account's default instance, users and groups to assign, what a
 * permission set looks like there, and emptying it again (the e2e files of a worker share one moto_server, and
 * useAwsFixture empties only IAM).
 *
 * moto 5.2.1's sso-admin lacks some of what billing-setup calls; tests answer those through the fault proxy:
 * - ListTagsForResource and TagResource are not implemented (moto keeps CreatePermissionSet's tags, unreadable):
 *   `answerTags` answers the read with the tags billing-setup wrote.
 * - DescribePermissionSetProvisioningStatus is not implemented (ProvisionPermissionSet answers SUCCEEDED at once).
 * - AttachManagedPolicyToPermissionSet rejects AWS managed policies under a path (job-function/Billing): it reads
 *   the policy's `path` where moto's own data says `Path`. AWSBillingReadOnlyAccess (path /) attaches.
 */
import {CreateGroupCommand, CreateUserCommand, DeleteGroupCommand, DeleteUserCommand, IdentitystoreClient, ListGroupsCommand, ListUsersCommand} from '@aws-sdk/client-identitystore';
import {
	DeleteAccountAssignmentCommand,
	DeletePermissionSetCommand,
	DescribePermissionSetCommand,
	GetInlinePolicyForPermissionSetCommand,
	ListAccountAssignmentsCommand,
	ListAccountAssignmentsForPrincipalCommand,
	ListInstancesCommand,
	ListManagedPoliciesInPermissionSetCommand,
	ListPermissionSetsCommand,
	SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import {afterAll, afterEach, beforeAll, beforeEach} from 'vitest';
import type {AwsFixture} from './aws.js';
import {readProgress} from './cli.js';
import type {FaultProxy} from './fault-proxy.js';
import {TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET_ACCESS_KEY} from './moto.js';

const account = '123456789012';

export interface IdentityCenterInMoto {
	admin: SSOAdminClient;
	store: IdentitystoreClient;
	instanceArn: string;
	identityStoreId: string;
	group(name: string): Promise<string>;
	user(name: string): Promise<string>;
	/** Every permission set of the instance, read whole; `assignments` are this account's. */
	permissionSets(): Promise<Array<{arn: string; name: string; sessionDuration?: string; managed: string[]; inline?: any; assignments: Array<{type?: string; id?: string}>}>>;
	/** Every assignment of a user or group, in any account, as `ACCOUNT PERMISSION-SET-ARN`. */
	assignmentsOf(principal: {type: 'USER' | 'GROUP'; id: string}): Promise<string[]>;
	/** Deletes every assignment (in any account), permission set, user and group. */
	empty(): Promise<void>;
	destroy(): void;
}

export async function identityCenterIn(endpoint: string): Promise<IdentityCenterInMoto> {
	const config = {endpoint, region: TEST_REGION, credentials: {accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY}};
	const admin = new SSOAdminClient(config);
	const store = new IdentitystoreClient(config);
	const [instance] = (await admin.send(new ListInstancesCommand({}))).Instances ?? [];
	const instanceArn = instance!.InstanceArn!;
	const identityStoreId = instance!.IdentityStoreId!;
	const arns = async () => (await admin.send(new ListPermissionSetsCommand({InstanceArn: instanceArn}))).PermissionSets ?? [];
	const assignments = async (arn: string) =>
		(await admin.send(new ListAccountAssignmentsCommand({InstanceArn: instanceArn, AccountId: account, PermissionSetArn: arn}))).AccountAssignments ?? [];
	const assignmentsOf = async ({type, id}: {type: 'USER' | 'GROUP'; id: string}) =>
		(await admin.send(new ListAccountAssignmentsForPrincipalCommand({InstanceArn: instanceArn, PrincipalType: type, PrincipalId: id}))).AccountAssignments ?? [];
	const unassign = (assignment: {AccountId?: string; PermissionSetArn?: string; PrincipalType?: string; PrincipalId?: string}) =>
		admin.send(
			new DeleteAccountAssignmentCommand({
				InstanceArn: instanceArn,
				TargetId: assignment.AccountId,
				TargetType: 'AWS_ACCOUNT',
				PermissionSetArn: assignment.PermissionSetArn,
				PrincipalType: assignment.PrincipalType as 'USER' | 'GROUP',
				PrincipalId: assignment.PrincipalId,
			}),
		);
	return {
		admin,
		store,
		instanceArn,
		identityStoreId,
		async group(name) {
			return (await store.send(new CreateGroupCommand({IdentityStoreId: identityStoreId, DisplayName: name}))).GroupId!;
		},
		async user(name) {
			const person = {IdentityStoreId: identityStoreId, UserName: name, DisplayName: name, Name: {GivenName: name, FamilyName: 'Test'}};
			return (await store.send(new CreateUserCommand(person))).UserId!;
		},
		async permissionSets() {
			const found = [];
			for (const arn of await arns()) {
				const ids = {InstanceArn: instanceArn, PermissionSetArn: arn};
				const {PermissionSet: set} = await admin.send(new DescribePermissionSetCommand(ids));
				const managed = (await admin.send(new ListManagedPoliciesInPermissionSetCommand(ids))).AttachedManagedPolicies ?? [];
				const inline = (await admin.send(new GetInlinePolicyForPermissionSetCommand(ids))).InlinePolicy;
				found.push({
					arn,
					name: set?.Name ?? '',
					...(set?.SessionDuration && {sessionDuration: set.SessionDuration}),
					managed: managed.map(policy => policy.Arn ?? ''),
					...(inline && {inline: JSON.parse(inline)}),
					assignments: (await assignments(arn)).map(assignment => ({type: assignment.PrincipalType, id: assignment.PrincipalId})),
				});
			}
			return found;
		},
		async assignmentsOf(principal) {
			return (await assignmentsOf(principal)).map(assignment => `${assignment.AccountId} ${assignment.PermissionSetArn}`);
		},
		async empty() {
			// Other accounts' assignments are found through the people they were made to.
			const users = (await store.send(new ListUsersCommand({IdentityStoreId: identityStoreId}))).Users ?? [];
			const groups = (await store.send(new ListGroupsCommand({IdentityStoreId: identityStoreId}))).Groups ?? [];
			const people = [...users.map(user => ({type: 'USER' as const, id: user.UserId!})), ...groups.map(group => ({type: 'GROUP' as const, id: group.GroupId!}))];
			for (const person of people) for (const assignment of await assignmentsOf(person)) await unassign(assignment);
			for (const arn of await arns()) {
				for (const assignment of await assignments(arn)) await unassign({...assignment, AccountId: account, PermissionSetArn: arn});
				await admin.send(new DeletePermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: arn}));
			}
			for (const user of users) await store.send(new DeleteUserCommand({IdentityStoreId: identityStoreId, UserId: user.UserId}));
			for (const group of groups) await store.send(new DeleteGroupCommand({IdentityStoreId: identityStoreId, GroupId: group.GroupId}));
		},
		destroy() {
			admin.destroy();
			store.destroy();
		},
	};
}

/**
 * Answers moto's missing ListTagsForResource with the tags billing-setup writes at CreatePermissionSet: its
 * ManagedBy tag and the setup id of the progress record in `configHome` (saved before the first write).
 */
export function answerTags(proxy: FaultProxy, configHome: string): void {
	const setupId = () => (Object.values(readProgress(configHome).setups)[0] as {setupId: string}).setupId;
	proxy.fault('ListTagsForResource', {
		kind: 'answer',
		body: () => JSON.stringify({Tags: [{Key: 'ManagedBy', Value: 'billing-setup'}, {Key: 'BillingSetupId', Value: setupId()}]}),
	});
}

/**
 * Identity Center in this file's moto for every test: emptied before and after each (the worker's moto is shared
 * with other files, which expect no permission sets, people or assignments), with moto's missing tag read answered.
 * Call it once at the top of the file; the returned function gives the client inside tests and hooks.
 */
export function useIdentityCenter(aws: AwsFixture): () => IdentityCenterInMoto {
	let ic: IdentityCenterInMoto | undefined;
	const current = () => {
		if (!ic) throw new Error('Identity Center is not there: use it inside a test or hook of the file that called useIdentityCenter()');
		return ic;
	};
	beforeAll(async () => {
		ic = await identityCenterIn(aws.moto.endpoint);
	});
	beforeEach(async () => {
		await current().empty();
		answerTags(aws.proxy, aws.home);
	});
	afterEach(() => current().empty());
	afterAll(() => ic?.destroy());
	return current;
}
