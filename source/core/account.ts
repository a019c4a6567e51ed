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

/** Where the account sits, and what a billing role sees there. */
export function organizationNote(place: OrganizationPlace): string {
	switch (place.kind) {
		case 'standalone':
			return 'This account is not in an AWS Organization: the role will see its bills, payments and costs.';
		case 'management':
			return `This is the management account of organization ${place.organizationId}: the role will see the consolidated bill, with every member account's costs.`;
		case 'member':
			return [
				`This account is a member of organization ${place.organizationId} (management account ${place.managementAccountId}): the role will see this account's costs only,`,
				'and Cost Explorer only once the management account lets member accounts in (Billing and Cost Management → Cost Management preferences → Linked account access).',
				'Accounts created through Organizations have IAM access to billing on by default; invited accounts keep their own setting.',
			].join(' ');
		case 'unknown':
			return `${place.reason} In a member account the role sees that account's costs only, and Cost Explorer needs the management account's consent.`;
	}
}

const howChecked: Record<PrincipalAccess['method'], string> = {
	simulated: 'checked with IAM’s policy simulator',
	policies: 'read from your IAM policies',
	unknown: 'not checked',
};

/** What the caller's own policies mean for them: whether the role is for them or for others. */
export function callerAccessNote(context: AccountContext | undefined, kind: string): string | undefined {
	if (kind === 'root') return 'The root user can always open Billing: the role is for giving IAM users and roles billing-only access.';
	const access = context?.callerAccess;
	if (!access) return undefined;
	if (access.method === 'unknown') return `billing-setup could not tell what your own policies allow: ${access.reason}`;
	const how = howChecked[access.method];
	if (callerHasBilling(context, kind)) {
		return `Your own policies already allow billing (${billingActions.join(', ')}; ${how}). After the root step you can open Billing yourself: the role is for giving others billing-only access.`;
	}
	if (access.denied.length > 0) {
		return `Your own policies deny ${access.denied.join(', ')} (${how}): the role this creates is how you get billing, once the root step is done.`;
	}
	const missing = billingActions.filter(action => !access.allowed.includes(action));
	return `Your own policies do not allow ${missing.join(', ')} (${how}): switch to the role this creates, once the root step is done.`;
}

/** What the first screen says of the account and the caller, in order; nothing before the account was read. */
export function accountNotes(context: AccountContext | undefined, kind: string): string[] {
	if (!context) return [];
	const caller = callerAccessNote(context, kind);
	return [organizationNote(context.organization), ...(caller ? [caller] : [])];
}
