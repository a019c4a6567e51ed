/**
 * The step engine: pure state and transitions. The Ink screens and the headless runner both drive it;
 * effects (AWS calls) are run by the session for the steps listed in `effectSteps`.
 */
import type {Identity} from '../core/principal.js';
import type {Problem} from '../core/problem.js';
import {defaultSettings, type AccessLevel, type RoleSettings, type Trust} from '../core/settings.js';
import {substantive, type RoleInspection} from '../reconcile/role-resources.js';

export type QuestionStep =
	| 'resume'
	| 'activation'
	| 'role-name'
	| 'access'
	| 'cost-explorer'
	| 'trust'
	| 'trust-principals'
	| 'mfa'
	| 'session'
	| 'finished'
	| 'review';
export type EffectStep = 'identity' | 'inspect-policy' | 'list-principals' | 'check-live' | 'inspect-role' | 'create' | 'verify' | 'remove';
export type FinalStep = 'done' | 'removed' | 'stopped' | 'failed';
export type Step = QuestionStep | EffectStep | FinalStep;

export const effectSteps: readonly Step[] = ['identity', 'inspect-policy', 'list-principals', 'check-live', 'inspect-role', 'create', 'verify', 'remove'];
export const finalSteps: readonly Step[] = ['done', 'removed', 'stopped', 'failed'];

export function isEffectStep(step: Step): step is EffectStep {
	return effectSteps.includes(step);
}

export function isFinalStep(step: Step): step is FinalStep {
	return finalSteps.includes(step);
}

/** The sections a person sees in the header, "Step k of n". */
export const sections = ['Identity', 'Root activation', 'Role settings', 'Review', 'Create', 'Verify'] as const;
export type Section = (typeof sections)[number];

export const sectionOf: Record<Exclude<Step, FinalStep>, Section> = {
	identity: 'Identity',
	resume: 'Identity',
	activation: 'Root activation',
	'role-name': 'Role settings',
	access: 'Role settings',
	'inspect-policy': 'Role settings',
	'cost-explorer': 'Role settings',
	trust: 'Role settings',
	'list-principals': 'Role settings',
	'trust-principals': 'Role settings',
	mfa: 'Role settings',
	session: 'Role settings',
	'check-live': 'Review',
	finished: 'Review',
	'inspect-role': 'Review',
	review: 'Review',
	create: 'Create',
	remove: 'Create',
	verify: 'Verify',
};

export type ActivationAnswer = 'confirmed' | 'not-yet';

/** An AWS write the tool made, recorded the moment it succeeded. */
export interface Change {
	action: string;
	target: string;
	/** The role it was made on; absent in records from before it was kept. */
	role?: string;
	at: string;
}

/** What a re-run on a finished setup may do. */
export type FinishedChoice = 'hand-off' | 'change' | 'repair' | 'remove';

export interface PolicyCheck {
	policyArn: string;
	grantsDescribeReport: boolean;
}

export interface Verification {
	roleArn: string;
	/** The assumed-role ARN STS answered with, or why the assume check was skipped. */
	assumedAs?: string;
	assumeSkipped?: string;
	/** The verifying IAM user's MFA device, listed when the role requires MFA: the profile block names it. */
	mfa?: {userArn: string; serial: string};
	at: string;
}

/** What was saved for an account; also what resume restores. */
export interface SavedSetup {
	/** Written as the role's BillingSetupId tag: a role with another id was made by another record. Absent in records from before it was kept. */
	setupId?: string;
	accountId: string;
	callerArn: string;
	/** The step to come back to: never a final one. */
	step: Exclude<Step, FinalStep>;
	finished: boolean;
	activation?: ActivationAnswer;
	activationAnsweredAt?: string;
	settings: RoleSettings;
	policyCheck?: PolicyCheck;
	changes: Change[];
	verification?: Verification;
	removedAt?: string;
	startedAt: string;
	updatedAt: string;
}

export interface WizardState {
	step: Step;
	/** Settings given on the command line: they win over saved progress and defaults. */
	presets: Partial<RoleSettings>;
	settings: RoleSettings;
	identity?: Identity;
	saved?: SavedSetup;
	activation?: ActivationAnswer;
	activationAnsweredAt?: string;
	policyCheck?: PolicyCheck;
	principalChoices?: string[];
	changes: Change[];
	verification?: Verification;
	setupId: string;
	/** The live role compared with the plan, read before the review and the finished-setup menu. */
	inspection?: RoleInspection;
	/** --adopt: headless runs may take over a billing role made by billing-setup elsewhere. */
	adopt: boolean;
	/** A sentence shown above the current question, e.g. why the role name must change. */
	notice?: string;
	problem?: Problem;
	/** Where a failure happened, so the saved progress resumes there. */
	resumeStep: Exclude<Step, FinalStep>;
	startedAt: string;
}

export type WizardEvent =
	| {type: 'identity-loaded'; identity: Identity; saved?: SavedSetup}
	| {type: 'resume-answered'; resume: boolean}
	| {type: 'activation-answered'; answer: ActivationAnswer | 'stop'; at: string}
	| {type: 'role-name-entered'; roleName: string}
	| {type: 'access-chosen'; access: AccessLevel}
	| {type: 'policy-inspected'; check: PolicyCheck}
	| {type: 'cost-explorer-answered'; enabled: boolean}
	| {type: 'trust-chosen'; trust: Trust['kind']}
	| {type: 'principals-listed'; arns: string[]}
	| {type: 'principals-chosen'; arns: string[]}
	| {type: 'mfa-answered'; requireMfa: boolean}
	| {type: 'session-chosen'; seconds: number}
	| {type: 'role-inspected'; inspection: RoleInspection; missingPrincipals: string[]}
	| {type: 'finished-chosen'; choice: FinishedChoice}
	| {type: 'review-answered'; create: boolean}
	| {type: 'changed'; change: Change}
	| {type: 'created'}
	| {type: 'live-changed'; inspection: RoleInspection}
	| {type: 'trust-rejected'; reason: string}
	| {type: 'verified'; verification: Verification}
	| {type: 'removed'}
	| {type: 'failed'; problem: Problem};

export interface StartOptions {
	setupId: string;
	adopt?: boolean;
}

export function initialState(presets: Partial<RoleSettings>, now: string, {setupId, adopt = false}: StartOptions): WizardState {
	return {
		step: 'identity',
		presets,
		settings: {...defaultSettings, ...presets},
		changes: [],
		setupId,
		adopt,
		resumeStep: 'identity',
		startedAt: now,
	};
}

const stepAfterActivation: Step = 'role-name';

/**
 * Saved steps that resume elsewhere. Nothing is written without a fresh read of IAM shown in a review, so
 * every step from the review on resumes at that read; identity and resume are asked anew every run.
 */
const resumeInsteadOf: Partial<Record<SavedSetup['step'], SavedSetup['step']>> = {
	review: 'inspect-role',
	create: 'inspect-role',
	verify: 'inspect-role',
	finished: 'check-live',
	remove: 'check-live',
	identity: 'activation',
	resume: 'activation',
};

/** Where a restored setup picks up: a finished one opens on a live check of its role. */
function restore(state: WizardState, saved: SavedSetup): WizardState {
	const settings = {...defaultSettings, ...saved.settings, ...state.presets};
	const activation = saved.activation === 'confirmed' ? saved : undefined;
	const common = {
		...state,
		settings,
		activation: activation?.activation,
		activationAnsweredAt: activation?.activationAnsweredAt,
		policyCheck: saved.policyCheck && policyCheckFits(saved.policyCheck, settings.access) ? saved.policyCheck : undefined,
		changes: saved.changes,
		// Records from before setup ids keep the one this run drew.
		setupId: saved.setupId ?? state.setupId,
		verification: saved.verification,
	};
	if (saved.finished) return {...common, step: 'check-live'};
	const step = resumeInsteadOf[saved.step] ?? saved.step;
	return {...common, activation: saved.activation, activationAnsweredAt: saved.activationAnsweredAt, step};
}

function moveTo(state: WizardState, step: Step, changes: Partial<WizardState> = {}): WizardState {
	const next = {...state, ...changes, step, notice: changes.notice};
	return isFinalStep(step) ? next : {...next, resumeStep: step};
}

export function transition(state: WizardState, event: WizardEvent): WizardState {
	switch (event.type) {
		case 'identity-loaded': {
			const loaded = {...state, identity: event.identity, saved: event.saved};
			if (event.saved && !event.saved.finished && !event.saved.removedAt) return moveTo(loaded, 'resume');
			if (event.saved?.finished && !event.saved.removedAt) {
				const restored = restore(loaded, event.saved);
				return moveTo(restored, restored.step);
			}
			return moveTo(loaded, 'activation');
		}
		case 'resume-answered': {
			if (!state.saved) return moveTo(state, 'activation');
			if (event.resume) {
				const restored = restore(state, state.saved);
				return moveTo(restored, restored.step);
			}
			return moveTo({...state, saved: undefined, settings: {...defaultSettings, ...state.presets}}, 'activation');
		}
		case 'activation-answered': {
			if (event.answer === 'stop') return moveTo(state, 'stopped', {resumeStep: 'activation'});
			return moveTo(state, stepAfterActivation, {activation: event.answer, activationAnsweredAt: event.at});
		}
		case 'role-name-entered':
			return moveTo(state, 'access', {settings: {...state.settings, roleName: event.roleName}});
		case 'access-chosen': {
			const settings = {...state.settings, access: event.access};
			const checked = state.policyCheck && policyCheckFits(state.policyCheck, event.access);
			return moveTo(state, checked ? 'cost-explorer' : 'inspect-policy', {
				settings,
				policyCheck: checked ? state.policyCheck : undefined,
			});
		}
		case 'policy-inspected':
			return moveTo(state, 'cost-explorer', {policyCheck: event.check});
		case 'cost-explorer-answered':
			return moveTo(state, 'trust', {settings: {...state.settings, costExplorer: event.enabled}});
		case 'trust-chosen':
			if (event.trust === 'account') {
				return moveTo(state, 'mfa', {settings: {...state.settings, trust: {kind: 'account'}}});
			}
			return moveTo(state, 'list-principals');
		case 'principals-listed':
			return moveTo(state, 'trust-principals', {principalChoices: event.arns});
		case 'principals-chosen':
			if (event.arns.length === 0) {
				return moveTo(state, 'trust-principals', {notice: 'Choose at least one IAM user or role, or go back to trusting this account.'});
			}
			return moveTo(state, 'mfa', {settings: {...state.settings, trust: {kind: 'principals', arns: event.arns}}});
		case 'mfa-answered':
			return moveTo(state, 'session', {settings: {...state.settings, requireMfa: event.requireMfa}});
		case 'session-chosen':
			return moveTo(state, 'inspect-role', {settings: {...state.settings, maxSessionSeconds: event.seconds}});
		case 'role-inspected':
			return afterInspection(state, event.inspection, event.missingPrincipals);
		case 'finished-chosen':
			return moveTo(state, finishedNext[event.choice]);
		case 'review-answered':
			return event.create ? moveTo(state, 'create') : moveTo(state, 'stopped', {resumeStep: 'review'});
		case 'changed':
			return {...state, changes: [...state.changes, event.change]};
		case 'created':
			return moveTo(state, 'verify');
		case 'live-changed':
			return afterInspection(
				{...state, step: 'inspect-role'},
				event.inspection,
				[],
				'The role changed in IAM since it was read: review what would change now.',
			);
		case 'trust-rejected':
			return moveTo(state, 'trust', {notice: `IAM rejected who may switch: ${event.reason} Choose again.`});
		case 'verified':
			return moveTo(state, 'done', {verification: event.verification});
		case 'removed':
			return moveTo(state, 'removed');
		case 'failed':
			return moveTo(state, 'failed', {problem: event.problem});
	}
}

const finishedNext: Record<FinishedChoice, Step> = {'hand-off': 'done', change: 'role-name', repair: 'review', remove: 'remove'};

/** Where a read of the live role leads: the review, the finished-setup menu, or back to a question that must change. */
function afterInspection(state: WizardState, inspection: RoleInspection, missingPrincipals: string[], notice?: string): WizardState {
	const name = state.settings.roleName;
	if (state.step === 'check-live') return moveTo(state, 'finished', {inspection});
	if (inspection.ownership === 'foreign') {
		return moveTo(state, 'role-name', {
			inspection,
			notice: `A role named ${name} already exists and was not created by billing-setup, so it is left untouched. Choose another name.`,
		});
	}
	if (inspection.ownership === 'elsewhere' && !inspection.billingShaped) {
		const beyond = inspection.differences.filter(difference => difference.widening).map(difference => difference.summary);
		return moveTo(state, 'role-name', {
			inspection,
			notice: `A role named ${name} is tagged ManagedBy=billing-setup but was not set up from here, and it is not only a billing role (${beyond.join('; ')}). It is left untouched. Choose another name.`,
		});
	}
	const blocked = inspection.differences.find(difference => difference.blocked);
	if (blocked) return moveTo(state, 'role-name', {inspection, notice: `The role ${name} exists, and billing-setup cannot ${blocked.summary}. ${blocked.blocked}`});
	if (missingPrincipals.length > 0) {
		return moveTo(state, 'trust', {inspection, notice: `IAM has no ${missingPrincipals.join(', ')}: choose who may switch again.`});
	}
	return moveTo(state, 'review', {inspection, notice});
}

function policyCheckFits(check: PolicyCheck, access: AccessLevel): boolean {
	return check.policyArn.endsWith(access === 'full' ? '/job-function/Billing' : '/AWSBillingReadOnlyAccess');
}

/**
 * The answer pressing Enter gives at a question: the current settings, which already hold
 * flags, then saved progress, then defaults. Headless runs take exactly these answers.
 */
export function defaultAnswer(state: WizardState, now: string): WizardEvent {
	const {settings} = state;
	switch (state.step) {
		case 'resume':
			return {type: 'resume-answered', resume: true};
		case 'activation':
			// Only the user can know the root step was done, so Enter never claims it.
			return {type: 'activation-answered', answer: state.activation ?? 'not-yet', at: now};
		case 'role-name':
			return {type: 'role-name-entered', roleName: settings.roleName};
		case 'access':
			return {type: 'access-chosen', access: settings.access};
		case 'cost-explorer':
			return {type: 'cost-explorer-answered', enabled: settings.costExplorer};
		case 'trust':
			return settings.trust.kind === 'principals'
				? {type: 'principals-chosen', arns: settings.trust.arns}
				: {type: 'trust-chosen', trust: 'account'};
		case 'trust-principals':
			return settings.trust.kind === 'principals'
				? {type: 'principals-chosen', arns: settings.trust.arns}
				: {type: 'trust-chosen', trust: 'account'};
		case 'mfa':
			return {type: 'mfa-answered', requireMfa: settings.requireMfa};
		case 'session':
			return {type: 'session-chosen', seconds: settings.maxSessionSeconds};
		case 'finished':
			return {type: 'finished-chosen', choice: state.inspection && substantive(state.inspection.differences).length > 0 ? 'repair' : 'hand-off'};
		case 'review':
			return {type: 'review-answered', create: true};
		default:
			throw new Error(`No answer is asked for at step ${state.step}`);
	}
}

/** The progress record for this state; identity must be known. */
export function toSaved(state: WizardState, now: string): SavedSetup | undefined {
	// Until the resume question is answered, the record on disk is the one being offered: keep it as it is.
	if (!state.identity || state.step === 'resume') return undefined;
	const finished = state.step === 'done';
	const removed = state.step === 'removed';
	return {
		setupId: state.setupId,
		accountId: state.identity.accountId,
		callerArn: state.identity.arn,
		step: finished ? 'verify' : removed ? 'identity' : state.resumeStep,
		finished,
		...(state.activation && {activation: state.activation, activationAnsweredAt: state.activationAnsweredAt}),
		settings: state.settings,
		...(state.policyCheck && {policyCheck: state.policyCheck}),
		changes: state.changes,
		...(state.verification && !removed && {verification: state.verification}),
		...(removed && {removedAt: now}),
		startedAt: state.saved?.startedAt ?? state.startedAt,
		updatedAt: now,
	};
}
