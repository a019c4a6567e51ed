/**
 * The Identity Center side of a setup: a permission set with the same billing policy, add-on and guard as the
 * role, assigned to users and groups of the identity store in this account or in the listed accounts of the
 * organization, and the hand-off people need to sign in with it (the access portal and an `aws configure
 * sso`-style profile per account).
 */
import {inlinePoliciesFor, managedByTag, roleDescription, setupIdTagKey, type PolicyDocument} from './plan.js';
import type {Partition} from './principal.js';
import {managedPolicyArn, type AccountTargets, type Assignee, type RoleSettings} from './settings.js';
import {iniBlock} from './text.js';

export interface PermissionSetPlan {
	/** The account billing-setup runs in, where the organization's Identity Center instance lives. */
	accountId: string;
	/** What --accounts asked for. */
	accounts: AccountTargets;
	/**
	 * The accounts it is assigned and provisioned in. For `all`, the ACTIVE accounts Organizations listed
	 * (empty until they are read: see withOrganizationAccounts).
	 */
	accountIds: string[];
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

/** `organizationAccounts`: the ACTIVE accounts Organizations listed, when it was asked (--accounts all). */
export function buildPermissionSetPlan(
	accountId: string,
	partition: Partition,
	settings: RoleSettings,
	{setupId, organizationAccounts = []}: {setupId: string; organizationAccounts?: string[] | undefined},
): PermissionSetPlan {
	const inlinePolicy = mergedInlinePolicy(settings);
	const {accounts} = settings;
	return {
		accountId,
		accounts,
		accountIds: accounts.kind === 'this' ? [accountId] : accounts.kind === 'listed' ? accounts.ids : organizationAccounts,
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

/** The plan of `--accounts all` once Organizations has listed the organization's ACTIVE accounts; other plans as they are. */
export function withOrganizationAccounts(plan: PermissionSetPlan, activeAccounts: string[]): PermissionSetPlan {
	return plan.accounts.kind === 'all' ? {...plan, accountIds: activeAccounts} : plan;
}

/** `account 111122223333`, `accounts 111122223333, 444455556666`: as sentences name them. */
export function accountsLabel(plan: Pick<PermissionSetPlan, 'accountIds'>): string {
	const [only, ...more] = plan.accountIds;
	if (only === undefined) return 'no account yet';
	if (more.length === 0) return `account ${only}`;
	return `accounts ${plan.accountIds.join(', ')}`;
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
	/** The first account's profile: one `aws sso login` with it signs in the session every profile shares. */
	profileName: string;
	/** The sso-session block, then one profile per account. */
	profileBlock: string;
}

/**
 * What people assigned the permission set need: the portal to sign in at, and the ~/.aws/config block that
 * `aws configure sso` would write, one profile per account, for `aws sso login --profile NAME`.
 */
export function ssoHandOff(plan: Pick<PermissionSetPlan, 'accountIds' | 'name'>, {identityStoreId, region}: {identityStoreId: string; region: string}): SsoHandOff {
	const portal = accessPortalUrl(identityStoreId);
	const session = 'billing-setup';
	const profileNameIn = (accountId: string) => `${plan.name.toLowerCase()}-${accountId}`;
	const profiles = plan.accountIds.flatMap(accountId => [
		'',
		`[profile ${profileNameIn(accountId)}]`,
		`sso_session = ${session}`,
		`sso_account_id = ${accountId}`,
		`sso_role_name = ${plan.name}`,
		`region = ${region}`,
	]);
	const profileBlock = iniBlock([`[sso-session ${session}]`, `sso_start_url = ${portal}`, `sso_region = ${region}`, 'sso_registration_scopes = sso:account:access', ...profiles]);
	return {accessPortalUrl: portal, profileName: profileNameIn(plan.accountIds[0] ?? ''), profileBlock};
}
