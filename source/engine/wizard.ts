/**
 * The step engine: pure state and transitions, driven by one table (`steps`) that says per step its kind,
 * section, the events it accepts and where each leads, where Esc goes back to, the answer Enter gives,
 * its trail line and its wait label. The Ink screens, the header, the trail and the headless runner all
 * read that table; effects (AWS calls) are run by the session for the effect steps.
 */
import {callerHasBilling, type AccountContext} from '../core/account.js';
import {billingAccessLine, gatedIdentity, type BillingAccessCheck} from '../core/billing-access.js';
import {billingElsewhere, costExplorerRegion} from '../core/partition.js';
import {hours} from '../core/text.js';
import {callerName, type Identity} from '../core/principal.js';
import {principalLabel} from '../core/policy.js';
import {callerIsTrusted} from '../core/handoff.js';
import type {Problem} from '../core/problem.js';
import {assigneeLabel} from '../core/identity-center.js';
import {defaultSettings, managedPolicyName, type AccessLevel, type Assignee, type RoleSettings, type Trust, type Via} from '../core/settings.js';
import {substantive, type RoleInspection} from '../reconcile/role-resources.js';
import type {PolicyCheck, Verification} from './ports.js';
import {targetOf, type Change, type TargetContext, type TargetQuestion} from './target.js';

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
	| 'review'
	| 'boundary'
	| 'via'
	| 'assignees'
	| 'activation-off'
	| 'billing-open';
export type EffectStep = 'identity' | 'inspect-account' | 'check-activation' | 'check-name' | 'inspect-policy' | 'list-principals' | 'check-principals' | 'check-live' | 'inspect-role' | 'create' | 'verify' | 'remove';
/** `not-needed`: the caller's own policies allow billing, so the root step alone was all they needed; nothing was created. */
export type FinalStep = 'done' | 'removed' | 'stopped' | 'not-needed' | 'failed';
export type Step = QuestionStep | EffectStep | FinalStep;

/** The sections a person sees in the header, "Step k of n". */
export const sections = ['Identity', 'Root activation', 'Settings', 'Review', 'Create', 'Verify'] as const;
export type Section = (typeof sections)[number];

export type ActivationAnswer = 'confirmed' | 'not-yet';
/** At the root step: go on to the role, ask AWS (`check`), stop to come back later, or end here because the caller needs no role. */
export type ActivationChoice = ActivationAnswer | 'check' | 'stop' | 'not-needed';
/** When AWS answered that the setting is off: ask again, make the role anyway, or stop. */
export type ActivationOffChoice = 'check' | 'go-on' | 'stop';
/** When AWS answered that Billing is open to the caller: end with nothing written, or make a role for others. */
export type BillingOpenChoice = 'done' | 'role';

/** What a re-run on a finished setup may do. */
export type FinishedChoice = 'hand-off' | 'change' | 'repair' | 'remove';

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
	/** What AWS answered when asked at the root step (or by status --check). */
	activationCheck?: BillingAccessCheck;
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
	/** Where the account sits and what the caller's own policies allow, read right after identity. */
	account?: AccountContext;
	saved?: SavedSetup;
	activation?: ActivationAnswer;
	activationAnsweredAt?: string;
	/** What AWS answered when asked at the root step. */
	activationCheck?: BillingAccessCheck;
	/** Whether requests that cost money may be made (--no-cost-check says no). */
	paidChecks: boolean;
	policyCheck?: PolicyCheck;
	principalChoices?: string[];
	/** False when the picker's list is not all of IAM's users and roles: it says so, and offers to type an ARN. */
	principalChoicesComplete?: boolean;
	changes: Change[];
	verification?: Verification;
	setupId: string;
	/** The live role compared with the plan, read before the review and the finished-setup menu. */
	inspection?: RoleInspection;
	/** --adopt: headless runs may take over a billing role made by billing-setup elsewhere. */
	adopt: boolean;
	/** A sentence shown above the current question, e.g. why the role name must change. */
	notice?: string;
	/** The question being changed from the review: once it (and what follows from it) is answered, back to the review. */
	editing?: QuestionStep;
	problem?: Problem;
	/** Where a failure happened, so the saved progress resumes there. */
	resumeStep: Exclude<Step, FinalStep>;
	startedAt: string;
}

export type WizardEvent =
	| {type: 'identity-loaded'; identity: Identity; saved?: SavedSetup}
	| {type: 'account-inspected'; context: AccountContext; policyCheck?: PolicyCheck}
	| {type: 'resume-answered'; resume: boolean}
	| {type: 'activation-answered'; answer: ActivationChoice; at: string}
	| {type: 'activation-checked'; check: BillingAccessCheck}
	| {type: 'activation-off-answered'; choice: ActivationOffChoice}
	| {type: 'billing-open-answered'; choice: BillingOpenChoice}
	| {type: 'via-chosen'; via: Via}
	/** The role's name, or the permission set's (via Identity Center). */
	| {type: 'role-name-entered'; roleName: string}
	| {type: 'assignees-chosen'; assignees: Assignee[]}
	| {type: 'access-chosen'; access: AccessLevel}
	| {type: 'policy-inspected'; check: PolicyCheck}
	| {type: 'cost-explorer-answered'; enabled: boolean}
	| {type: 'trust-chosen'; trust: Trust['kind']}
	/** `complete`: false when IAM has more than were listed, or none could be listed. */
	| {type: 'principals-listed'; arns: string[]; complete: boolean}
	| {type: 'principals-chosen'; arns: string[]}
	| {type: 'mfa-answered'; requireMfa: boolean}
	| {type: 'session-chosen'; seconds: number}
	/** `withoutMfa`: chosen IAM users IAM lists no MFA device for, when the role requires MFA. */
	| {type: 'role-inspected'; inspection: RoleInspection; missingPrincipals: string[]; withoutMfa?: string[]}
	| {type: 'finished-chosen'; choice: FinishedChoice}
	| {type: 'review-answered'; create: boolean}
	/** From the review: change one answer, then come back. */
	| {type: 'edit-chosen'; step: EditableStep}
	/** From the review: the guard is on or off, nothing to ask. */
	| {type: 'guard-toggled'}
	/** Esc: the question before this one. */
	| {type: 'back'}
	| {type: 'changed'; change: Change}
	| {type: 'created'}
	| {type: 'live-changed'; inspection: RoleInspection}
	| {type: 'trust-rejected'; reason: string}
	/** CreateRole was denied; an organisation that requires a permissions boundary on new roles denies it this way. */
	| {type: 'create-denied'; problem: Problem}
	| {type: 'boundary-entered'; policyArn: string}
	| {type: 'verified'; verification: Verification}
	| {type: 'removed'}
	| {type: 'failed'; problem: Problem};

export interface StartOptions {
	setupId: string;
	adopt?: boolean;
	/** --no-cost-check: no request that costs money. */
	paidChecks?: boolean;
}

export function initialState(presets: Partial<RoleSettings>, now: string, {setupId, adopt = false, paidChecks = true}: StartOptions): WizardState {
	return {
		step: 'identity',
		presets,
		settings: {...defaultSettings, ...presets},
		changes: [],
		setupId,
		adopt,
		paidChecks,
		resumeStep: 'identity',
		startedAt: now,
	};
}

/**
 * Saved steps that resume elsewhere. Nothing is written without a fresh read of IAM shown in a review, so
 * every step from the review on resumes at that read; identity and resume are asked anew every run.
 */
const resumeInsteadOf: Partial<Record<SavedSetup['step'], SavedSetup['step']>> = {
	review: 'inspect-role',
	create: 'inspect-role',
	verify: 'inspect-role',
	boundary: 'inspect-role',
	// The picker's list is not saved: list again.
	'trust-principals': 'list-principals',
	'check-principals': 'list-principals',
	'check-name': 'role-name',
	finished: 'check-live',
	remove: 'check-live',
	identity: 'activation',
	'inspect-account': 'activation',
	resume: 'activation',
	// A check is asked again only when the person chooses to: it costs money.
	'check-activation': 'activation',
	'activation-off': 'activation',
	'billing-open': 'activation',
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
		activationCheck: saved.activationCheck,
		policyCheck: saved.policyCheck && policyCheckFits(saved.policyCheck, settings.access) ? saved.policyCheck : undefined,
		changes: saved.changes,
		// Records from before setup ids keep the one this run drew.
		setupId: saved.setupId ?? state.setupId,
		verification: saved.verification,
	};
	const restored = saved.finished
		? {...common, step: 'check-live' as const}
		: {...common, activation: saved.activation, activationAnsweredAt: saved.activationAnsweredAt, step: resumeInsteadOf[saved.step] ?? saved.step};
	return restored;
}

function moveTo(state: WizardState, step: Step, changes: Partial<WizardState> = {}): WizardState {
	const next = {...state, ...changes, step, notice: changes.notice};
	return steps[step].kind === 'final' ? next : {...next, resumeStep: step as WizardState['resumeStep']};
}

/** Questions the review can send the user back to, and the steps that answering one leads through. */
export const editableSteps = {
	'role-name': [],
	access: ['inspect-policy', 'cost-explorer'],
	'cost-explorer': [],
	assignees: [],
	trust: ['list-principals', 'trust-principals'],
	mfa: [],
	session: [],
} as const satisfies Record<string, readonly Step[]>;
export type EditableStep = keyof typeof editableSteps;

/** A question's natural next step, or the live read before the review when this answer was an edit from it. */
function moveOn(state: WizardState, next: Step, changes: Partial<WizardState> = {}): WizardState {
	const {editing} = state;
	const following: readonly Step[] = editing && editing in editableSteps ? editableSteps[editing as EditableStep] : [];
	if (editing && steps[next].kind === 'question' && !following.includes(next)) {
		return moveTo({...state, editing: undefined}, 'inspect-role', changes);
	}
	return moveTo(state, next, changes);
}

/** Takes a settings question's answer and goes to the next question this setup asks (after the last, the live read). */
function answered(state: WizardState, from: QuestionStep, changes: Partial<WizardState>): WizardState {
	const next = questionAfter({...state, ...changes}, from);
	return next === 'inspect-role' ? moveTo({...state, editing: undefined}, next, changes) : moveOn(state, next, changes);
}

/** A question only some targets ask (a role's trust, a permission set's assignees). */
const notAsked = (question: TargetQuestion) => (state: WizardState) => !targetOf(state.settings).asks.includes(question);

const capitalized = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;

const finishedNext: Record<FinishedChoice, Step> = {'hand-off': 'done', change: 'role-name', repair: 'review', remove: 'remove'};

/** What must be answered again before anything is written: a name another holds, or principals IAM does not have. */
function conflictOf(state: WizardState, inspection: RoleInspection, missingPrincipals: string[]): {step: QuestionStep; notice: string} | undefined {
	const made = targetOf(state.settings);
	const {noun} = made;
	const name = made.name(state.settings);
	if (inspection.ownership === 'foreign') {
		return {step: 'role-name', notice: `A ${noun} named ${name} already exists and was not created by billing-setup, so it is left untouched. Choose another name.`};
	}
	if (inspection.ownership === 'elsewhere' && !inspection.billingShaped) {
		const beyond = inspection.differences.filter(difference => difference.widening).map(difference => difference.summary);
		return {
			step: 'role-name',
			notice: `A ${noun} named ${name} is tagged ManagedBy=billing-setup but was not set up from here, and it is not only a billing ${noun} (${beyond.join('; ')}). It is left untouched. Choose another name.`,
		};
	}
	const blocked = inspection.differences.find(difference => difference.blocked);
	if (blocked) return {step: 'role-name', notice: `The ${noun} ${name} exists, and billing-setup cannot ${blocked.summary}. ${blocked.blocked}`};
	if (missingPrincipals.length > 0) return {step: 'trust', notice: `IAM has no ${missingPrincipals.join(', ')}: choose who may switch again.`};
	return undefined;
}

/** Where a read of the live role leads: the review, the finished-setup menu, or back to a question that must change. */
function afterInspection(state: WizardState, inspection: RoleInspection, missingPrincipals: string[], notice?: string, withoutMfa: string[] = []): WizardState {
	if (state.step === 'check-live') return moveTo(state, 'finished', {inspection});
	const conflict = conflictOf(state, inspection, missingPrincipals);
	if (conflict) return moveTo(state, conflict.step, {inspection, notice: conflict.notice});
	return moveTo(state, 'review', {inspection, notice: notice ?? unusableWithMfa(state, withoutMfa)});
}

/**
 * A check made as soon as a question is answered, so a conflict is said there and not after every other question:
 * back to the question it concerns, or on to the next one.
 */
function checkedAnswer(state: WizardState, question: QuestionStep, inspection: RoleInspection, missingPrincipals: string[]): WizardState {
	const conflict = conflictOf(state, inspection, missingPrincipals);
	if (conflict) return moveTo(state, conflict.step, {inspection, notice: conflict.notice});
	return answered(state, question, {inspection});
}

/** Said before any write: MFA required and only users without a device may switch makes a role nobody can use. */
function unusableWithMfa({settings}: WizardState, withoutMfa: string[]): string | undefined {
	if (!settings.requireMfa || settings.trust.kind !== 'principals' || withoutMfa.length === 0) return undefined;
	if (!settings.trust.arns.every(arn => withoutMfa.includes(arn))) return undefined;
	return `MFA is required, and IAM lists no MFA device for ${withoutMfa.map(arn => arn.slice(arn.lastIndexOf('/') + 1)).join(', ')}: no one could switch to this role until they add one. Change who may switch or the MFA answer, or go ahead if they will.`;
}

function policyCheckFits(check: PolicyCheck, access: AccessLevel): boolean {
	return check.policyArn.endsWith(access === 'full' ? '/job-function/Billing' : '/AWSBillingReadOnlyAccess');
}


/** The first question after the root step: what to make, or its name. */
const roleStart = (state: WizardState): Step => questionAfter(state);

/** Where Esc from the first role question goes: the question AWS's answer raised, or the root step. */
const rootStepEnd = (state: WizardState): Step => {
	const check = state.activationCheck?.state;
	return check === 'off' ? 'activation-off' : check === 'active' && callerHasBilling(state.account, state.identity?.kind ?? 'unknown') ? 'billing-open' : 'activation';
};

/**
 * Whether the caller can be asked: an identity the setting gates, whose own policies allow the request, in a
 * partition with Cost Explorer, and paid requests allowed. Anyone else's answer would say nothing of the setting.
 */
export function callerCanBeChecked(state: Pick<WizardState, 'identity' | 'account' | 'paidChecks'>): boolean {
	const {identity, account, paidChecks} = state;
	const access = account?.callerAccess;
	return Boolean(
		paidChecks && identity && gatedIdentity(identity) && costExplorerRegion[identity.partition] && access && access.method !== 'unknown' && access.allowed.includes('ce:GetCostAndUsage'),
	);
}

/** The assume check cannot succeed for some callers; say why instead of failing. */
export function assumeSkipReason(identity: Identity, state: WizardState): string | undefined {
	if (identity.kind === 'root') return 'the root user cannot switch roles; sign in as an IAM user or role to use it';
	if (state.settings.requireMfa) {
		return 'the role requires MFA, which the credentials running this check may not carry; switch in the console with MFA to try it';
	}
	if (!callerIsTrusted(identity, state.settings.trust)) return 'you are not one of the principals allowed to assume it';
	return undefined;
}

/** Who the verification's paid request will be signed by: the role once switched to, else the caller where it can ask. */
export function paidCheckAfterWrites(state: WizardState): 'as-made' | 'as-you' | 'none' {
	if (!state.paidChecks) return 'none';
	if (targetOf(state.settings).switchable && state.identity && !assumeSkipReason(state.identity, state)) return 'as-made';
	return callerCanBeChecked(state) ? 'as-you' : 'none';
}

/**
 * The latest check of the root-only setting: the role's verification, else the one at the root step. What the
 * result, status and the hand-off say of the setting; absent when AWS was never asked.
 */
export function latestCheck(state: Pick<WizardState, 'activationCheck' | 'verification'>): BillingAccessCheck | undefined {
	const checks = [state.activationCheck, state.verification?.billingAccess].filter(check => check !== undefined);
	return checks.sort((a, b) => a.at.localeCompare(b.at)).at(-1);
}

/** Whether the latest word on the setting is that it is on: AWS's when it was asked, else the person's. */
export function activationDone(state: Pick<WizardState, 'activationCheck' | 'verification' | 'activation'>): boolean {
	const check = latestCheck(state);
	return check && check.state !== 'unknown' ? check.state === 'active' : state.activation === 'confirmed';
}

/** The root step's line in the transcript: what AWS answered when it was asked, else what the person said. */
function rootStepTrail(state: WizardState): string[] {
	if (state.activationCheck) return [`Root activation: ${billingAccessLine(state.activationCheck)}`];
	if (state.step === 'check-activation') return [];
	if (state.step === 'not-needed') return ['Root activation: the one step you need; nothing else is made'];
	return [state.activation === 'confirmed' ? 'Root activation: you said IAM access to billing is on (not checked)' : 'Root activation: not done yet (a reminder follows at the end)'];
}

/** The choice of a permission set is offered where Identity Center has people to assign it to, unless --via made it. */
const offersIdentityCenter = (state: WizardState) => Boolean(state.account?.identityCenter) && state.presets.via === undefined;

type Handlers = {[Type in WizardEvent['type']]?: (state: WizardState, event: Extract<WizardEvent, {type: Type}>) => WizardState};

export interface StepSpec {
	kind: 'question' | 'effect' | 'final';
	/** The header's section; final steps show the section they ended in. */
	section?: Section;
	/** The events this step accepts, and where each leads. Any other event is ignored (a late or doubled key). */
	on: Handlers;
	/** Where Esc goes; absent where there is no way back. A settings question's is derived from the order (questionBefore). */
	back?: (state: WizardState) => Step;
	/** A settings question not asked of this setup: forward and back pass over it, and the trail has no line for it. */
	skip?: (state: WizardState) => boolean;
	/** A step that belongs to a settings question (its picker, its read): it goes and is skipped with it. */
	within?: QuestionStep;
	/** Where Esc from the question after this one lands: its picker, when the answer was made there. */
	reenter?: (state: WizardState) => Step;
	/** The answer Enter gives, and --yes takes: flags, then saved progress, then defaults. */
	defaultAnswer?: (state: WizardState, now: string) => WizardEvent;
	/** What the transcript keeps once the step is answered. */
	trail?: (state: WizardState) => string[];
	/** What a wait says (effect steps). */
	wait?: (state: WizardState) => string;
	/** The step in a person's words, for `status`: "the MFA question". */
	title: string;
}

const trustEvents: Handlers = {
	'trust-chosen': (state, event) =>
		event.trust === 'account' ? answered(state, 'trust', {settings: {...state.settings, trust: {kind: 'account'}}}) : moveTo(state, 'list-principals'),
	'principals-chosen': (state, event) =>
		event.arns.length === 0
			? moveTo(state, 'trust-principals', {notice: 'Choose at least one IAM user or role, or go back to trusting this account.'})
			: moveOn(state, 'check-principals', {settings: {...state.settings, trust: {kind: 'principals', arns: event.arns}}}),
};

const trustAnswer = ({settings}: WizardState): WizardEvent =>
	settings.trust.kind === 'principals' ? {type: 'principals-chosen', arns: settings.trust.arns} : {type: 'trust-chosen', trust: 'account'};

const trustTrail = ({settings, identity}: WizardState) => {
	return [
		settings.trust.kind === 'account'
			? 'Who may switch: anyone in this account whose own policies allow it'
			: `Who may switch: ${settings.trust.arns.map(arn => principalLabel(`AWS:${arn}`, identity?.accountId)).join(', ')}`,
	];
};

/** The table, in the order a first-time setup meets the steps (the trail's order). */
export const steps: Record<Step, StepSpec> = {
	identity: {
		title: 'asking AWS who you are',
		kind: 'effect',
		section: 'Identity',
		wait: () => 'Asking AWS who you are…',
		on: {
			'identity-loaded': (state, event) => {
				const loaded = {...state, identity: event.identity, saved: event.saved};
				const elsewhere = billingElsewhere(event.identity.partition);
				if (elsewhere) return moveTo(loaded, 'failed', {problem: elsewhere});
				// A finished setup opens on its live role; the account's place was told when it was set up.
				if (event.saved?.finished && !event.saved.removedAt) {
					const restored = restore(loaded, event.saved);
					return moveTo(restored, restored.step);
				}
				return moveTo(loaded, 'inspect-account');
			},
		},
	},
	'inspect-account': {
		title: 'reading where the account sits',
		kind: 'effect',
		section: 'Identity',
		wait: () => 'Reading where this account sits and what your own policies allow…',
		on: {
			'account-inspected': (state, event) => {
				// Someone who signs in through Identity Center most likely wants their colleagues to, too.
				const via = event.context.identityCenter && state.presets.via === undefined && state.identity?.kind === 'identity-center' ? 'identity-center' : state.settings.via;
				const next = state.saved && !state.saved.finished && !state.saved.removedAt ? 'resume' : 'activation';
				return moveTo(state, next, {account: event.context, settings: {...state.settings, via}, policyCheck: event.policyCheck ?? state.policyCheck});
			},
		},
	},
	resume: {
		title: 'the resume offer',
		kind: 'question',
		section: 'Identity',
		defaultAnswer: () => ({type: 'resume-answered', resume: true}),
		on: {
			'resume-answered': (state, event) => {
				if (!state.saved) return moveTo(state, 'activation');
				if (event.resume) {
					const restored = restore(state, state.saved);
					return moveTo(restored, restored.step);
				}
				// The answers are forgotten, never what was written: undo and ownership still need the roles this record made.
				const {changes, setupId = state.setupId} = state.saved;
				return moveTo({...state, saved: undefined, settings: {...defaultSettings, ...state.presets}, changes, setupId}, 'activation');
			},
		},
	},
	activation: {
		title: 'the root activation step',
		kind: 'question',
		section: 'Root activation',
		// Enter never claims the root step was done; and --yes never pays to ask as the caller: the role's own
		// verification asks, once the role exists (it is needed whatever the answer).
		defaultAnswer: (state, now) => ({type: 'activation-answered', answer: state.activation ?? 'not-yet', at: now}),
		trail: state => [
			...(state.identity
				? [`Signed in as ${callerName(state.identity)} in account ${state.identity.accountId} (${state.identity.partition})`]
				: []),
			...rootStepTrail(state),
		],
		on: {
			'activation-answered': (state, event) => {
				// Stopping keeps whatever was answered before: the user goes to do the root step and comes back here.
				if (event.answer === 'stop' || event.answer === 'not-needed') return moveTo(state, event.answer === 'stop' ? 'stopped' : 'not-needed', {resumeStep: 'activation'});
				if (event.answer === 'check') return moveTo(state, 'check-activation', {activationAnsweredAt: event.at});
				return moveOn(state, roleStart(state), {activation: event.answer, activationAnsweredAt: event.at, activationCheck: undefined});
			},
		},
	},
	'check-activation': {
		title: 'asking Cost Explorer whether IAM access to billing is on',
		kind: 'effect',
		section: 'Root activation',
		wait: () => 'Asking Cost Explorer as you whether IAM access to billing is on…',
		on: {
			'activation-checked': (state, event) => {
				const checked = {...state, activationCheck: event.check};
				if (event.check.state === 'off') return moveTo(checked, 'activation-off');
				if (event.check.state === 'active' && callerHasBilling(state.account, state.identity?.kind ?? 'unknown')) return moveTo(checked, 'billing-open');
				// Unknown: the check said nothing of the setting, so what the person answered stands.
				return moveOn(checked, roleStart(state), {activation: event.check.state === 'active' ? 'confirmed' : state.activation});
			},
		},
	},
	'activation-off': {
		title: 'AWS’s answer that IAM access to billing is off',
		kind: 'question',
		section: 'Root activation',
		back: () => 'activation',
		// The role is needed whatever the setting; Billing stays closed until the root step, and the result says so.
		defaultAnswer: () => ({type: 'activation-off-answered', choice: 'go-on'}),
		on: {
			'activation-off-answered': (state, event) => {
				if (event.choice === 'check') return moveTo(state, 'check-activation');
				if (event.choice === 'stop') return moveTo(state, 'stopped', {resumeStep: 'activation'});
				return moveOn(state, roleStart(state), {activation: 'not-yet'});
			},
		},
	},
	'billing-open': {
		title: 'AWS’s answer that Billing is open to you',
		kind: 'question',
		section: 'Root activation',
		back: () => 'activation',
		// The seed's case: an administrator needed only the root step, so Enter ends with nothing written.
		defaultAnswer: () => ({type: 'billing-open-answered', choice: 'done'}),
		on: {
			'billing-open-answered': (state, event) =>
				event.choice === 'done' ? moveTo(state, 'not-needed') : moveOn(state, roleStart(state), {activation: 'confirmed'}),
		},
	},
	via: {
		title: 'the choice of a role or a permission set',
		kind: 'question',
		section: 'Settings',
		skip: state => !offersIdentityCenter(state),
		defaultAnswer: state => ({type: 'via-chosen', via: state.settings.via}),
		trail: state => [`Billing access through: ${targetOf(state.settings).through}`],
		on: {'via-chosen': (state, event) => answered(state, 'via', {settings: {...state.settings, via: event.via}})},
	},
	'role-name': {
		title: 'the name',
		kind: 'question',
		section: 'Settings',
		defaultAnswer: state => ({type: 'role-name-entered', roleName: targetOf(state.settings).name(state.settings)}),
		trail: ({settings}) => [`${capitalized(targetOf(settings).noun)} name: ${targetOf(settings).name(settings)}`],
		on: {'role-name-entered': (state, event) => moveOn(state, 'check-name', {settings: targetOf(state.settings).named(state.settings, event.roleName)})},
	},
	'check-name': {
		title: 'checking the name',
		kind: 'effect',
		section: 'Settings',
		within: 'role-name',
		wait: state => `Checking that no ${targetOf(state.settings).noun} made elsewhere is named ${targetOf(state.settings).name(state.settings)}…`,
		on: {'role-inspected': (state, event) => checkedAnswer(state, 'role-name', event.inspection, [])},
	},
	access: {
		title: 'the access level',
		kind: 'question',
		section: 'Settings',
		defaultAnswer: state => ({type: 'access-chosen', access: state.settings.access}),
		trail: ({settings}) => [`Access: ${settings.access} (${managedPolicyName[settings.access]})`],
		on: {
			'access-chosen': (state, event) => {
				const settings = {...state.settings, access: event.access};
				if (state.policyCheck && policyCheckFits(state.policyCheck, event.access)) return answered(state, 'access', {settings});
				return moveOn(state, 'inspect-policy', {settings, policyCheck: undefined});
			},
		},
	},
	'inspect-policy': {
		title: 'reading the managed policy',
		kind: 'effect',
		section: 'Settings',
		within: 'access',
		wait: () => 'Reading the managed policy from IAM…',
		on: {'policy-inspected': (state, event) => answered(state, 'access', {policyCheck: event.check})},
	},
	'cost-explorer': {
		title: 'the Cost Explorer add-on',
		kind: 'question',
		section: 'Settings',
		defaultAnswer: state => ({type: 'cost-explorer-answered', enabled: state.settings.costExplorer}),
		trail: ({settings}) => [`Cost Explorer add-on: ${settings.costExplorer ? 'yes' : 'no'}`],
		on: {'cost-explorer-answered': (state, event) => answered(state, 'cost-explorer', {settings: {...state.settings, costExplorer: event.enabled}})},
	},
	assignees: {
		title: 'who gets the permission set',
		kind: 'question',
		section: 'Settings',
		skip: notAsked('assignees'),
		defaultAnswer: state => ({type: 'assignees-chosen', assignees: state.settings.assignees}),
		trail: ({settings}) => [`Assigned to: ${settings.assignees.map(assigneeLabel).join(', ')}`],
		on: {
			'assignees-chosen': (state, event) =>
				event.assignees.length === 0
					? moveTo(state, 'assignees', {notice: 'Choose at least one group or user: a permission set nobody is assigned gives no one billing.'})
					: answered(state, 'assignees', {settings: {...state.settings, assignees: event.assignees}}),
		},
	},
	trust: {
		title: 'who may switch',
		kind: 'question',
		section: 'Settings',
		skip: notAsked('trust'),
		// The picker needs its list; after a resume it is listed again.
		reenter: state => (state.settings.trust.kind === 'principals' ? (state.principalChoices ? 'trust-principals' : 'list-principals') : 'trust'),
		defaultAnswer: trustAnswer,
		// Choosing "only these" is answered by the picker, which has the line.
		trail: state => (state.step === 'list-principals' || state.step === 'trust-principals' ? [] : trustTrail(state)),
		on: trustEvents,
	},
	'list-principals': {
		title: 'listing users and roles',
		kind: 'effect',
		section: 'Settings',
		within: 'trust',
		wait: () => 'Listing IAM users and roles…',
		on: {'principals-listed': (state, event) => moveOn(state, 'trust-principals', {principalChoices: event.arns, principalChoicesComplete: event.complete})},
	},
	'trust-principals': {
		title: 'choosing who may switch',
		kind: 'question',
		section: 'Settings',
		within: 'trust',
		back: () => 'trust',
		defaultAnswer: trustAnswer,
		trail: trustTrail,
		on: trustEvents,
	},
	'check-principals': {
		title: 'checking who may switch',
		kind: 'effect',
		section: 'Settings',
		within: 'trust',
		wait: () => 'Checking that IAM has the users and roles you chose…',
		on: {'role-inspected': (state, event) => checkedAnswer(state, 'trust', event.inspection, event.missingPrincipals)},
	},
	mfa: {
		title: 'the MFA question',
		kind: 'question',
		section: 'Settings',
		skip: notAsked('mfa'),
		defaultAnswer: state => ({type: 'mfa-answered', requireMfa: state.settings.requireMfa}),
		trail: ({settings}) => [`MFA required: ${settings.requireMfa ? 'yes' : 'no'}`],
		on: {'mfa-answered': (state, event) => answered(state, 'mfa', {settings: {...state.settings, requireMfa: event.requireMfa}})},
	},
	session: {
		title: 'the session length',
		kind: 'question',
		section: 'Settings',
		defaultAnswer: state => ({type: 'session-chosen', seconds: state.settings.maxSessionSeconds}),
		trail: ({settings}) => [`Longest session: ${hours(settings.maxSessionSeconds)}`],
		on: {'session-chosen': (state, event) => answered(state, 'session', {settings: {...state.settings, maxSessionSeconds: event.seconds}})},
	},
	'check-live': {
		title: 'the live check',
		kind: 'effect',
		section: 'Review',
		wait: state => `Reading the ${targetOf(state.settings).noun} from ${targetOf(state.settings).service}…`,
		on: {'role-inspected': (state, event) => afterInspection(state, event.inspection, event.missingPrincipals)},
	},
	finished: {
		title: 'the finished-setup menu',
		kind: 'question',
		section: 'Review',
		// Enter (and --yes) repairs drift, and otherwise only shows the hand-off again.
		defaultAnswer: state => ({
			type: 'finished-chosen',
			choice: state.inspection && substantive(state.inspection.differences).length > 0 ? 'repair' : 'hand-off',
		}),
		on: {'finished-chosen': (state, event) => moveTo(state, finishedNext[event.choice])},
	},
	'inspect-role': {
		title: 'reading the role',
		kind: 'effect',
		section: 'Review',
		wait: state => `Reading the ${targetOf(state.settings).noun} from ${targetOf(state.settings).service} to compare it with your answers…`,
		on: {'role-inspected': (state, event) => afterInspection(state, event.inspection, event.missingPrincipals, undefined, event.withoutMfa)},
	},
	review: {
		title: 'the review',
		kind: 'question',
		section: 'Review',
		back: () => 'session',
		defaultAnswer: () => ({type: 'review-answered', create: true}),
		trail: () => ['Reviewed the changes'],
		on: {
			'review-answered': (state, event) => (event.create ? moveTo(state, 'create') : moveTo(state, 'stopped', {resumeStep: 'review'})),
			'edit-chosen': (state, event) => moveTo(state, event.step, {editing: event.step}),
			'guard-toggled': state => moveTo(state, 'inspect-role', {settings: {...state.settings, guard: !state.settings.guard}}),
		},
	},
	boundary: {
		title: 'the permissions boundary',
		kind: 'question',
		section: 'Create',
		back: () => 'review',
		on: {
			'boundary-entered': (state, event) =>
				moveTo(state, 'inspect-role', {settings: {...state.settings, permissionsBoundary: event.policyArn}, problem: undefined}),
		},
	},
	create: {
		title: 'writing to IAM',
		kind: 'effect',
		section: 'Create',
		wait: state => `Writing the changes to ${targetOf(state.settings).service}…`,
		trail: ({changes, settings}) => [`${capitalized(targetOf(settings).noun)} in place (${changes.length === 0 ? 'nothing to write' : `${changes.length} ${changes.length === 1 ? 'write' : 'writes'} recorded`})`],
		on: {
			created: state => moveTo(state, 'verify'),
			'live-changed': (state, event) =>
				afterInspection({...state, step: 'inspect-role'}, event.inspection, [], 'The role changed in IAM since it was read: review what would change now.'),
			'trust-rejected': (state, event) => moveTo(state, 'trust', {notice: `IAM rejected who may switch: ${event.reason} Choose again.`}),
			'create-denied': (state, event) =>
				state.settings.permissionsBoundary ? moveTo(state, 'failed', {problem: event.problem}) : moveTo(state, 'boundary', {problem: event.problem}),
		},
	},
	verify: {
		title: 'verifying the role',
		kind: 'effect',
		section: 'Verify',
		wait: state => `Verifying: reading the ${targetOf(state.settings).noun} back${targetOf(state.settings).switchable ? ' and switching to it' : ''}…`,
		on: {verified: (state, event) => moveTo(state, 'done', {verification: event.verification})},
	},
	remove: {
		title: 'removing the role',
		kind: 'effect',
		section: 'Create',
		wait: () => 'Removing what this setup created…',
		on: {removed: state => moveTo(state, 'removed')},
	},
	done: {title: 'done', kind: 'final', on: {}},
	removed: {title: 'removed', kind: 'final', on: {}},
	stopped: {title: 'stopped', kind: 'final', on: {}},
	'not-needed': {title: 'ended at the root step, with no role needed', kind: 'final', on: {}},
	failed: {title: 'failed', kind: 'final', on: {}},
};

/**
 * The answers the review can send back to, each in the words the transcript has for it: one sentence, said in one
 * place. A role's trust and MFA, or a permission set's assignees, come from their steps' lines.
 */
export function reviewAnswers(state: WizardState): Array<{step: EditableStep; text: string}> {
	return (Object.keys(editableSteps) as EditableStep[]).flatMap(step => (skipped(state, step) ? [] : (steps[step].trail?.(state) ?? [])).map(text => ({step, text})));
}

/** The order of the table: a step before the current one in it has been answered. */
const order = Object.keys(steps) as Step[];

/** The settings questions in the table's order; each step that belongs to one (`within`) goes with it. */
const settingsQuestions = order.filter((step): step is QuestionStep => steps[step].section === 'Settings' && steps[step].kind === 'question' && !steps[step].within);

const skipped = (state: WizardState, step: Step): boolean => {
	const spec = steps[step];
	return Boolean(spec.within ? steps[spec.within].skip?.(state) : spec.skip?.(state));
};

/** The question after `from` (the first, without it) that this setup asks; after the last, the live read before the review. */
function questionAfter(state: WizardState, from?: QuestionStep): Step {
	const start = from ? settingsQuestions.indexOf(from) + 1 : 0;
	return settingsQuestions.slice(start).find(step => !skipped(state, step)) ?? 'inspect-role';
}

/** Where Esc from a settings question goes: the one asked before it (into its picker, where it was answered there), or the root step. */
function questionBefore(state: WizardState, from: QuestionStep): Step {
	const before = settingsQuestions.slice(0, settingsQuestions.indexOf(from)).findLast(step => !skipped(state, step));
	return before ? (steps[before].reenter?.(state) ?? before) : rootStepEnd(state);
}

/** Where Esc goes from a step: its own rule, else (a settings question) the one before it. */
function backOf(state: WizardState): Step | undefined {
	const spec = steps[state.step];
	if (spec.back) return spec.back(state);
	return settingsQuestions.includes(state.step as QuestionStep) ? questionBefore(state, state.step as QuestionStep) : undefined;
}

/** The state's context for its target (engine/target.ts); the identity is known from the first step on. */
export function contextOf(state: WizardState): TargetContext {
	const {identity, settings, setupId, changes, verification, inspection} = state;
	if (!identity) throw new Error('The target needs the caller identity');
	return {accountId: identity.accountId, partition: identity.partition, caller: identity, settings, setupId, changes, ...(verification && {verification}), ...(inspection && {inspection})};
}

export function isEffectStep(step: Step): step is EffectStep {
	return steps[step].kind === 'effect';
}

export function isFinalStep(step: Step): step is FinalStep {
	return steps[step].kind === 'final';
}

/** The header's section: a final step shows where it ended. */
export function sectionOf(state: Pick<WizardState, 'step' | 'resumeStep'>): Section {
	return steps[state.step].section ?? steps[state.resumeStep].section!;
}

/**
 * The transcript above the current question: each answered step's lines, derived from the state alone, so an
 * edited answer replaces its line, Esc takes back the lines of what it leaves, and a resumed run starts the same.
 */
export function trailOf(state: WizardState): string[] {
	const reached = order.indexOf(isFinalStep(state.step) ? state.resumeStep : state.step);
	const lines = order.slice(0, reached).flatMap(step => (skipped(state, step) ? [] : (steps[step].trail?.(state) ?? [])));
	// The trust question and its picker say the same thing.
	return lines.filter((line, index) => line !== lines[index - 1]);
}

export function transition(state: WizardState, event: WizardEvent): WizardState {
	// Records and failures are taken at any step; every other event only where it belongs.
	if (event.type === 'changed') return {...state, changes: [...state.changes, event.change]};
	if (event.type === 'failed') return isFinalStep(state.step) ? state : moveTo(state, 'failed', {problem: event.problem});
	const spec = steps[state.step];
	if (event.type === 'back') {
		const back = backOf(state);
		return back ? moveTo({...state, editing: undefined}, back, {problem: undefined}) : state;
	}
	const handle = spec.on[event.type] as ((state: WizardState, event: WizardEvent) => WizardState) | undefined;
	return handle ? handle(state, event) : state;
}

/**
 * The answer pressing Enter gives at a question: the current settings, which already hold
 * flags, then saved progress, then defaults. Headless runs take exactly these answers.
 */
export function defaultAnswer(state: WizardState, now: string): WizardEvent {
	const answer = steps[state.step].defaultAnswer;
	if (!answer) throw new Error(`No answer is asked for at step ${state.step}`);
	return answer(state, now);
}

/** The progress record for this state; identity must be known. */
export function toSaved(state: WizardState, now: string): SavedSetup | undefined {
	// Until the resume question is answered, the record on disk is the one being offered: keep it as it is.
	// Nor is anything saved for a run that ended where it began (GovCloud, say): there is nothing to resume.
	if (!state.identity || steps[state.resumeStep].section === 'Identity') return undefined;
	// Opening a finished setup (its live check and menu) leaves it finished until an answer changes something.
	const reopened = state.saved?.finished === true && !state.saved.removedAt && (state.resumeStep === 'check-live' || state.resumeStep === 'finished');
	const finished = state.step === 'done' || reopened;
	const removed = state.step === 'removed';
	return {
		setupId: state.setupId,
		accountId: state.identity.accountId,
		callerArn: state.identity.arn,
		step: finished ? 'verify' : removed ? 'identity' : state.resumeStep,
		finished,
		...(state.activation && {activation: state.activation, activationAnsweredAt: state.activationAnsweredAt}),
		...(state.activationCheck && {activationCheck: state.activationCheck}),
		settings: state.settings,
		...(state.policyCheck && {policyCheck: state.policyCheck}),
		changes: state.changes,
		...(state.verification && !removed && {verification: state.verification}),
		...(removed && {removedAt: now}),
		startedAt: state.saved?.startedAt ?? state.startedAt,
		updatedAt: now,
	};
}
