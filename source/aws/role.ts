/** Small idempotent IAM effects. Each reads only what it must and writes only what is missing. */
import {
	AttachRolePolicyCommand,
	CreateRoleCommand,
	DeleteRoleCommand,
	DeleteRolePolicyCommand,
	DetachRolePolicyCommand,
	GetRoleCommand,
	ListAttachedRolePoliciesCommand,
	ListRolePoliciesCommand,
	PutRolePolicyCommand,
	UpdateAssumeRolePolicyCommand,
	UpdateRoleCommand,
	type IAMClient,
	type Role,
} from '@aws-sdk/client-iam';
import {costExplorerPolicyName, managedByTag, roleDescription, type Plan, type PolicyDocument} from '../core/plan.js';
import {isAwsError} from './problems.js';

/** Called right after each successful write, so progress records it before anything else can fail. */
export type RecordWrite = (action: string, target: string) => void;

export function isManagedByUs(role: Role): boolean {
	return (role.Tags ?? []).some(tag => tag.Key === managedByTag.Key && tag.Value === managedByTag.Value);
}

/** IAM returns policy documents URL-encoded. */
export function parsePolicyDocument(text: string | undefined): unknown {
	if (!text) return undefined;
	return JSON.parse(decodeURIComponent(text));
}

/** Key order and one-element lists do not change what a policy means. */
function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.length === 1 ? canonical(value[0]) : value.map(canonical);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value)
				.sort(([a], [b]) => a.localeCompare(b))
				.map(([key, entry]) => [key, canonical(entry)]),
		);
	}
	return value;
}

export function samePolicy(a: unknown, b: unknown): boolean {
	return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export async function getRole(iam: IAMClient, roleName: string): Promise<Role | undefined> {
	try {
		return (await iam.send(new GetRoleCommand({RoleName: roleName}))).Role;
	} catch (error) {
		if (isAwsError(error, 'NoSuchEntity')) return undefined;
		throw error;
	}
}

export type EnsureRoleOutcome = 'created' | 'existing' | 'foreign';

/**
 * Creates the role, or converges one we created earlier. A role without our tag is never modified.
 * `maybeExists` skips the optimistic CreateRole when progress says an earlier run created it.
 */
export async function ensureRole(
	iam: IAMClient,
	plan: Plan,
	maybeExists: boolean,
	record: RecordWrite,
): Promise<EnsureRoleOutcome> {
	let role = maybeExists ? await getRole(iam, plan.roleName) : undefined;
	if (!role) {
		try {
			await iam.send(
				new CreateRoleCommand({
					RoleName: plan.roleName,
					AssumeRolePolicyDocument: JSON.stringify(plan.trustPolicy),
					Description: roleDescription,
					MaxSessionDuration: plan.maxSessionSeconds,
					Tags: [{...managedByTag}],
				}),
			);
			record('iam:CreateRole', plan.roleArn);
			return 'created';
		} catch (error) {
			if (!isAwsError(error, 'EntityAlreadyExists')) throw error;
			role = await getRole(iam, plan.roleName);
			if (!role) throw error;
		}
	}
	if (!isManagedByUs(role)) return 'foreign';
	if (!samePolicy(parsePolicyDocument(role.AssumeRolePolicyDocument), plan.trustPolicy)) {
		await iam.send(
			new UpdateAssumeRolePolicyCommand({RoleName: plan.roleName, PolicyDocument: JSON.stringify(plan.trustPolicy)}),
		);
		record('iam:UpdateAssumeRolePolicy', plan.roleArn);
	}
	if (role.MaxSessionDuration !== plan.maxSessionSeconds) {
		await iam.send(new UpdateRoleCommand({RoleName: plan.roleName, MaxSessionDuration: plan.maxSessionSeconds}));
		record('iam:UpdateRole', plan.roleArn);
	}
	return 'existing';
}

export async function listAttachedPolicyArns(iam: IAMClient, roleName: string): Promise<string[]> {
	const arns: string[] = [];
	let marker: string | undefined;
	do {
		const page = await iam.send(new ListAttachedRolePoliciesCommand({RoleName: roleName, Marker: marker}));
		arns.push(...(page.AttachedPolicies ?? []).flatMap(policy => (policy.PolicyArn ? [policy.PolicyArn] : [])));
		marker = page.IsTruncated ? page.Marker : undefined;
	} while (marker);
	return arns;
}

export async function listInlinePolicyNames(iam: IAMClient, roleName: string): Promise<string[]> {
	const names: string[] = [];
	let marker: string | undefined;
	do {
		const page = await iam.send(new ListRolePoliciesCommand({RoleName: roleName, Marker: marker}));
		names.push(...(page.PolicyNames ?? []));
		marker = page.IsTruncated ? page.Marker : undefined;
	} while (marker);
	return names;
}

/**
 * Attaches the chosen billing policy and detaches the other one we manage, so switching access level
 * never leaves both. `roleIsNew` skips the read for a role created a moment ago.
 */
export async function ensureManagedPolicy(
	iam: IAMClient,
	plan: Plan,
	ourPolicies: string[],
	roleIsNew: boolean,
	record: RecordWrite,
): Promise<void> {
	const attached = roleIsNew ? [] : await listAttachedPolicyArns(iam, plan.roleName);
	if (!attached.includes(plan.managedPolicyArn)) {
		await iam.send(new AttachRolePolicyCommand({RoleName: plan.roleName, PolicyArn: plan.managedPolicyArn}));
		record('iam:AttachRolePolicy', plan.managedPolicyArn);
	}
	for (const arn of attached.filter(arn => arn !== plan.managedPolicyArn && ourPolicies.includes(arn))) {
		await iam.send(new DetachRolePolicyCommand({RoleName: plan.roleName, PolicyArn: arn}));
		record('iam:DetachRolePolicy', arn);
	}
}

/** Puts the Cost Explorer inline policy when it is missing, removes it when not wanted. Only its name is checked. */
export async function ensureCostExplorerPolicy(
	iam: IAMClient,
	plan: Plan,
	roleIsNew: boolean,
	record: RecordWrite,
): Promise<void> {
	const wanted: PolicyDocument | undefined = plan.costExplorerPolicy;
	const present = roleIsNew ? false : (await listInlinePolicyNames(iam, plan.roleName)).includes(costExplorerPolicyName);
	if (wanted && !present) {
		await iam.send(
			new PutRolePolicyCommand({
				RoleName: plan.roleName,
				PolicyName: costExplorerPolicyName,
				PolicyDocument: JSON.stringify(wanted),
			}),
		);
		record('iam:PutRolePolicy', `${plan.roleArn}/${costExplorerPolicyName}`);
	}
	if (!wanted && present) {
		await iam.send(new DeleteRolePolicyCommand({RoleName: plan.roleName, PolicyName: costExplorerPolicyName}));
		record('iam:DeleteRolePolicy', `${plan.roleArn}/${costExplorerPolicyName}`);
	}
}

/** Deletes a role we created: policies first, as IAM requires. The caller checks the tag. */
export async function deleteRole(iam: IAMClient, roleName: string, roleArn: string, record: RecordWrite): Promise<void> {
	for (const arn of await listAttachedPolicyArns(iam, roleName)) {
		await iam.send(new DetachRolePolicyCommand({RoleName: roleName, PolicyArn: arn}));
		record('iam:DetachRolePolicy', arn);
	}
	for (const name of await listInlinePolicyNames(iam, roleName)) {
		await iam.send(new DeleteRolePolicyCommand({RoleName: roleName, PolicyName: name}));
		record('iam:DeleteRolePolicy', `${roleArn}/${name}`);
	}
	await iam.send(new DeleteRoleCommand({RoleName: roleName}));
	record('iam:DeleteRole', roleArn);
}
