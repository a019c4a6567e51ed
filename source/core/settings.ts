/** What the user decides about the role. Stored in progress; never holds secrets. */

export type AccessLevel = 'full' | 'read-only';

export type Trust = {kind: 'account'} | {kind: 'principals'; arns: string[]};

/** How people get billing: an IAM role they switch to, or an IAM Identity Center permission set assigned to them. */
export type Via = 'role' | 'identity-center';

/** A user (by user name) or group (by display name) of the identity store, as --assign names them. */
export interface Assignee {
	type: 'USER' | 'GROUP';
	name: string;
}

/**
 * Which accounts it is set up in: this one, the listed ones, every ACTIVE account of the organization (read from
 * Organizations on each run, so a new account is picked up by the next one), or, for a role, every account beneath
 * these OUs (`ou-…`, or the root `r-…`).
 */
export type AccountTargets = {kind: 'this'} | {kind: 'listed'; ids: string[]} | {kind: 'all'} | {kind: 'units'; ids: string[]};

export interface RoleSettings {
	roleName: string;
	access: AccessLevel;
	/** Add the inline policy that grants the Cost Explorer reads the managed policies lack. */
	costExplorer: boolean;
	trust: Trust;
	requireMfa: boolean;
	maxSessionSeconds: number;
	/** IAM path the role lives under, `/` or `/team/finance/`; part of its ARN. */
	path: string;
	/** A permissions boundary some organisations require on every new role. */
	permissionsBoundary?: string;
	/** Deny billing:UpdateIAMAccessPreference, which Billing grants: no one who switches can turn the root-only setting off. */
	guard: boolean;
	via: Via;
	/** The permission set's name (via Identity Center). */
	permissionSetName: string;
	/** Who the permission set is assigned to (via Identity Center). */
	assignees: Assignee[];
	/** Where it is assigned to them (via Identity Center). */
	accounts: AccountTargets;
}

/** What a setup makes, in words (engine/target.ts). */
export type MadeNoun = 'role' | 'permission set';

export const defaultSettings: RoleSettings = {
	roleName: 'BillingAccess',
	access: 'full',
	costExplorer: true,
	trust: {kind: 'account'},
	requireMfa: false,
	maxSessionSeconds: 3600,
	path: '/',
	guard: true,
	via: 'role',
	permissionSetName: 'BillingAccess',
	assignees: [],
	accounts: {kind: 'this'},
};

export const managedPolicyName: Record<AccessLevel, string> = {
	full: 'Billing',
	'read-only': 'AWSBillingReadOnlyAccess',
};

const managedPolicyPath: Record<AccessLevel, string> = {
	full: 'policy/job-function/Billing',
	'read-only': 'policy/AWSBillingReadOnlyAccess',
};

export function managedPolicyArn(access: AccessLevel, partition: string): string {
	return `arn:${partition}:iam::aws:${managedPolicyPath[access]}`;
}

/** Both billing policies, so that switching access level can detach the other one. */
export function billingPolicyArns(partition: string): string[] {
	return (['full', 'read-only'] as const).map(access => managedPolicyArn(access, partition));
}
