/**
 * The SsoPort on the AWS SDK: sso-admin for the instance, permission sets and assignments, identitystore for
 * users and groups. Loaded only for --via identity-center, like every client past STS and IAM.
 */
import {GetGroupIdCommand, GetUserIdCommand, IdentitystoreClient, paginateListGroups, paginateListUsers} from '@aws-sdk/client-identitystore';
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
	type PermissionSetProvisioningStatus,
} from '@aws-sdk/client-sso-admin';
import type {Assignee} from '../core/settings.js';
import type {AssignmentTarget, LivePermissionSet, RequestStatus, SsoPort} from '../reconcile/sso.js';
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
	async function read(instanceArn: string, permissionSetArn: string): Promise<LivePermissionSet | undefined> {
		const described = (await unlessMissing(admin.send(new DescribePermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn})), 'ResourceNotFound'))?.PermissionSet;
		if (!described) return undefined;
		const ids = {InstanceArn: instanceArn, PermissionSetArn: permissionSetArn};
		const tags: Record<string, string> = {};
		for await (const page of paginateListTagsForResource(pages, {InstanceArn: instanceArn, ResourceArn: permissionSetArn})) {
			for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
		}
		const managedPolicies: string[] = [];
		for await (const page of paginateListManagedPoliciesInPermissionSet(pages, ids)) {
			managedPolicies.push(...(page.AttachedManagedPolicies ?? []).flatMap(policy => (policy.Arn ? [policy.Arn] : [])));
		}
		const customerManagedPolicies: string[] = [];
		for await (const page of paginateListCustomerManagedPolicyReferencesInPermissionSet(pages, ids)) {
			customerManagedPolicies.push(...(page.CustomerManagedPolicyReferences ?? []).map(reference => `${reference.Path ?? '/'}${reference.Name ?? ''}`));
		}
		const inline = (await admin.send(new GetInlinePolicyForPermissionSetCommand(ids))).InlinePolicy;
		return {
			arn: permissionSetArn,
			name: described.Name ?? '',
			description: described.Description ?? '',
			sessionDuration: described.SessionDuration ?? 'PT1H',
			tags,
			managedPolicies,
			customerManagedPolicies,
			// Unlike IAM's, the document comes as plain JSON, not URL-encoded.
			...(inline && {inlinePolicy: JSON.parse(inline) as unknown}),
		};
	}
	return {
		region,
		async instance() {
			try {
				const [first] = (await admin.send(new ListInstancesCommand({}))).Instances ?? [];
				return first?.InstanceArn && first.IdentityStoreId ? {instanceArn: first.InstanceArn, identityStoreId: first.IdentityStoreId} : undefined;
			} catch (error) {
				// Without sso:ListInstances there is nothing to set up in; the caller says where to look.
				if (isAwsError(error, 'AccessDenied')) return undefined;
				throw error;
			}
		},
		async findPermissionSet(instanceArn, name) {
			// ListPermissionSets names none: each is described until the name matches (names are unique per instance).
			for await (const page of paginateListPermissionSets(pages, {InstanceArn: instanceArn})) {
				for (const arn of page.PermissionSets ?? []) {
					const described = await admin.send(new DescribePermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: arn}));
					if (described.PermissionSet?.Name === name) return read(instanceArn, arn);
				}
			}
			return undefined;
		},
		readPermissionSet: read,
		async listPeople(identityStoreId, limit) {
			const people: Assignee[] = [];
			for await (const page of paginateListGroups({client: identityStore}, {IdentityStoreId: identityStoreId})) {
				people.push(...(page.Groups ?? []).flatMap(group => (group.DisplayName ? [{type: 'GROUP' as const, name: group.DisplayName}] : [])));
				if (people.length >= limit) return people.slice(0, limit);
			}
			for await (const page of paginateListUsers({client: identityStore}, {IdentityStoreId: identityStoreId})) {
				people.push(...(page.Users ?? []).flatMap(user => (user.UserName ? [{type: 'USER' as const, name: user.UserName}] : [])));
				if (people.length >= limit) return people.slice(0, limit);
			}
			return people;
		},
		async principalId(identityStoreId, {type, name}) {
			const identifier = (path: string) => ({IdentityStoreId: identityStoreId, AlternateIdentifier: {UniqueAttribute: {AttributePath: path, AttributeValue: name}}});
			const answer = await unlessMissing(
				type === 'USER'
					? identityStore.send(new GetUserIdCommand(identifier('userName'))).then(found => found.UserId)
					: identityStore.send(new GetGroupIdCommand(identifier('displayName'))).then(found => found.GroupId),
				'ResourceNotFound',
			);
			return answer || undefined;
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
			const answer = await admin.send(new CreatePermissionSetCommand({InstanceArn: instanceArn, Name: name, Description: description, SessionDuration: sessionDuration, Tags: tags}));
			const arn = answer.PermissionSet?.PermissionSetArn;
			if (!arn) throw new Error('CreatePermissionSet answered without the permission set ARN');
			return arn;
		},
		async updatePermissionSet(instanceArn, permissionSetArn, {description, sessionDuration}) {
			await admin.send(new UpdatePermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, Description: description, SessionDuration: sessionDuration}));
		},
		async tagPermissionSet(instanceArn, permissionSetArn, tags) {
			await admin.send(new TagResourceCommand({InstanceArn: instanceArn, ResourceArn: permissionSetArn, Tags: tags}));
		},
		async attachManagedPolicy(instanceArn, permissionSetArn, policyArn) {
			await admin.send(new AttachManagedPolicyToPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, ManagedPolicyArn: policyArn}));
		},
		async detachManagedPolicy(instanceArn, permissionSetArn, policyArn) {
			await admin.send(new DetachManagedPolicyFromPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, ManagedPolicyArn: policyArn}));
		},
		async detachCustomerManagedPolicy(instanceArn, permissionSetArn, reference) {
			await admin.send(
				new DetachCustomerManagedPolicyReferenceFromPermissionSetCommand({
					InstanceArn: instanceArn,
					PermissionSetArn: permissionSetArn,
					CustomerManagedPolicyReference: customerPolicyReference(reference),
				}),
			);
		},
		async putInlinePolicy(instanceArn, permissionSetArn, document) {
			await admin.send(new PutInlinePolicyToPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, InlinePolicy: JSON.stringify(document)}));
		},
		async deleteInlinePolicy(instanceArn, permissionSetArn) {
			await admin.send(new DeleteInlinePolicyFromPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn}));
		},
		async createAssignment(instanceArn, target) {
			const answer = await admin.send(new CreateAccountAssignmentCommand(assignmentInput(instanceArn, target)));
			return statusOf(answer.AccountAssignmentCreationStatus);
		},
		async deleteAssignment(instanceArn, target) {
			const answer = await admin.send(new DeleteAccountAssignmentCommand(assignmentInput(instanceArn, target)));
			return statusOf(answer.AccountAssignmentDeletionStatus);
		},
		async provision(instanceArn, permissionSetArn, accountId) {
			const answer = await admin.send(new ProvisionPermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn, TargetType: 'AWS_ACCOUNT', TargetId: accountId}));
			return statusOf(answer.PermissionSetProvisioningStatus);
		},
		async requestStatus(instanceArn, kind, requestId) {
			switch (kind) {
				case 'provisioning':
					return statusOf(
						(await admin.send(new DescribePermissionSetProvisioningStatusCommand({InstanceArn: instanceArn, ProvisionPermissionSetRequestId: requestId})))
							.PermissionSetProvisioningStatus,
					);
				case 'assignment-creation':
					return statusOf(
						(await admin.send(new DescribeAccountAssignmentCreationStatusCommand({InstanceArn: instanceArn, AccountAssignmentCreationRequestId: requestId})))
							.AccountAssignmentCreationStatus,
					);
				case 'assignment-deletion':
					return statusOf(
						(await admin.send(new DescribeAccountAssignmentDeletionStatusCommand({InstanceArn: instanceArn, AccountAssignmentDeletionRequestId: requestId})))
							.AccountAssignmentDeletionStatus,
					);
			}
		},
		async deletePermissionSet(instanceArn, permissionSetArn) {
			await admin.send(new DeletePermissionSetCommand({InstanceArn: instanceArn, PermissionSetArn: permissionSetArn}));
		},
	};
}
