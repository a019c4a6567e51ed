/** What the user decides about the role. Stored in progress; never holds secrets. */

export type AccessLevel = 'full' | 'read-only';

export type Trust = {kind: 'account'} | {kind: 'principals'; arns: string[]};

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
}

export const defaultSettings: RoleSettings = {
	roleName: 'BillingAccess',
	access: 'full',
	costExplorer: true,
	trust: {kind: 'account'},
	requireMfa: false,
	maxSessionSeconds: 3600,
	path: '/',
	guard: true,
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
