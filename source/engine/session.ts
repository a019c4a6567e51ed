/**
 * Drives the step engine: applies events, saves progress after every one, and runs the effect
 * that an effect step needs. The Ink app and the headless runner share it; neither calls AWS itself.
 */
import type {AccountContext, IdentityCenterPeople} from '../core/account.js';
import type {BillingAccessCheck} from '../core/billing-access.js';
import {buildPermissionSetPlan, type PermissionSetPlan} from '../core/identity-center.js';
import {buildPlan, roleLocation, type Plan} from '../core/plan.js';
import {stackSetActions} from '../core/stackset.js';
import type {Identity, Partition} from '../core/principal.js';
import {ProblemError, type Problem} from '../core/problem.js';
import {isAwsError} from '../core/aws-error.js';
import {roleBoundaryMayHelp} from '../core/diagnosis.js';
import {defaultSettings, managedPolicyArn, type RoleSettings} from '../core/settings.js';
import type {ConvergeOutcome, RoleInspection, SetupRecord} from '../reconcile/role-resources.js';
import type {RecordWrite} from '../reconcile/model.js';
import {
	assumeSkipReason,
	callerCanBeChecked,
	isEffectStep,
	toSaved,
	transition,
	type PolicyCheck,
	type SavedSetup,
	type Verification,
	type WizardEvent,
	type WizardState,
} from './wizard.js';

/** The effects of a setup via IAM Identity Center (aws/identity-center.ts): a permission set instead of a role. */
export interface IdentityCenterOperations {
	/** This region's Identity Center instance and its people, when it has any; never fails (undefined). */
	people(): Promise<IdentityCenterPeople | undefined>;
	/** For --accounts all, lists the organization's ACTIVE accounts first: the inspection names the accounts it compared. */
	inspect(plan: PermissionSetPlan, record: SetupRecord): Promise<{inspection: RoleInspection}>;
	converge(plan: PermissionSetPlan, record: SetupRecord, options: {reviewed: RoleInspection | undefined; adopt: boolean; write: RecordWrite}): Promise<ConvergeOutcome>;
	/** Reads it back: it must match the plan exactly; says where its people sign in. Takes the accounts the inspection read. */
	verify(plan: PermissionSetPlan, record: SetupRecord): Promise<Verification>;
	/** Removes the permission sets this record created (their ARNs), with what is on them. */
	remove(permissionSets: Array<{plan: PermissionSetPlan; arn: string}>, record: SetupRecord, write: RecordWrite): Promise<void>;
}

/** IAM users and roles to pick from; `complete` is false when the list was cut short (a large account) or could not be read. */
export interface PrincipalList {
	arns: string[];
	complete: boolean;
}

/** What the effects need from AWS; the real one lives in aws/operations.ts, tests may pass their own. */
export interface AwsOperations {
	whoAmI(): Promise<Identity>;
	/** Where the account sits in Organizations and what the caller's own policies allow; never fails, `unknown` says why. */
	inspectAccount(identity: Identity): Promise<AccountContext>;
	checkPolicy(policyArn: string): Promise<PolicyCheck>;
	/** The one check of the root-only setting, signed by the caller (aws/cost.ts): one request, USD 0.01. */
	checkBillingAccess(identity: Identity): Promise<BillingAccessCheck>;
	listPrincipals(): Promise<PrincipalList>;
	/** Reads the live role and diffs it against the plan; checks that the named principals exist and, with MFA required, which users have no device. */
	inspect(plan: Plan, record: SetupRecord, principals: string[]): Promise<{inspection: RoleInspection; missingPrincipals: string[]; withoutMfa?: string[]}>;
	converge(plan: Plan, record: SetupRecord, options: {reviewed: RoleInspection | undefined; adopt: boolean; write: RecordWrite}): Promise<ConvergeOutcome>;
	/** Reads the role back: it must match the plan exactly; then proves it can be assumed and, with `costCheck`, checks the setting as the role. */
	verify(plan: Plan, record: SetupRecord, options: {assumeSkipped?: string; costCheck: boolean}): Promise<Verification>;
	/** The caller's MFA device ARN (iam:ListMFADevices); undefined when the caller is no IAM user or IAM names none. */
	mfaDevice(identity: Identity): Promise<string | undefined>;
	/** Removes every role this record created (see commands/manage.ts undo). */
	remove(plans: Plan[], record: SetupRecord, write: RecordWrite): Promise<void>;
	identityCenter: IdentityCenterOperations;
	describeError(error: unknown, identity?: Identity): Problem;
}

export interface ProgressStore {
	load(accountId: string): SavedSetup | undefined;
	save(setup: SavedSetup): void;
}

export interface SessionDeps {
	aws: AwsOperations;
	store: ProgressStore;
	now?: () => Date;
}

export function planFor(state: WizardState, settings: RoleSettings = state.settings): Plan {
	const caller = state.identity;
	if (!caller) throw new Error('The plan needs the caller identity');
	// A resumed record may have been verified by someone else; their MFA device is not this caller's.
	const mfa = state.verification?.mfa;
	return buildPlan(caller.accountId, caller.partition, settings, {setupId: state.setupId, caller, mfaSerial: mfa?.userArn === caller.arn ? mfa.serial : undefined});
}

export function recordOf(state: Pick<WizardState, 'setupId' | 'changes'>): SetupRecord {
	return {setupId: state.setupId, changes: state.changes};
}

/** What this record created (`create`) and has not removed (`remove`) since, by ARN. */
function createdBy(changes: SetupRecord['changes'], create: string, remove: string): string[] {
	const created = changes.filter(change => change.action === create).map(change => change.target);
	const deleted = new Set(changes.filter(change => change.action === remove).map(change => change.target));
	return [...new Set(created)].filter(arn => !deleted.has(arn));
}

/** Every role this record created and has not removed: a rename leaves the first one behind. */
export function createdRoles(changes: SetupRecord['changes']): string[] {
	return createdBy(changes, 'iam:CreateRole', 'iam:DeleteRole');
}

/** Every StackSet this record created and has not removed (the role in member accounts, commands/members.ts). */
export function createdStackSets(changes: SetupRecord['changes']): string[] {
	return createdBy(changes, stackSetActions.create, stackSetActions.delete);
}

/** Records from before setup ids prove ownership by their create writes alone (see ownershipOf). */
const legacySetupId = 'none';

/** A saved record as the reconcilers and the plans take it: records from before setup ids stand under legacySetupId. */
export function ownRecord<Saved extends {setupId?: string; changes: SetupRecord['changes']}>(saved: Saved): Saved & SetupRecord {
	return {...saved, setupId: saved.setupId ?? legacySetupId};
}

/** Every permission set this record created and has not removed. */
export function createdPermissionSets(changes: SetupRecord['changes']): string[] {
	return createdBy(changes, 'sso:CreatePermissionSet', 'sso:DeletePermissionSet');
}

/**
 * The permission set plan of a state or a saved record (via Identity Center). `inspection`: the last read of it,
 * whose accounts are those Organizations listed for --accounts all.
 */
export function permissionSetPlanOf(
	record: {accountId: string; settings: Partial<RoleSettings>; setupId: string},
	partition: Partition,
	inspection?: Pick<RoleInspection, 'accountIds'>,
): PermissionSetPlan {
	return buildPermissionSetPlan(record.accountId, partition, {...defaultSettings, ...record.settings}, {setupId: record.setupId, organizationAccounts: inspection?.accountIds});
}

/** Writes and the verification go to the accounts the review showed, not to a list read again since. */
export function permissionSetPlanFor(state: WizardState): PermissionSetPlan {
	const {accountId, partition} = state.identity!;
	return permissionSetPlanOf({accountId, settings: state.settings, setupId: state.setupId}, partition, state.inspection);
}

/**
 * The plan of one role of a record: its settings, with the name and path that role has (a rename leaves
 * roles of other names). What undo and status work from, in the wizard and the commands alike.
 */
export function planOfRole(
	record: {accountId: string; settings: Partial<RoleSettings>; setupId: string},
	partition: Partition,
	roleArn?: string,
): Plan {
	// Records from before a setting existed lack it: the defaults fill it in, as resume does.
	const settings = {...defaultSettings, ...record.settings, ...(roleArn && roleLocation(roleArn))};
	return buildPlan(record.accountId, partition, settings, {setupId: record.setupId});
}

/** IAM users and roles of this account that the trust names, which IAM can say exist or not. */
function principalsToCheck(state: WizardState): string[] {
	const {trust} = state.settings;
	if (trust.kind !== 'principals' || !state.identity) return [];
	return trust.arns.filter(arn => new RegExp(`^arn:[\\w-]+:iam::${state.identity!.accountId}:(user|role)/`).test(arn));
}

/** IAM names the principal it rejects in MalformedPolicyDocument: "Invalid principal in policy: …". */
function trustRejection(error: unknown): string | undefined {
	const {name, message} = (error ?? {}) as {name?: string; message?: string};
	if (name !== 'MalformedPolicyDocument' && name !== 'MalformedPolicyDocumentException') return undefined;
	if (!/principal/i.test(message ?? '')) return undefined;
	return /[.!?]$/.test(message ?? '') ? message : `${message}.`;
}

export class WizardSession {
	private current: WizardState;
	private started?: Promise<void>;
	private working = false;
	private readonly listeners = new Set<() => void>();

	constructor(
		initial: WizardState,
		private readonly deps: SessionDeps,
	) {
		this.current = initial;
	}

	get state(): WizardState {
		return this.current;
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	readonly getState = (): WizardState => this.current;

	/**
	 * Starts at the identity step; resolves when the session waits for an answer or has ended.
	 * Calling it again returns the same run, so the CLI can start the STS call before the UI mounts.
	 */
	start(): Promise<void> {
		return (this.started ??= this.runEffects());
	}

	/** Applies an answer, then runs whatever effects follow. An answer while AWS work runs is refused: a doubled key must not run it twice. */
	async send(event: WizardEvent): Promise<void> {
		if (this.working) return;
		this.apply(event);
		await this.runEffects();
	}

	private now(): string {
		return (this.deps.now?.() ?? new Date()).toISOString();
	}

	/** Records each write into progress the moment it succeeds, with the role (or permission set) it was made on. */
	private writer(role?: string): RecordWrite {
		return (action, target, on = role) => this.apply({type: 'changed', change: {action, target, ...(on && {role: on}), at: this.now()}});
	}

	private apply(event: WizardEvent): void {
		this.current = transition(this.current, event);
		const saved = toSaved(this.current, this.now());
		if (saved) {
			try {
				this.deps.store.save(saved);
			} catch (error) {
				this.current = transition(this.current, {type: 'failed', problem: this.deps.aws.describeError(error)});
			}
		}
		for (const listener of this.listeners) listener();
	}

	private async runEffects(): Promise<void> {
		if (this.working) return;
		this.working = true;
		try {
			while (isEffectStep(this.current.step)) {
				const event = await this.effect(this.current).catch(
					(error: unknown): WizardEvent => ({
						type: 'failed',
						problem: this.deps.aws.describeError(error, this.current.identity),
					}),
				);
				this.apply(event);
			}
		} finally {
			this.working = false;
		}
	}

	private async effect(state: WizardState): Promise<WizardEvent> {
		const {aws, store} = this.deps;
		switch (state.step) {
			case 'identity': {
				const identity = await aws.whoAmI();
				return {type: 'identity-loaded', identity, saved: store.load(identity.accountId)};
			}
			case 'inspect-account': {
				// The access question's policy is read beside the account, so the answer that keeps it waits for nothing;
				// a failed read is left to the policy step, which says why.
				const policyArn = managedPolicyArn(state.settings.access, state.identity!.partition);
				const [context, identityCenter, policyCheck] = await Promise.all([
					aws.inspectAccount(state.identity!),
					aws.identityCenter.people(),
					aws.checkPolicy(policyArn).catch(() => undefined),
				]);
				return {type: 'account-inspected', context: {...context, ...(identityCenter && {identityCenter})}, ...(policyCheck && {policyCheck})};
			}
			case 'check-activation':
				return {type: 'activation-checked', check: await aws.checkBillingAccess(state.identity!)};
			case 'inspect-policy': {
				const partition = state.identity?.partition ?? 'aws';
				return {type: 'policy-inspected', check: await aws.checkPolicy(managedPolicyArn(state.settings.access, partition))};
			}
			case 'list-principals':
				return {type: 'principals-listed', ...(await aws.listPrincipals())};
			case 'check-live':
			case 'inspect-role': {
				const read: ReturnType<AwsOperations['inspect']> =
					state.settings.via === 'identity-center'
						? aws.identityCenter.inspect(permissionSetPlanFor(state), recordOf(state)).then(({inspection}) => ({inspection, missingPrincipals: []}))
						: aws.inspect(planFor(state), recordOf(state), principalsToCheck(state));
				const {inspection, missingPrincipals, withoutMfa = []} = await read.catch((error: unknown) => {
					if (!isAwsError(error, 'AccessDenied')) throw error;
					const problem = aws.describeError(error, state.identity);
					// Say what the denial costs: without the read there is no diff, and without a diff no write.
					throw new ProblemError({...problem, why: `${problem.why} Without it billing-setup cannot compare what is live with your answers, so it changes nothing.`});
				});
				return {type: 'role-inspected', inspection, missingPrincipals, withoutMfa};
			}
			case 'create': {
				if (state.settings.via === 'identity-center') {
					const outcome = await aws.identityCenter.converge(permissionSetPlanFor(state), recordOf(state), {reviewed: state.inspection, adopt: true, write: this.writer()});
					return outcome.kind === 'converged' ? {type: 'created'} : {type: 'live-changed', inspection: outcome.inspection};
				}
				const plan = planFor(state);
				try {
					const outcome = await aws.converge(plan, recordOf(state), {
						reviewed: state.inspection,
						// The user confirmed the review, or --yes passed the adoption check (headless.ts).
						adopt: true,
						write: this.writer(plan.roleArn),
					});
					return outcome.kind === 'converged' ? {type: 'created'} : {type: 'live-changed', inspection: outcome.inspection};
				} catch (error) {
					const reason = trustRejection(error);
					if (reason) return {type: 'trust-rejected', reason};
					const {action, message = ''} = error as {action?: string; message?: string};
					if (isAwsError(error, 'AccessDenied') && action === 'iam:CreateRole' && roleBoundaryMayHelp(message)) {
						return {type: 'create-denied', problem: aws.describeError(error, state.identity)};
					}
					throw error;
				}
			}
			case 'verify': {
				const identity = state.identity!;
				const verified =
					state.settings.via === 'identity-center'
						? await aws.identityCenter.verify(permissionSetPlanFor(state), recordOf(state))
						: await aws.verify(planFor(state), recordOf(state), {assumeSkipped: assumeSkipReason(identity, state), costCheck: state.paidChecks});
				// Without a session of what was made, the caller's own answer still states the setting, where it can.
				const billingAccess = verified.billingAccess ?? (callerCanBeChecked(state) ? await aws.checkBillingAccess(identity) : undefined);
				const serial = state.settings.via === 'role' && state.settings.requireMfa ? await aws.mfaDevice(identity) : undefined;
				return {type: 'verified', verification: {...verified, ...(billingAccess && {billingAccess}), ...(serial && {mfa: {userArn: identity.arn, serial}})}};
			}
			case 'remove': {
				const {accountId, partition} = state.identity!;
				const plans = createdRoles(state.changes).map(arn => planOfRole({accountId, settings: state.settings, setupId: state.setupId}, partition, arn));
				if (plans.length > 0) await aws.remove(plans, recordOf(state), this.writer());
				const permissionSets = createdPermissionSets(state.changes).map(arn => ({plan: permissionSetPlanFor(state), arn}));
				if (permissionSets.length > 0) await aws.identityCenter.remove(permissionSets, recordOf(state), this.writer());
				return {type: 'removed'};
			}
			default:
				throw new Error(`${state.step} is not an effect step`);
		}
	}
}
