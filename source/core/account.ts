/**
 * Where the account sits in AWS Organizations, and what the caller's own policies already allow: read once
 * after identity, they change what the wizard advises. From a management account, `accounts` lists every
 * account of the organization with its billing role and its root-only setting. Pure types and words; the
 * reads are in aws/.
 */
import type {Assignee, MadeNoun} from './settings.js';
import {billingAccessLine, type BillingAccessCheck} from './billing-access.js';
import {activationProcedure, activationSteps} from './partition.js';
import type {Partition} from './principal.js';
import type {Problem} from './problem.js';


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
	/** The actions asked about; allowed and denied are among them. */
	checked: string[];
	allowed: string[];
	denied: string[];
	/** Why the answer is `unknown`, or what the method could not see. */
	reason?: string;
}

/** What opening Billing and Cost Explorer takes of a principal's own policies; ce:DescribeReport is the action the commonest denial names. */
export const billingActions = ['billing:GetBillingData', 'ce:GetCostAndUsage', 'ce:DescribeReport'];

/** An Identity Center instance in use here: its identity store and the people in it, to assign a permission set to. */
export interface IdentityCenterPeople {
	identityStoreId: string;
	/** Groups, then users; capped, so a large directory is still quick to read. */
	people: Assignee[];
}

/** What switching to the role takes of the caller's own policies (trusting the account lets in only those allowed it). */
export const switchAction = 'sts:AssumeRole';

/** Read after identity: the advice on the first screens and in `--json`. */
export interface AccountContext {
	organization: OrganizationPlace;
	/** Present when this region's Identity Center instance has people in it: then the wizard asks role or permission set. */
	identityCenter?: IdentityCenterPeople;
	/** What the caller's own policies allow of billingActions; absent for the root user and callers IAM cannot name. */
	callerAccess?: PrincipalAccess;
}

/** Whether the caller needs no role for themselves: the root step alone opens Billing to them. */
export function callerHasBilling(context: AccountContext | undefined, kind: string): boolean {
	if (kind === 'root') return true;
	const access = context?.callerAccess;
	return access !== undefined && access.method !== 'unknown' && billingActions.every(action => access.allowed.includes(action));
}


/** Where the account sits, and what billing access made here sees there: short, since it shares the first screen. */
export function organizationNote(place: OrganizationPlace, noun: MadeNoun = 'role'): string {
	switch (place.kind) {
		case 'standalone':
			return `Not in an AWS Organization: the ${noun} will see this account’s bills and costs.`;
		case 'management':
			return `Management account of organization ${place.organizationId}: the ${noun} will see the consolidated bill of every member account.`;
		case 'member':
			return [
				`Member of organization ${place.organizationId} (management account ${place.managementAccountId}): the ${noun} will see this account’s costs only,`,
				'and Cost Explorer once the management account lets members in (Cost Management preferences → Linked account access).',
				'Accounts created through Organizations have IAM access to billing on by default; invited accounts keep their own setting.',
			].join(' ');
		case 'unknown':
			return `${place.reason} In a member account, the ${noun} sees only that account’s costs.`;
	}
}

/** What the caller's own policies mean for them: whether what is made is for them or for others. How it was found out is in --json. */
export function callerAccessNote(context: AccountContext | undefined, kind: string, noun: MadeNoun = 'role'): string | undefined {
	if (kind === 'root') return `The root user can always open Billing: the ${noun} is for giving others billing-only access.`;
	const access = context?.callerAccess;
	if (!access) return undefined;
	if (access.method === 'unknown') return `billing-setup could not tell what your own policies allow: ${access.reason}`;
	if (callerHasBilling(context, kind)) {
		return `Your own policies already allow billing: after the root step you can open Billing yourself, and the ${noun} is for giving others billing-only access.`;
	}
	const getting = noun === 'role' ? 'switching to this role' : 'being assigned this permission set';
	const cannotSwitch = noun === 'role' && access.checked.includes(switchAction) && !access.allowed.includes(switchAction);
	const switching = cannotSwitch ? ` Your policies do not allow ${switchAction} either: add it for the role, or switching will be refused.` : '';
	const denied = access.denied.filter(action => billingActions.includes(action));
	if (denied.length > 0) return `Your own policies deny ${denied.join(', ')}: you get billing by ${getting}.${switching}`;
	const missing = billingActions.filter(action => !access.allowed.includes(action));
	return `Your own policies do not allow ${missing.join(', ')}: you get billing by ${getting}.${switching}`;
}

/** What the first screen says of the account and the caller, in order; nothing before the account was read. */
export function accountNotes(context: AccountContext | undefined, kind: string, noun: MadeNoun = 'role'): string[] {
	if (!context) return [];
	const caller = callerAccessNote(context, kind, noun);
	return [organizationNote(context.organization, noun), ...(caller ? [caller] : [])];
}

/** Why `accounts` cannot list from anywhere but a management account. */
export function accountsRefusal(place: Exclude<OrganizationPlace, {kind: 'management'}>): Problem {
	switch (place.kind) {
		case 'standalone':
			return {
				title: 'This account is not in an organization — run billing-setup.',
				why: 'billing-setup accounts lists the accounts of an AWS Organization from its management account; Organizations answered that this account belongs to none.',
				next: 'Run billing-setup to set up the billing role in this account.',
			};
		case 'member':
			return {
				title: `This account is a member of organization ${place.organizationId}: run this in the management account ${place.managementAccountId}.`,
				why: 'Only the management account may list the accounts of its organization.',
				next: `Run billing-setup accounts with credentials of account ${place.managementAccountId}.`,
			};
		case 'unknown':
			return {
				title: 'billing-setup cannot tell whether this is the management account of an organization.',
				why: place.reason,
				next: 'Run billing-setup accounts with credentials of the management account that may call organizations:DescribeOrganization and organizations:ListAccounts.',
			};
	}
}

/** One account of the organization, as ListAccounts has it. */
export interface OrganizationAccount {
	id: string;
	name: string;
	/** The root user's sign-in email. */
	email: string;
	/** ACTIVE, SUSPENDED, PENDING_CLOSURE, …: AWS's `State` where it answers one, else the older `Status`. */
	status: string;
	/** CREATED: made by CreateAccount; INVITED: an existing account that accepted an invitation. */
	joinedMethod: string;
}

/** The management account first (StackSets never reach it), the rest in the order AWS lists them. */
export function managementFirst(accounts: OrganizationAccount[], managementAccountId: string): OrganizationAccount[] {
	return [...accounts.filter(account => account.id === managementAccountId), ...accounts.filter(account => account.id !== managementAccountId)];
}

/** The billing role in one account, as IAM there has it compared with the plan of default settings. */
export type RoleState =
	| {kind: 'in-place'; arn: string}
	/** Each difference in the words of a review: what a billing-setup run there would change. */
	| {kind: 'differs'; arn: string; differences: string[]}
	| {kind: 'absent'}
	| {kind: 'unknown'; reason: string; next: string};

/**
 * From a live read: a role whose only difference is the BillingSetupId tag (another machine's or a stack's
 * setup id, which `adoption` marks) is in place.
 */
const provenance = / \((?:attached|added|set|assigned) outside billing-setup\)|: it was edited outside billing-setup/;

export function roleStateOf(inspection: {liveArn?: string; differences: Array<{summary: string; adoption?: boolean}>}): RoleState {
	if (!inspection.liveArn) return {kind: 'absent'};
	// No local record speaks for another account, so who made a grant there is unknown: the review's "outside
	// billing-setup" would be a guess, and is left out.
	const differences = inspection.differences.filter(difference => !difference.adoption).map(difference => difference.summary.replace(provenance, ''));
	return differences.length === 0 ? {kind: 'in-place', arn: inspection.liveArn} : {kind: 'differs', arn: inspection.liveArn, differences};
}

/** Why an account's role could not be read; `failure` is the failed call in one clause. */
export type UnreadableCause =
	| {kind: 'root-caller'; accessRoleArn: string}
	| {kind: 'inactive'; status: string}
	| {kind: 'assume-failed'; accessRoleArn: string; joinedMethod: string; failure: string}
	| {kind: 'read-failed'; reader: string; roleName: string; failure: string};

const checkInside = 'or check it from inside the account: billing-setup --dry-run reads the role and lists what differs';

export function unreadable(cause: UnreadableCause): RoleState {
	switch (cause.kind) {
		case 'root-caller':
			return {
				kind: 'unknown',
				reason: `The root user cannot assume roles, so billing-setup did not try ${cause.accessRoleArn}.`,
				next: `Run billing-setup accounts as an IAM user or role of the management account that may assume it, ${checkInside}.`,
			};
		case 'inactive':
			return {
				kind: 'unknown',
				reason: `The account is ${cause.status}, so billing-setup did not try to read it.`,
				next: 'Nothing to do unless the account becomes ACTIVE again.',
			};
		case 'assume-failed':
			return {
				kind: 'unknown',
				reason: `Could not assume ${cause.accessRoleArn}: ${cause.failure}`,
				next: `${
					cause.joinedMethod === 'CREATED'
						? 'Check that your credentials may call sts:AssumeRole on it and that it still exists'
						: 'Organizations creates that role only in the accounts it creates; in an invited account someone must have made it'
				}. Pass --access-role NAME with a role you may assume there, ${checkInside}.`,
			};
		case 'read-failed':
			return {
				kind: 'unknown',
				reason: `Reading the role ${cause.roleName} as ${cause.reader}: ${cause.failure}`,
				next: `That needs iam:GetRole, iam:ListAttachedRolePolicies, iam:ListRolePolicies and iam:GetRolePolicy; pass --access-role NAME with a role that has them, ${checkInside}.`,
			};
	}
}

/**
 * The root-only setting in one account: what Cost Explorer answered there, or, where the answer says nothing of it
 * (or it was not asked), what its way of joining says; and the console steps.
 */
export interface BillingAccessAdvice {
	note: string;
	/** Cost Explorer's answer there, when it was asked. */
	check?: BillingAccessCheck;
	steps: string[];
}

export function billingAccessAdvice(
	account: OrganizationAccount,
	{management, partition, check}: {management: boolean; partition: Partition; check?: BillingAccessCheck},
): BillingAccessAdvice {
	// The China Regions have no root user, so the sign-in email is not the way in there.
	const signIn = `Sign in to account ${account.id} as ${activationProcedure(partition).who}${partition === 'aws-cn' ? '' : ` (${account.email})`}`;
	const rule = billingAccessNote(account.joinedMethod, management);
	const note = !check ? `${rule} (Cost Explorer was not asked)` : check.state === 'unknown' ? `${billingAccessLine(check)} ${rule}` : `${billingAccessLine(check)}.`;
	return {note, ...(check && {check}), steps: activationSteps(partition, signIn)};
}

function billingAccessNote(joinedMethod: string, management: boolean): string {
	if (management) return 'It created the organization rather than being made by CreateAccount: its root user must check the setting.';
	switch (joinedMethod) {
		case 'CREATED':
			return 'IAM access to billing is on by default (CreateAccount’s IamUserAccessToBilling defaults to ALLOW), unless whoever created it chose DENY.';
		case 'INVITED':
			return 'It joined by invitation and keeps its own setting: its root user must check the setting.';
		default:
			return `It joined as ${joinedMethod}: its root user must check the setting.`;
	}
}

/** What to do about the role in one account, or undefined when it is in place. */
export function roleNext(account: OrganizationAccount, state: RoleState, {management, accessRole}: {management: boolean; accessRole: string}): string | undefined {
	switch (state.kind) {
		case 'in-place':
			return undefined;
		case 'differs':
			return `Run billing-setup in account ${account.id}: it lists each difference before changing anything.`;
		case 'absent':
			return management
				? 'Run billing-setup here: StackSets never deploy to the management account.'
				: `Run billing-setup in account ${account.id} (for example with a profile that assumes ${accessRole} there), or deploy billing-setup template through a StackSet.`;
		case 'unknown':
			return state.next;
	}
}

/** One line of `accounts`, and one entry of its --json. */
/** The billing permission set of the organization's Identity Center, as assigned in one account. */
export interface PermissionSetAssignments {
	groups: number;
	users: number;
}

/** The permission set looked for, or why it could not be: absent from Identity Center, or no instance readable. */
export type PermissionSetLookup = {kind: 'found'; name: string; arn: string} | {kind: 'absent'; name: string; reason: string};

export interface AccountEntry extends OrganizationAccount {
	management: boolean;
	role: RoleState;
	/** Who the permission set is assigned to in this account, when the permission set exists. */
	permissionSet?: PermissionSetAssignments;
	billingAccess: BillingAccessAdvice;
	next?: string;
}

export function accountEntry(
	account: OrganizationAccount,
	{role, check}: {role: RoleState; check?: BillingAccessCheck},
	{managementAccountId, partition, accessRole}: {managementAccountId: string; partition: Partition; accessRole: string},
	permissionSet?: PermissionSetAssignments,
): AccountEntry {
	const management = account.id === managementAccountId;
	const next = roleNext(account, role, {management, accessRole});
	return {...account, management, role, ...(permissionSet && {permissionSet}), billingAccess: billingAccessAdvice(account, {management, partition, check}), ...(next && {next})};
}

/** "assigned to 1 group and 2 users", "not assigned". */
export function assignmentWords({groups, users}: PermissionSetAssignments): string {
	const parts = [groups > 0 && `${groups} group${groups === 1 ? '' : 's'}`, users > 0 && `${users} user${users === 1 ? '' : 's'}`].filter(Boolean);
	return parts.length === 0 ? 'not assigned' : `assigned to ${parts.join(' and ')}`;
}

/** The role's state in a few words, as the list says it. */
export function roleStateWords(state: RoleState): string {
	switch (state.kind) {
		case 'in-place':
			return `in place (${state.arn})`;
		case 'differs':
			return `differs from the default settings (${state.arn}): a run would ${state.differences.join('; ')}`;
		case 'absent':
			return 'absent';
		case 'unknown':
			return `cannot tell. ${state.reason}`;
	}
}
