/** The IamPort on the AWS SDK: every list through its paginator. */
import {
	AttachRolePolicyCommand,
	CreateRoleCommand,
	DeleteRoleCommand,
	DeleteRolePermissionsBoundaryCommand,
	DeleteRolePolicyCommand,
	DetachRolePolicyCommand,
	GetRoleCommand,
	GetRolePolicyCommand,
	GetUserCommand,
	paginateListAttachedRolePolicies,
	paginateListInstanceProfilesForRole,
	paginateListRolePolicies,
	PutRolePermissionsBoundaryCommand,
	PutRolePolicyCommand,
	TagRoleCommand,
	UpdateAssumeRolePolicyCommand,
	UpdateRoleCommand,
	type IAMClient,
} from '@aws-sdk/client-iam';
import {parsePolicyDocument} from '../core/policy.js';
import type {IamPort} from '../reconcile/iam.js';
import {isAwsError, unlessMissing} from './problems.js';

/** Every value a paginator's pages name, in order. */
export async function collect<Page>(pages: AsyncIterable<Page>, pick: (page: Page) => Array<string | undefined> | undefined): Promise<string[]> {
	const found: string[] = [];
	for await (const page of pages) found.push(...(pick(page) ?? []).filter((value): value is string => Boolean(value)));
	return found;
}

export function iamPort(iam: IAMClient): IamPort {
	const client = {client: iam};
	return {
		async readRole(roleName) {
			const role = (await unlessMissing(iam.send(new GetRoleCommand({RoleName: roleName})), 'NoSuchEntity'))?.Role;
			if (!role) return undefined;
			const attached = await collect(paginateListAttachedRolePolicies(client, {RoleName: roleName}), page =>
				page.AttachedPolicies?.map(policy => policy.PolicyArn),
			);
			const inline = await collect(paginateListRolePolicies(client, {RoleName: roleName}), page => page.PolicyNames);
			return {
				name: role.RoleName ?? roleName,
				path: role.Path ?? '/',
				arn: role.Arn ?? '',
				trustPolicy: parsePolicyDocument(role.AssumeRolePolicyDocument),
				maxSessionSeconds: role.MaxSessionDuration ?? 3600,
				description: role.Description ?? '',
				tags: Object.fromEntries((role.Tags ?? []).map(tag => [tag.Key, tag.Value])),
				...(role.PermissionsBoundary?.PermissionsBoundaryArn && {permissionsBoundary: role.PermissionsBoundary.PermissionsBoundaryArn}),
				attached,
				inline,
			};
		},
		async getInlinePolicy(roleName, policyName) {
			const answer = await iam.send(new GetRolePolicyCommand({RoleName: roleName, PolicyName: policyName}));
			return parsePolicyDocument(answer.PolicyDocument);
		},
		listInstanceProfiles: roleName =>
			collect(paginateListInstanceProfilesForRole(client, {RoleName: roleName}), page => page.InstanceProfiles?.map(profile => profile.InstanceProfileName)),
		async principalExists(arn) {
			const match = /:(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
			if (!match) return undefined;
			const [, kind, name] = match;
			try {
				if (kind === 'user') await iam.send(new GetUserCommand({UserName: name}));
				else await iam.send(new GetRoleCommand({RoleName: name}));
				return true;
			} catch (error) {
				if (isAwsError(error, 'NoSuchEntity')) return false;
				if (isAwsError(error, 'AccessDenied')) return undefined;
				throw error;
			}
		},
		async createRole(role) {
			await iam.send(
				new CreateRoleCommand({
					RoleName: role.name,
					Path: role.path,
					AssumeRolePolicyDocument: JSON.stringify(role.trustPolicy),
					Description: role.description,
					MaxSessionDuration: role.maxSessionSeconds,
					Tags: role.tags,
					...(role.permissionsBoundary && {PermissionsBoundary: role.permissionsBoundary}),
				}),
			);
		},
		async updateTrust(roleName, document) {
			await iam.send(new UpdateAssumeRolePolicyCommand({RoleName: roleName, PolicyDocument: JSON.stringify(document)}));
		},
		async updateRole(roleName, {maxSessionSeconds, description}) {
			await iam.send(new UpdateRoleCommand({RoleName: roleName, MaxSessionDuration: maxSessionSeconds, Description: description}));
		},
		async putPermissionsBoundary(roleName, policyArn) {
			await iam.send(new PutRolePermissionsBoundaryCommand({RoleName: roleName, PermissionsBoundary: policyArn}));
		},
		async deletePermissionsBoundary(roleName) {
			await iam.send(new DeleteRolePermissionsBoundaryCommand({RoleName: roleName}));
		},
		async tagRole(roleName, tags) {
			await iam.send(new TagRoleCommand({RoleName: roleName, Tags: tags}));
		},
		async attachPolicy(roleName, policyArn) {
			await iam.send(new AttachRolePolicyCommand({RoleName: roleName, PolicyArn: policyArn}));
		},
		async detachPolicy(roleName, policyArn) {
			await iam.send(new DetachRolePolicyCommand({RoleName: roleName, PolicyArn: policyArn}));
		},
		async putInlinePolicy(roleName, policyName, document) {
			await iam.send(new PutRolePolicyCommand({RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(document)}));
		},
		async deleteInlinePolicy(roleName, policyName) {
			await iam.send(new DeleteRolePolicyCommand({RoleName: roleName, PolicyName: policyName}));
		},
		async deleteRole(roleName) {
			await iam.send(new DeleteRoleCommand({RoleName: roleName}));
		},
	};
}
