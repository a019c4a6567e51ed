/**
 * The Identity Center side of a setup: a permission set with the same billing policy, add-on and guard as the
 * role, assigned to users and groups of the identity store in this account, and the hand-off people need to
 * sign in with it (the access portal and an `aws configure sso`-style profile).
 */
import {inlinePoliciesFor, managedByTag, roleDescription, setupIdTagKey, type PolicyDocument} from './plan.js';
import type {Partition} from './principal.js';
import {managedPolicyArn, type Assignee, type RoleSettings} from './settings.js';

export interface PermissionSetPlan {
	accountId: string;
	partition: Partition;
	name: string;
	description: string;
	setupId: string;
	tags: Array<{Key: string; Value: string}>;
	managedPolicyArn: string;
	/** Identity Center takes one inline policy per permission set: the add-on and the guard merged; absent when neither. */
	inlinePolicy?: PolicyDocument;
	/** ISO-8601, as Identity Center takes it: `PT1H`. */
	sessionDuration: string;
	assignees: Assignee[];
}

/** 3600 → `PT1H`, 5400 → `PT1H30M`. */
export function isoDuration(seconds: number): string {
	const hours = Math.floor(seconds / 3600);
	const minutes = Math.floor((seconds % 3600) / 60);
	const rest = seconds % 60;
	return `PT${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${rest > 0 ? `${rest}S` : ''}`;
}

/**
 * The role's inline policies as one document, each statement named (Sid) after the role policy it comes from,
 * so a reader of either sees the same parts.
 */
export function mergedInlinePolicy(settings: Pick<RoleSettings, 'costExplorer' | 'guard' | 'access'>): PolicyDocument | undefined {
	const statements = Object.entries(inlinePoliciesFor(settings)).flatMap(([name, document]) =>
		document.Statement.map((statement, index) => ({Sid: document.Statement.length === 1 ? name : `${name}${index + 1}`, ...statement})),
	);
	return statements.length === 0 ? undefined : {Version: '2012-10-17', Statement: statements};
}

export function buildPermissionSetPlan(accountId: string, partition: Partition, settings: RoleSettings, {setupId}: {setupId: string}): PermissionSetPlan {
	const inlinePolicy = mergedInlinePolicy(settings);
	return {
		accountId,
		partition,
		name: settings.permissionSetName,
		description: roleDescription,
		setupId,
		tags: [{...managedByTag}, {Key: setupIdTagKey, Value: setupId}],
		managedPolicyArn: managedPolicyArn(settings.access, partition),
		...(inlinePolicy && {inlinePolicy}),
		sessionDuration: isoDuration(settings.maxSessionSeconds),
		assignees: settings.assignees,
	};
}

/** `group:Finance` or `user:alice` (checked by assigneeProblem) as an Assignee. */
export function parseAssignee(text: string): Assignee {
	const cut = text.indexOf(':');
	return {type: text.slice(0, cut) === 'user' ? 'USER' : 'GROUP', name: text.slice(cut + 1)};
}

/** `group:Finance` as people typed it. */
export function assigneeLabel(assignee: Assignee): string {
	return `${assignee.type.toLowerCase()}:${assignee.name}`;
}

/**
 * The default AWS access portal URL, from the identity store id. No sso-admin API returns the portal URL or a
 * customised alias (`https://ALIAS.awsapps.com/start`): when one was set in the Identity Center console's
 * settings, that one works too.
 */
export function accessPortalUrl(identityStoreId: string): string {
	return `https://${identityStoreId}.awsapps.com/start`;
}

export interface SsoHandOff {
	accessPortalUrl: string;
	profileName: string;
	profileBlock: string;
}

/**
 * What people assigned the permission set need: the portal to sign in at, and the ~/.aws/config block that
 * `aws configure sso` would write, for `aws sso login --profile NAME`.
 */
export function ssoHandOff(plan: Pick<PermissionSetPlan, 'accountId' | 'name'>, {identityStoreId, region}: {identityStoreId: string; region: string}): SsoHandOff {
	const portal = accessPortalUrl(identityStoreId);
	const profileName = `${plan.name.toLowerCase()}-${plan.accountId}`;
	const session = 'billing-setup';
	const profileBlock = [
		`[sso-session ${session}]`,
		`sso_start_url = ${portal}`,
		`sso_region = ${region}`,
		'sso_registration_scopes = sso:account:access',
		'',
		`[profile ${profileName}]`,
		`sso_session = ${session}`,
		`sso_account_id = ${plan.accountId}`,
		`sso_role_name = ${plan.name}`,
		`region = ${region}`,
	].join('\n');
	return {accessPortalUrl: portal, profileName, profileBlock};
}
