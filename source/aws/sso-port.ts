/**
 * The SsoPort on the AWS SDK: sso-admin for the instance, permission sets and assignments, identitystore for
 * users and groups. Loaded only for --via identity-center, like every client past STS and IAM.
 */
import {DescribeGroupCommand, DescribeUserCommand, GetGroupIdCommand, GetUserIdCommand, IdentitystoreClient, paginateListGroups, paginateListUsers} from '@aws-sdk/client-identitystore';
import {
	AttachManagedPolicyToPermissionSetCommand,
	CreateAccountAssignmentCommand,
	CreatePermissionSetCommand,
	DeleteAccountAssignmentCommand,
	DeleteInlinePolicyFromPermissionSetCommand,
	DeletePermissionSetCommand,
	DescribeAccountAssignmentCreationStatusCommand,
	DescribeAccountAssignmentDeletionStatusCommand,
	DescribePermissionSetCommand,
	DescribePermissionSetProvisioningStatusCommand,
	DetachCustomerManagedPolicyReferenceFromPermissionSetCommand,
	DetachManagedPolicyFromPermissionSetCommand,
	GetInlinePolicyForPermissionSetCommand,
	ListInstancesCommand,
	paginateListAccountAssignments,
	paginateListCustomerManagedPolicyReferencesInPermissionSet,
	paginateListManagedPoliciesInPermissionSet,
	paginateListPermissionSets,
	paginateListTagsForResource,
	ProvisionPermissionSetCommand,
	PutInlinePolicyToPermissionSetCommand,
	SSOAdminClient,
	TagResourceCommand,
	UpdatePermissionSetCommand,
	type AccountAssignmentOperationStatus,
	type PermissionSet,
	type PermissionSetProvisioningStatus,
} from '@aws-sdk/client-sso-admin';
import {inFlightLimit, requestsAtOnce} from '../core/concurrency.js';
import type {Assignee} from '../core/settings.js';
import type {AssignmentTarget, IdentityCenterInstance, LivePermissionSet, RequestStatus, SsoPort} from '../reconcile/sso.js';
import {requestHandler} from './http.js';
import {isAwsError, unlessMissing} from './problems.js';
import {nameFailedActions, type ClientOptions} from './sts.js';

/** An assignment as CreateAccountAssignment and DeleteAccountAssignment both take it. */
function assignmentInput(instanceArn: string, {accountId, permissionSetArn, principalType, principalId}: AssignmentTarget) {
	return {InstanceArn: instanceArn, TargetId: accountId, TargetType: 'AWS_ACCOUNT' as const, PermissionSetArn: permissionSetArn, PrincipalType: principalType, PrincipalId: principalId};
}

function statusOf(answer: AccountAssignmentOperationStatus | PermissionSetProvisioningStatus | undefined): RequestStatus {
	return {
		requestId: answer?.RequestId ?? '',
		status: (answer?.Status as RequestStatus['status'] | undefined) ?? 'IN_PROGRESS',
		...(answer?.FailureReason && {failureReason: answer.FailureReason}),
	};
}

/** `/path/Name` ↔ the reference Identity Center takes. */
function customerPolicyReference(reference: string): {Name: string; Path: string} {
	const cut = reference.lastIndexOf('/');
	return {Path: reference.slice(0, cut + 1), Name: reference.slice(cut + 1)};
}

async function* mapPages<Page, Item>(pages: AsyncIterable<Page>, pick: (page: Page) => Item[]): AsyncIterable<Item[]> {
	for await (const page of pages) yield pick(page);
}

export interface SsoClients {
	admin: SSOAdminClient;
	identityStore: IdentitystoreClient;
	destroy(): void;
}

export function createSsoClients({profile}: ClientOptions, region: string): SsoClients {
	const admin = new SSOAdminClient({...(profile && {profile}), region, requestHandler});
	const identityStore = new IdentitystoreClient({...(profile && {profile}), region, requestHandler});
	nameFailedActions(admin, 'sso');
	nameFailedActions(identityStore, 'identitystore');
	return {admin, identityStore, destroy: () => (admin.destroy(), identityStore.destroy())};
}

export function ssoPort({admin, identityStore}: SsoClients, region: string): SsoPort {
	const pages = {client: admin};
	const limit = inFlightLimit(requestsAtOnce);
	const describe = (instanceArn: string, permissionSetArn: string) =>
		limit(() => admin.send(new DescribePermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn})));
	/** The permission set whole: its description, tags, policies and inline document, asked together. */
	async function read(instanceArn: string, permissionSetArn: string, described?: PermissionSet): Promise<LivePermissionSet | undefined> {
		const ids = {InstanceArn: instanceArn, PermissionSetArn: permissionSetArn};
		const listTags = limit(async () => {
			const tags: Record<string, string> = {};
			for await (const page of paginateListTagsForResource(pages, {InstanceArn: instanceArn, ResourceArn: permissionSetArn})) {
				for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
			}
			return tags;
		});
		const listManaged = limit(async () => {
			const arns: string[] = [];
			for await (const page of paginateListManagedPoliciesInPermissionSet(pages, ids)) arns.push(...(page.AttachedManagedPolicies ?? []).flatMap(policy => (policy.Arn ? [policy.Arn] : [])));
			return arns;
		});
		const listCustomer = limit(async () => {
			const references: string[] = [];
			for await (const page of paginateListCustomerManagedPolicyReferencesInPermissionSet(pages, ids)) {
				references.push(...(page.CustomerManagedPolicyReferences ?? []).map(reference => `${reference.Path ?? '/'}${reference.Name ?? ''}`));
			}
			return references;
		});
		const getInline = limit(() => admin.send(new GetInlinePolicyForPermissionSetCommand(ids)));
		const parts = Promise.all([listTags, listManaged, listCustomer, getInline]);
		// The others fail too when it is gone: that is the describe's to say.
		parts.catch(() => {});
		const found = described ?? (await unlessMissing(describe(instanceArn, permissionSetArn), 'ResourceNotFound'))?.PermissionSet;
		if (!found) return undefined;
		const [tags, managedPolicies, customerManagedPolicies, {InlinePolicy: inline}] = await parts;
		return {
			arn: permissionSetArn,
			name: found.Name ?? '',
			description: found.Description ?? '',
			sessionDuration: found.SessionDuration ?? 'PT1H',
			tags,
			managedPolicies,
			customerManagedPolicies,
			// Unlike IAM's, the document comes as plain JSON, not URL-encoded.
			...(inline && {inlinePolicy: JSON.parse(inline) as unknown}),
		};
	}
	// One instance per account and region: asked once, for the account read and every pass after it.
	let instance: Promise<IdentityCenterInstance | undefined> | undefined;
	const principalIds = new Map<string, Promise<string | undefined>>();
	return {
		region,
		instance: () =>
			(instance ??= (async () => {
				try {
					const [first] = (await limit(() => admin.send(new ListInstancesCommand({})))).Instances ?? [];
					return first?.InstanceArn && first.IdentityStoreId ? {instanceArn: first.InstanceArn, identityStoreId: first.IdentityStoreId} : undefined;
				} catch (error) {
					// Without sso:ListInstances there is nothing to set up in; the caller says where to look.
					if (isAwsError(error, 'AccessDenied')) return undefined;
					throw error;
				}
			})()),
		async findPermissionSet(instanceArn, name) {
			// ListPermissionSets names none: each is described (a few at once) until the name matches (names are unique per instance).
			for await (const page of paginateListPermissionSets(pages, {InstanceArn: instanceArn})) {
				const arns = page.PermissionSets ?? [];
				for (let start = 0; start < arns.length; start += requestsAtOnce) {
					const batch = arns.slice(start, start + requestsAtOnce);
					const described = await Promise.all(batch.map(arn => describe(instanceArn, arn)));
					const match = described.findIndex(answer => answer.PermissionSet?.Name === name);
					if (match !== -1) return read(instanceArn, batch[match]!, described[match]!.PermissionSet);
				}
			}
			return undefined;
		},
		readPermissionSet: (instanceArn, permissionSetArn) => read(instanceArn, permissionSetArn),
		async listPeople(identityStoreId, most) {
			// Groups and users are listed together; groups come first in the answer.
			const upTo = async (pages: AsyncIterable<Assignee[]>) => {
				const people: Assignee[] = [];
				for await (const page of pages) if (people.push(...page) >= most) break;
				return people;
			};
			const [groups, users] = await Promise.all([
				upTo(mapPages(paginateListGroups({client: identityStore}, {IdentityStoreId: identityStoreId}), page => (page.Groups ?? []).flatMap(group => (group.DisplayName ? [{type: 'GROUP' as const, name: group.DisplayName}] : [])))),
				upTo(mapPages(paginateListUsers({client: identityStore}, {IdentityStoreId: identityStoreId}), page => (page.Users ?? []).flatMap(user => (user.UserName ? [{type: 'USER' as const, name: user.UserName}] : [])))),
			]);
			return [...groups, ...users].slice(0, most);
		},
		principalId(identityStoreId, {type, name}) {
			const key = `${identityStoreId} ${type}:${name}`;
			const identifier = (path: string) => ({IdentityStoreId: identityStoreId, AlternateIdentifier: {UniqueAttribute: {AttributePath: path, AttributeValue: name}}});
			const lookUp = async () =>
				(await unlessMissing(
					type === 'USER'
						? identityStore.send(new GetUserIdCommand(identifier('userName'))).then(found => found.UserId)
						: identityStore.send(new GetGroupIdCommand(identifier('displayName'))).then(found => found.GroupId),
					'ResourceNotFound',
				)) || undefined;
			// A person's id never changes: the review's lookup serves the write and the verify after it.
			const known = principalIds.get(key) ?? lookUp();
			principalIds.set(key, known);
			return known;
		},
		async principalName(identityStoreId, {principalType, principalId}) {
			const name = await unlessMissing(
				principalType === 'USER'
					? identityStore.send(new DescribeUserCommand({IdentityStoreId: identityStoreId, UserId: principalId})).then(found => found.UserName)
					: identityStore.send(new DescribeGroupCommand({IdentityStoreId: identityStoreId, GroupId: principalId})).then(found => found.DisplayName),
				'ResourceNotFound',
			);
			return name || undefined;
		},
		async listAssignments(instanceArn, accountId, permissionSetArn) {
			const found = [];
			for await (const page of paginateListAccountAssignments(pages, {InstanceArn: instanceArn, AccountId: accountId, PermissionSetArn: permissionSetArn})) {
				for (const assignment of page.AccountAssignments ?? []) {
					if (assignment.PrincipalId && (assignment.PrincipalType === 'USER' || assignment.PrincipalType === 'GROUP')) {
						found.push({principalType: assignment.PrincipalType, principalId: assignment.PrincipalId});
					}
				}
			}
			return found;
		},
		async createPermissionSet(instanceArn, {name, description, sessionDuration, tags}) {
			const answer = await limit(() => admin.send(new CreatePermissionSetCommand({InstanceArn: instanceArn, Name: name, Description: description, SessionDuration: sessionDuration, Tags: tags})));
			const arn = answer.PermissionSet?.PermissionSetArn;
			if (!arn) throw new Error('CreatePermissionSet answered without the permission set ARN');
			return arn;
		},
		async updatePermissionSet(instanceArn, permissionSetArn, {description, sessionDuration}) {
			await limit(() => admin.send(new UpdatePermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, Description: description, SessionDuration: sessionDuration})));
		},
		async tagPermissionSet(instanceArn, permissionSetArn, tags) {
			await limit(() => admin.send(new TagResourceCommand({InstanceArn: instanceArn, ResourceArn: permissionSetArn, Tags: tags})));
		},
		async attachManagedPolicy(instanceArn, permissionSetArn, policyArn) {
			await limit(() => admin.send(new AttachManagedPolicyToPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, ManagedPolicyArn: policyArn})));
		},
		async detachManagedPolicy(instanceArn, permissionSetArn, policyArn) {
			await limit(() => admin.send(new DetachManagedPolicyFromPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, ManagedPolicyArn: policyArn})));
		},
		async detachCustomerManagedPolicy(instanceArn, permissionSetArn, reference) {
			const input = {InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, CustomerManagedPolicyReference: customerPolicyReference(reference)};
			await limit(() => admin.send(new DetachCustomerManagedPolicyReferenceFromPermissionSetCommand(input)));
		},
		async putInlinePolicy(instanceArn, permissionSetArn, document) {
			await limit(() => admin.send(new PutInlinePolicyToPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, InlinePolicy: JSON.stringify(document)})));
		},
		async deleteInlinePolicy(instanceArn, permissionSetArn) {
			await limit(() => admin.send(new DeleteInlinePolicyFromPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn})));
		},
		async createAssignment(instanceArn, target) {
			const answer = await limit(() => admin.send(new CreateAccountAssignmentCommand(assignmentInput(instanceArn, target))));
			return statusOf(answer.AccountAssignmentCreationStatus);
		},
		async deleteAssignment(instanceArn, target) {
			const answer = await limit(() => admin.send(new DeleteAccountAssignmentCommand(assignmentInput(instanceArn, target))));
			return statusOf(answer.AccountAssignmentDeletionStatus);
		},
		async provision(instanceArn, permissionSetArn, accountId) {
			const answer = await limit(() => admin.send(new ProvisionPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, TargetType: 'AWS_ACCOUNT', TargetId: accountId})));
			return statusOf(answer.PermissionSetProvisioningStatus);
		},
		async requestStatus(instanceArn, kind, requestId) {
			switch (kind) {
				case 'provisioning':
					return statusOf(
						(await limit(() => admin.send(new DescribePermissionSetProvisioningStatusCommand({InstanceArn: instanceArn, ProvisionPermissionSetRequestId: requestId}))))
							.PermissionSetProvisioningStatus,
					);
				case 'assignment-creation':
					return statusOf(
						(await limit(() => admin.send(new DescribeAccountAssignmentCreationStatusCommand({InstanceArn: instanceArn, AccountAssignmentCreationRequestId: requestId}))))
							.AccountAssignmentCreationStatus,
					);
				case 'assignment-deletion':
					return statusOf(
						(await limit(() => admin.send(new DescribeAccountAssignmentDeletionStatusCommand({InstanceArn: instanceArn, AccountAssignmentDeletionRequestId: requestId}))))
							.AccountAssignmentDeletionStatus,
					);
			}
		},
		async deletePermissionSet(instanceArn, permissionSetArn) {
			await limit(() => admin.send(new DeletePermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn})));
		},
	};
}
