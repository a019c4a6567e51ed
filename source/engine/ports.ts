/**
 * What the engine needs from AWS, as ports: the real ones live in aws/ (operations.ts, identity-center.ts), tests
 * may pass their own. Each thing a setup makes (engine/target.ts) has one port of the same shape.
 */
import type {AccountContext, IdentityCenterPeople} from '../core/account.js';
import type {BillingAccessCheck} from '../core/billing-access.js';
import type {PermissionSetPlan} from '../core/identity-center.js';
import type {Plan} from '../core/plan.js';
import type {Identity} from '../core/principal.js';
import type {Problem} from '../core/problem.js';
import type {RecordWrite} from '../reconcile/model.js';
import type {ConvergeOutcome, RoleInspection, SetupRecord} from '../reconcile/role-resources.js';

export interface PolicyCheck {
	policyArn: string;
	grantsDescribeReport: boolean;
}

/** What a verification proved of what was made. */
export interface Verification {
	/** The role's ARN, or the permission set's. */
	roleArn: string;
	/** A permission set's: where people sign in, the identity store it names, and the region Identity Center lives in. */
	accessPortalUrl?: string;
	identityStoreId?: string;
	ssoRegion?: string;
	/** The check of the root-only setting made with the role's session (or the caller's): the proof that billing works. */
	billingAccess?: BillingAccessCheck;
	/** The assumed-role ARN STS answered with, or why the assume check was skipped. */
	assumedAs?: string;
	assumeSkipped?: string;
	/** The verifying IAM user's MFA device, listed when the role requires MFA: the profile block names it. */
	mfa?: {userArn: string; serial: string};
	at: string;
}

/** IAM users and roles to pick from; `complete` is false when the list was cut short (a large account) or could not be read. */
export interface PrincipalList {
	arns: string[];
	complete: boolean;
}

/** A live read diffed against the plan, with what the named principals lack: IAM has no such one, or (MFA required) no device. */
export interface LiveRead {
	inspection: RoleInspection;
	missingPrincipals: string[];
	withoutMfa?: string[];
}

/** One thing a record made, as removing it would find it: gone already, or the steps that delete it. */
export interface RemovalItem {
	arn: string;
	/** It in words: "the role arn:…". */
	what: string;
	live: boolean;
	steps: string[];
}

/**
 * What removing would delete, read before anything goes, so nothing is touched unless all of it can (the check
 * throws what stops it). `apply` deletes, saving each write on the ARN it belongs to.
 */
export interface Removal {
	items: RemovalItem[];
	apply(write: (arn: string) => RecordWrite): Promise<void>;
}

export interface ConvergeOptions {
	reviewed: RoleInspection | undefined;
	adopt: boolean;
	write: RecordWrite;
}

/** The effects on one kind of thing a setup makes, planned as `P`. */
export interface MadePort<P> {
	/** Reads it live and diffs it against the plan; checks that the named principals exist (a role's). */
	inspect(plan: P, record: SetupRecord, principals: string[]): Promise<LiveRead>;
	converge(plan: P, record: SetupRecord, options: ConvergeOptions): Promise<ConvergeOutcome>;
	/** Reads it back: it must match the plan exactly; then proves what it can (a switch, with `costCheck` the setting as the role). */
	verify(plan: P, record: SetupRecord, options: {assumeSkipped?: string; costCheck: boolean}): Promise<Verification>;
	/** `made`: what the record made and has not removed, each with its plan. `force` lets grants made outside go too. */
	checkRemoval(made: Array<{plan: P; arn: string}>, record: SetupRecord, options: {force: boolean}): Promise<Removal>;
}

export interface AwsOperations {
	whoAmI(): Promise<Identity>;
	/** Where the account sits in Organizations and what the caller's own policies allow; never fails, `unknown` says why. */
	inspectAccount(identity: Identity): Promise<AccountContext>;
	checkPolicy(policyArn: string): Promise<PolicyCheck>;
	/** The one check of the root-only setting, signed by the caller (aws/cost.ts): one request, USD 0.01. */
	checkBillingAccess(identity: Identity): Promise<BillingAccessCheck>;
	listPrincipals(): Promise<PrincipalList>;
	/** The caller's MFA device ARN (iam:ListMFADevices); undefined when the caller is no IAM user or IAM names none. */
	mfaDevice(identity: Identity): Promise<string | undefined>;
	role: MadePort<Plan>;
	/** Via IAM Identity Center; `people`: this region's instance and its people, when it has any (never fails: undefined). */
	permissionSet: MadePort<PermissionSetPlan> & {people(): Promise<IdentityCenterPeople | undefined>};
	describeError(error: unknown, identity?: Identity): Problem;
}

/** The ports of the things a setup makes: all a target (engine/target.ts) needs. */
export type MadePorts = Pick<AwsOperations, 'role' | 'permissionSet'>;
