/**
 * Where the account sits in AWS Organizations, and what the caller's own policies already allow: read once
 * after identity, they change what the wizard advises. Pure types and words; the reads are in aws/.
 */

/** organizations:DescribeOrganization, as one of four answers. */
export type OrganizationPlace =
	| {kind: 'standalone'}
	| {kind: 'management'; organizationId: string}
	| {kind: 'member'; organizationId: string; managementAccountId: string}
	/** The read was denied or failed: say so, never guess. */
	| {kind: 'unknown'; reason: string};

/** What a principal's policies allow of a list of actions, and how that was found out. */
export interface PrincipalAccess {
	/** `simulated`: iam:SimulatePrincipalPolicy (identity policies and boundary); `policies`: its attached, inline and group policies read and evaluated here (Allow and Deny statements, no conditions); `unknown`: neither could be read. */
	method: 'simulated' | 'policies' | 'unknown';
	allowed: string[];
	denied: string[];
	/** Why the answer is `unknown`, or what the method could not see. */
	reason?: string;
}

/** What opening Billing and Cost Explorer takes of a principal's own policies; ce:DescribeReport is the action the commonest denial names. */
export const billingActions = ['billing:GetBillingData', 'ce:GetCostAndUsage', 'ce:DescribeReport'];

/** Read after identity: the advice on the first screens and in `--json`. */
export interface AccountContext {
	organization: OrganizationPlace;
	/** What the caller's own policies allow of billingActions; absent for the root user and callers IAM cannot name. */
	callerAccess?: PrincipalAccess;
}

/** Whether the caller needs no role for themselves: the root step alone opens Billing to them. */
export function callerHasBilling(context: AccountContext | undefined, kind: string): boolean {
	if (kind === 'root') return true;
	const access = context?.callerAccess;
	return access !== undefined && access.method !== 'unknown' && billingActions.every(action => access.allowed.includes(action));
}

/** What the setup makes, as the notes name it. */
export type Made = 'the role' | 'the permission set';

export const madeVia = (via: string): Made => (via === 'identity-center' ? 'the permission set' : 'the role');

/** Where the account sits, and what billing access made here sees there: short, since it shares the first screen. */
export function organizationNote(place: OrganizationPlace, made: Made = 'the role'): string {
	switch (place.kind) {
		case 'standalone':
			return `Not in an AWS Organization: ${made} will see this account’s bills and costs.`;
		case 'management':
			return `Management account of organization ${place.organizationId}: ${made} will see the consolidated bill of every member account.`;
		case 'member':
			return [
				`Member of organization ${place.organizationId} (management account ${place.managementAccountId}): ${made} will see this account’s costs only,`,
				'and Cost Explorer once the management account lets members in (Cost Management preferences → Linked account access).',
				'Accounts created through Organizations have IAM access to billing on by default; invited accounts keep their own setting.',
			].join(' ');
		case 'unknown':
			return `${place.reason} In a member account, ${made} sees only that account’s costs.`;
	}
}

/** What the caller's own policies mean for them: whether what is made is for them or for others. How it was found out is in --json. */
export function callerAccessNote(context: AccountContext | undefined, kind: string, made: Made = 'the role'): string | undefined {
	if (kind === 'root') return `The root user can always open Billing: ${made} is for giving others billing-only access.`;
	const access = context?.callerAccess;
	if (!access) return undefined;
	if (access.method === 'unknown') return `billing-setup could not tell what your own policies allow: ${access.reason}`;
	if (callerHasBilling(context, kind)) {
		return `Your own policies already allow billing: after the root step you can open Billing yourself, and ${made} is for giving others billing-only access.`;
	}
	const getting = made === 'the role' ? 'switching to this role' : 'being assigned this permission set';
	if (access.denied.length > 0) return `Your own policies deny ${access.denied.join(', ')}: you get billing by ${getting}.`;
	const missing = billingActions.filter(action => !access.allowed.includes(action));
	return `Your own policies do not allow ${missing.join(', ')}: you get billing by ${getting}.`;
}

/** What the first screen says of the account and the caller, in order; nothing before the account was read. */
export function accountNotes(context: AccountContext | undefined, kind: string, made: Made = 'the role'): string[] {
	if (!context) return [];
	const caller = callerAccessNote(context, kind, made);
	return [organizationNote(context.organization, made), ...(caller ? [caller] : [])];
}
