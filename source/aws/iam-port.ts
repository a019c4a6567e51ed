/** The IamPort on the AWS SDK: every list through its paginator, at most `requestsAtOnce` requests in flight. */
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
	ListMFADevicesCommand,
	paginateListAttachedRolePolicies,
	paginateListInstanceProfilesForRole,
	paginateListRolePolicies,
	PutRolePermissionsBoundaryCommand,
	PutRolePolicyCommand,
	TagRoleCommand,
	UpdateAssumeRolePolicyCommand,
	UpdateRoleCommand,
	type IAMClient,
	type Role,
} from '@aws-sdk/client-iam';
import {inFlightLimit, requestsAtOnce} from '../core/concurrency.js';
import {parsePolicyDocument} from '../core/policy.js';
import type {IamPort, LiveRole} from '../reconcile/iam.js';
import {isAwsError, unlessMissing} from './problems.js';

/** Every value a paginator's pages name, in order. */
export async function collect<Page>(pages: AsyncIterable<Page>, pick: (page: Page) => Array<string | undefined> | undefined): Promise<string[]> {
	const found: string[] = [];
	for await (const page of pages) found.push(...(pick(page) ?? []).filter((value): value is string => Boolean(value)));
	return found;
}

/** What GetRole says of a role, as LiveRole has it. */
function fromGetRole(role: Role, roleName: string): Omit<LiveRole, 'attached' | 'inline' | 'documents'> {
	return {
		name: role.RoleName ?? roleName,
		path: role.Path ?? '/',
		arn: role.Arn ?? '',
		trustPolicy: parsePolicyDocument(role.AssumeRolePolicyDocument),
		maxSessionSeconds: role.MaxSessionDuration ?? 3600,
		description: role.Description ?? '',
		tags: Object.fromEntries((role.Tags ?? []).map(tag => [tag.Key, tag.Value])),
		...(role.PermissionsBoundary?.PermissionsBoundaryArn && {permissionsBoundary: role.PermissionsBoundary.PermissionsBoundaryArn}),
	};
}

export function iamPort(iam: IAMClient): IamPort {
	const client = {client: iam};
	const limit = inFlightLimit(requestsAtOnce);
	/** Undefined when the role (or the policy) is not there. */
	const read = <T>(request: () => Promise<T>) => unlessMissing(limit(request), 'NoSuchEntity');
	const getRole = (roleName: string) => read(() => iam.send(new GetRoleCommand({RoleName: roleName})));
	const lists = (roleName: string) =>
		Promise.all([
			read(() => collect(paginateListAttachedRolePolicies(client, {RoleName: roleName}), page => page.AttachedPolicies?.map(policy => policy.PolicyArn))),
			read(() => collect(paginateListRolePolicies(client, {RoleName: roleName}), page => page.PolicyNames)),
		]);
	const documents = (roleName: string, names: string[]) =>
		Promise.all(
			names.map(name =>
				read(() => iam.send(new GetRolePolicyCommand({RoleName: roleName, PolicyName: name}))).then(answer => [name, answer && parsePolicyDocument(answer.PolicyDocument)] as const),
			),
		);
	/** GetRole first, so a role that is not there costs one call; then its lists, then the documents it has. */
	const readInTurn = async (roleName: string, wanted: string[]) => {
		const role = await getRole(roleName);
		const listed = role ? await lists(roleName) : [undefined, undefined];
		return [role, listed, await documents(roleName, wanted.filter(name => listed[1]?.includes(name)))] as const;
	};
	return {
		async readRole(roleName, {documents: wanted, expected}) {
			const [role, [attached, inline], contents] = expected
				? await Promise.all([getRole(roleName), lists(roleName), documents(roleName, wanted)])
				: await readInTurn(roleName, wanted);
			if (!role?.Role || !attached || !inline) return undefined;
			return {
				...fromGetRole(role.Role, roleName),
				attached,
				inline,
				documents: Object.fromEntries(contents.filter(([name, document]) => document !== undefined && inline.includes(name))),
			};
		},
		listInstanceProfiles: async roleName =>
			(await read(() => collect(paginateListInstanceProfilesForRole(client, {RoleName: roleName}), page => page.InstanceProfiles?.map(profile => profile.InstanceProfileName)))) ?? [],
		async mfaDeviceCount(userName) {
			try {
				const {MFADevices: devices = []} = await limit(() => iam.send(new ListMFADevicesCommand({UserName: userName})));
				return devices.length;
			} catch (error) {
				if (isAwsError(error, 'NoSuchEntity') || isAwsError(error, 'AccessDenied')) return undefined;
				throw error;
			}
		},
		async principalExists(arn) {
			const match = /:(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
			if (!match) return undefined;
			const [, kind, name] = match;
			try {
				if (kind === 'user') await limit(() => iam.send(new GetUserCommand({UserName: name})));
				else await limit(() => iam.send(new GetRoleCommand({RoleName: name})));
				return true;
			} catch (error) {
				if (isAwsError(error, 'NoSuchEntity')) return false;
				if (isAwsError(error, 'AccessDenied')) return undefined;
				throw error;
			}
		},
		async createRole(role) {
			const input = {
				RoleName: role.name,
				Path: role.path,
				AssumeRolePolicyDocument: JSON.stringify(role.trustPolicy),
				Description: role.description,
				MaxSessionDuration: role.maxSessionSeconds,
				Tags: role.tags,
				...(role.permissionsBoundary && {PermissionsBoundary: role.permissionsBoundary}),
			};
			await limit(() => iam.send(new CreateRoleCommand(input)));
		},
		async updateTrust(roleName, document) {
			await limit(() => iam.send(new UpdateAssumeRolePolicyCommand({RoleName: roleName, PolicyDocument: JSON.stringify(document)})));
		},
		async updateRole(roleName, {maxSessionSeconds, description}) {
			await limit(() => iam.send(new UpdateRoleCommand({RoleName: roleName, MaxSessionDuration: maxSessionSeconds, Description: description})));
		},
		async putPermissionsBoundary(roleName, policyArn) {
			await limit(() => iam.send(new PutRolePermissionsBoundaryCommand({RoleName: roleName, PermissionsBoundary: policyArn})));
		},
		async deletePermissionsBoundary(roleName) {
			await limit(() => iam.send(new DeleteRolePermissionsBoundaryCommand({RoleName: roleName})));
		},
		async tagRole(roleName, tags) {
			await limit(() => iam.send(new TagRoleCommand({RoleName: roleName, Tags: tags})));
		},
		async attachPolicy(roleName, policyArn) {
			await limit(() => iam.send(new AttachRolePolicyCommand({RoleName: roleName, PolicyArn: policyArn})));
		},
		async detachPolicy(roleName, policyArn) {
			await limit(() => iam.send(new DetachRolePolicyCommand({RoleName: roleName, PolicyArn: policyArn})));
		},
		async putInlinePolicy(roleName, policyName, document) {
			await limit(() => iam.send(new PutRolePolicyCommand({RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(document)})));
		},
		async deleteInlinePolicy(roleName, policyName) {
			await limit(() => iam.send(new DeleteRolePolicyCommand({RoleName: roleName, PolicyName: policyName})));
		},
		async deleteRole(roleName) {
			await limit(() => iam.send(new DeleteRoleCommand({RoleName: roleName})));
		},
	};
}
