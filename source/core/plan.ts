/** Everything the tool would create, derived from settings: one source for review, dry-run, JSON and the done screen. */
import {handOff} from './handoff.js';
import {signinHost} from './partition.js';
import type {Identity, Partition} from './principal.js';
import {managedPolicyArn, type RoleSettings} from './settings.js';

export const managedByTag = {Key: 'ManagedBy', Value: 'billing-setup'} as const;
/** Which setup made a role: ownership is proven by this tag matching the local record, not by ManagedBy alone. */
export const setupIdTagKey = 'BillingSetupId';
export const costExplorerPolicyName = 'BillingSetupCostExplorerRead';
export const guardPolicyName = 'BillingSetupGuard';
/** The action of the root-only setting; the Billing policy grants it, so whoever switches could turn IAM access off. */
export const guardedAction = 'billing:UpdateIAMAccessPreference';
export const roleDescription = 'Billing and Cost Management access, created by billing-setup';

/** The action the user's console error names; neither managed billing policy grants it. */
export const costExplorerAction = 'ce:DescribeReport';

export interface PolicyDocument {
	Version: '2012-10-17';
	Statement: Array<Record<string, unknown>>;
}

/** The role itself, as IAM holds it: what the wizard writes and what the CloudFormation template declares. */
export interface RoleDefinition {
	roleName: string;
	/** `/` or `/team/finance/`: part of the ARN, and of the role name the console and AssumeRole need. */
	path: string;
	description: string;
	tags: Array<{Key: string; Value: string}>;
	trustPolicy: PolicyDocument;
	managedPolicyArn: string;
	/** Inline policies by name: the Cost Explorer add-on and the guard, when chosen. */
	inlinePolicies: Record<string, PolicyDocument>;
	permissionsBoundary?: string;
	maxSessionSeconds: number;
}

export interface Plan extends RoleDefinition {
	accountId: string;
	partition: Partition;
	roleArn: string;
	/** The id of the local record this plan belongs to, written as the role's BillingSetupId tag. */
	setupId: string;
	switchRoleUrl: string;
	/** The ~/.aws/config profile that switches to the role, and who it is for when not the caller (core/handoff.ts). */
	profileName: string;
	profileBlock: string;
	profileNotes: string[];
}

export function trustPolicy(accountId: string, partition: string, settings: RoleSettings): PolicyDocument {
	const principals =
		settings.trust.kind === 'account' ? [`arn:${partition}:iam::${accountId}:root`] : settings.trust.arns;
	return {
		Version: '2012-10-17',
		Statement: [
			{
				Effect: 'Allow',
				Principal: {AWS: principals.length === 1 ? principals[0] : principals},
				Action: 'sts:AssumeRole',
				...(settings.requireMfa && {Condition: {Bool: {'aws:MultiFactorAuthPresent': 'true'}}}),
			},
		],
	};
}

export const guardPolicy: PolicyDocument = {
	Version: '2012-10-17',
	Statement: [{Effect: 'Deny', Action: guardedAction, Resource: '*'}],
};

/** Whether the plan carries the guard: only full access grants what it denies. */
export function guarded(settings: Pick<RoleSettings, 'guard' | 'access'>): boolean {
	return settings.guard && settings.access === 'full';
}

export const costExplorerPolicy: PolicyDocument = {
	Version: '2012-10-17',
	Statement: [{Effect: 'Allow', Action: ['ce:Describe*', 'ce:Get*', 'ce:List*'], Resource: '*'}],
};

/** The inline policies the settings ask for, by name: the Cost Explorer add-on and the guard. */
export function inlinePoliciesFor(settings: Pick<RoleSettings, 'costExplorer' | 'guard' | 'access'>): Record<string, PolicyDocument> {
	return {
		...(settings.costExplorer && {[costExplorerPolicyName]: costExplorerPolicy}),
		...(guarded(settings) && {[guardPolicyName]: guardPolicy}),
	};
}

/** The role's path and name as the console's switch-role page and AssumeRole's ARN need it: `team/finance/Name`. */
export function pathedRoleName(path: string, roleName: string): string {
	return `${path.slice(1)}${roleName}`;
}

export function roleArnOf(accountId: string, partition: Partition, path: string, roleName: string): string {
	return `arn:${partition}:iam::${accountId}:role/${pathedRoleName(path, roleName)}`;
}

/** The path and name a role ARN names: `…:role/team/finance/Name` → `/team/finance/`, `Name`. */
export function roleLocation(roleArn: string): {path: string; roleName: string} {
	const pathAndName = /:role(\/.*)$/.exec(roleArn)?.[1] ?? '/';
	const cut = pathAndName.lastIndexOf('/');
	return {path: pathAndName.slice(0, cut + 1), roleName: pathAndName.slice(cut + 1)};
}

export function switchRoleUrl(accountId: string, partition: Partition, roleName: string, path = '/'): string {
	return switchRoleUrlAt(signinHost[partition], accountId, roleName, path);
}

/**
 * The switch-role URL on a given sign-in host. The account goes in unencoded: twelve digits need no encoding,
 * and the template's `${AWS::AccountId}` must reach Fn::Sub whole.
 */
export function switchRoleUrlAt(host: string, accountId: string, roleName: string, path = '/'): string {
	const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
	// A role under a path is entered in the console's Role box as path/name.
	return `https://${host}/switchrole?account=${accountId}&${form({roleName: pathedRoleName(path, roleName)})}&${form({displayName: `${roleName} @ `})}${accountId}`;
}

/**
 * The role for these settings. Account and partition appear only inside ARNs, so the CloudFormation template
 * passes `${AWS::AccountId}` and `${AWS::Partition}` and gets the wizard's role with CloudFormation's placeholders.
 */
export function roleDefinition(accountId: string, partition: string, settings: RoleSettings, setupId: string): RoleDefinition {
	return {
		roleName: settings.roleName,
		path: settings.path,
		description: roleDescription,
		tags: [{...managedByTag}, {Key: setupIdTagKey, Value: setupId}],
		trustPolicy: trustPolicy(accountId, partition, settings),
		managedPolicyArn: managedPolicyArn(settings.access, partition),
		inlinePolicies: inlinePoliciesFor(settings),
		...(settings.permissionsBoundary && {permissionsBoundary: settings.permissionsBoundary}),
		maxSessionSeconds: settings.maxSessionSeconds,
	};
}

export function buildPlan(
	accountId: string,
	partition: Partition,
	settings: RoleSettings,
	{setupId, caller, region, mfaSerial}: {setupId: string; caller?: Identity; region?: string; mfaSerial?: string},
): Plan {
	const roleArn = roleArnOf(accountId, partition, settings.path, settings.roleName);
	const {profileName, profileBlock, notes} = handOff({accountId, partition, roleArn, settings, caller, region, mfaSerial});
	return {
		accountId,
		partition,
		roleArn,
		setupId,
		...roleDefinition(accountId, partition, settings, setupId),
		switchRoleUrl: switchRoleUrl(accountId, partition, settings.roleName, settings.path),
		profileName,
		profileBlock,
		profileNotes: notes,
	};
}
