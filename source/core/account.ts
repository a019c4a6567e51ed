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
