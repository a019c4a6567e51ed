/** Runs the wizard without prompts: flags, then saved progress, then defaults. Same session as the Ink app. */
import {accountNotes, type OrganizationPlace, type PrincipalAccess} from './core/account.js';
import {billingAccessLine, checkPrice, type BillingAccessState} from './core/billing-access.js';
import {activationInOneLine} from './core/partition.js';
import {callerNotes} from './core/principal.js';
import {exitCodes, type Problem} from './core/problem.js';
import {printable} from './core/text.js';
import type {WizardSession} from './engine/session.js';
import {targetOf} from './engine/target.js';
import {viewOf, type MadeResult} from './made.js';
import {activationDone, contextOf, defaultAnswer, isFinalStep, latestCheck, type ActivationAnswer, type WizardState} from './engine/wizard.js';
import {differenceLine, formatProblem, paint, rootActivationSteps, savedMessage, verificationLines, type RootStep} from './present.js';
import {substantive} from './reconcile/role-resources.js';

export interface SetupResult extends Partial<MadeResult> {
	ok: boolean;
	caller?: string;
	/** Writes this run made; empty when everything was already in place. */
	created: Array<{action: string; target: string}>;
	alreadyInPlace: boolean;
	/** How the live role differed from the plan when this run read it (applied when ok). */
	differences: Array<{kind: string; summary: string; widening: boolean; foreign: boolean}>;
	/** Who made the role: absent, ours, elsewhere (another billing-setup record), foreign. */
	ownership?: string;
	rootActivation: RootActivation;
	/** Where the account sits in AWS Organizations (standalone, management, member, unknown with the reason). */
	organization?: OrganizationPlace;
	/** What the caller's own policies allow of billing: `simulated`, read from its `policies`, or `unknown`. */
	callerAccess?: PrincipalAccess;
	warnings: string[];
	error?: {title: string; why: string; next: string};
}

/** The root-only setting as the result states it: AWS's latest answer, or why nothing could be checked. */
export interface RootActivation {
	state: BillingAccessState;
	/** Who AWS answered; absent when no request was made. */
	checkedAs?: string;
	at?: string;
	reason?: Problem;
	/** What the person answered at the root step, where the wizard asked; AWS's answer, when there is one, is the state. */
	answered?: ActivationAnswer;
}

function rootActivationOf(state: WizardState): RootActivation {
	const answered = state.activation && {answered: state.activation};
	const check = latestCheck(state);
	if (!check) return {state: 'unknown', reason: notCheckedReason(state), ...answered};
	return {state: check.state, ...(check.checkedAs && {checkedAs: check.checkedAs}), at: check.at, ...(check.reason && {reason: check.reason}), ...answered};
}

/** Why no request was made: the flag, or that neither the role nor the caller could ask. */
function notCheckedReason(state: WizardState): Problem {
	const partition = state.identity?.partition ?? 'aws';
	if (!state.paidChecks) return {title: 'Not checked: --no-cost-check makes no paid request.', why: `A check is ${checkPrice}.`, next: `Run billing-setup status --check to ask AWS. ${activationInOneLine(partition)}`};
	const why = state.verification?.assumeSkipped ? `The switch to the role was skipped (${state.verification.assumeSkipped}), and your own policies do not let you ask Cost Explorer.` : 'Nothing was made or verified that could ask Cost Explorer.';
	return {title: 'Not checked: no identity here could ask Cost Explorer.', why, next: activationInOneLine(partition)};
}

/** The root step as the hand-off speaks of it. */
function rootStepOf(state: WizardState): RootStep {
	return {done: activationDone(state), check: latestCheck(state)};
}

export function resultOf(state: WizardState, warnings: string[]): SetupResult {
	// Earlier runs' writes come back with resumed progress; this run's are the ones made since it started.
	const created = state.changes.filter(change => change.at >= state.startedAt).map(({action, target}) => ({action, target}));
	const differences = substantive(state.inspection?.differences ?? []).map(({kind, summary, widening, foreign}) => ({kind, summary, widening, foreign}));
	const base = {
		ok: state.step === 'done',
		created,
		differences,
		...(state.inspection && {ownership: state.inspection.ownership}),
		alreadyInPlace: state.step === 'done' && created.length === 0,
		rootActivation: rootActivationOf(state),
		...(state.account && {organization: state.account.organization}),
		...(state.account?.callerAccess && {callerAccess: state.account.callerAccess}),
		warnings,
	};
	if (!state.identity) return {...base, ...(state.problem && {error: state.problem})};
	return {...base, ...viewOf(contextOf(state)).result(), caller: state.identity.arn, ...(state.problem && {error: state.problem})};
}

/** The result of a run a signal stopped: what was done so far, and the stop as its error. */
export function stoppedResult(state: WizardState, signal: string): SetupResult & {error: Problem} {
	return {
		...resultOf(state, []),
		ok: false,
		error: {
			title: `Stopped by ${signal}.`,
			why: state.identity
				? 'Every AWS write that finished is saved; one that was under way is found by the next run.'
				: 'Nothing had been done yet.',
			next: 'Run billing-setup again to resume.',
		},
	};
}

/** Decisions only the user may make: --yes names the flag instead of guessing. */
function choiceWithoutDefault(state: WizardState): Problem | undefined {
	if (state.step === 'role-name' && state.notice) {
		const {noun, flag} = targetOf(state.settings);
		return {title: state.notice, why: `billing-setup never modifies a ${noun} it did not create.`, next: `Run again with ${flag} OTHER-NAME.`};
	}
	if (state.step === 'boundary' && state.problem) {
		return {
			...state.problem,
			next: `${state.problem.next} If your organisation requires a permissions boundary on new roles, run again with --permissions-boundary POLICY-ARN.`,
		};
	}
	// Stopped at the trust question (IAM rejected a principal, or the run ended there): the saved answer is no safe guess.
	if (state.step === 'trust' && (state.notice || (state.saved?.step === 'trust' && !state.presets.trust))) {
		return {
			title: state.notice ?? 'The saved setup stopped at the question of who may switch to the role.',
			why: 'Without prompts there is no safe guess for who should be trusted.',
			next: 'Run again with --trust ARN[,ARN…] or --trust account.',
		};
	}
	// Who may switch is never widened beyond the account by a saved answer alone: a record anyone can edit is no consent.
	const elsewhere = state.step === 'review' && !state.presets.trust && state.settings.trust.kind === 'principals' && state.identity
		? state.settings.trust.arns.filter(arn => !arn.includes(`::${state.identity!.accountId}:`))
		: [];
	if (elsewhere.length > 0) {
		return {
			title: `The saved setup lets principals of another account switch to the ${targetOf(state.settings).noun}: ${elsewhere.join(', ')}.`,
			why: 'Without prompts, a saved answer that reaches beyond this account is not taken as your word; the progress file can be edited by anyone who can write it.',
			next: `Run again with --trust ${elsewhere.join(',')} to confirm it, or with --trust account.`,
		};
	}
	const differences = substantive(state.inspection?.differences ?? []);
	if (state.step === 'review' && state.inspection?.ownership === 'elsewhere' && differences.length > 0 && !state.adopt) {
		const {noun, flag} = targetOf(state.settings);
		const name = targetOf(state.settings).name(state.settings);
		return {
			title: `The ${noun} ${name} was made by billing-setup elsewhere, and this run would change it.`,
			why: `It would: ${differences.map(difference => difference.summary).join('; ')}. Someone may rely on it as it is.`,
			next: `Run again with --adopt to take it over and apply these changes, or with ${flag} OTHER-NAME.`,
		};
	}
	if (state.step === 'assignees' && state.settings.assignees.length === 0) {
		return {
			title: `No one to assign the permission set ${state.settings.permissionSetName} to.`,
			why: 'Without prompts there is no safe guess for who should get billing access.',
			next: 'Run again with --assign group:NAME[,user:NAME…], or with --via role for an IAM role.',
		};
	}
	if (state.step === 'trust-principals' && !state.presets.trust) {
		return {
			title: 'The saved setup was choosing who may switch to the role, and no one was chosen yet.',
			why: 'Without prompts there is no safe guess for who should be trusted.',
			next: 'Run again with --trust ARN[,ARN…] or --trust account.',
		};
	}
	return undefined;
}

/** Only where AWS said the setting is off, or nothing could ask it: an answer is never turned into a warning. */
function rootActivationWarnings(state: WizardState): string[] {
	if (!state.identity || activationDone(state)) return [];
	const check = latestCheck(state);
	const partition = state.identity.partition;
	if (check?.state === 'off') return [`Billing stays closed until the root step is done: ${billingAccessLine(check)}. ${activationInOneLine(partition)}`];
	return [`Root activation is unconfirmed: ${check ? billingAccessLine(check) : rootActivationOf(state).reason?.title} ${activationInOneLine(partition)}`];
}

export async function runHeadless(
	session: WizardSession,
	log: (line: string) => void,
): Promise<{exitCode: number; result: SetupResult}> {
	const warnings: string[] = [];
	let notedCaller = false;
	await session.start();
	// A setup answers ~15 questions; far more means two steps keep sending each other back.
	for (let answers = 0; !isFinalStep(session.state.step); answers++) {
		const {state} = session;
		if (answers > 100) throw new Error(`The headless run did not settle (at ${state.step})`);
		const choice = choiceWithoutDefault(state);
		if (choice) {
			log(formatProblem(choice));
			if (state.identity) log(savedMessage);
			return {exitCode: exitCodes.failed, result: {...resultOf(state, warnings), ok: false, error: choice}};
		}
		// Said once, as soon as the caller is known, as the wizard shows it above the first question.
		if (state.identity && !notedCaller) {
			notedCaller = true;
			for (const note of callerNotes(state.identity)) log(`${paint('yellow', '!')} ${note}`);
			for (const note of accountNotes(state.account, state.identity.kind, targetOf(state.settings).noun)) log(note);
		}
		if (state.step === 'activation') {
			log(
				state.paidChecks
					? `Root activation: Cost Explorer is asked once the ${targetOf(state.settings).noun} is in place (${checkPrice}).`
					: `${paint('yellow', '!')} Root activation is not checked (--no-cost-check).\n${rootActivationSteps(state.identity?.partition ?? 'aws').join('\n')}`,
			);
		}
		// Said before the write it warns of (a role MFA makes unusable, say): the review's notice.
		if (state.step === 'review' && state.notice) {
			warnings.push(state.notice);
			log(`${paint('yellow', '!')} ${printable(state.notice)}`);
		}
		if (state.step === 'resume' && state.saved) log(`Resuming the setup saved ${state.saved.updatedAt}.`);
		await session.send(defaultAnswer(state, new Date().toISOString()));
	}
	const {state} = session;
	warnings.push(...rootActivationWarnings(state));
	const result = resultOf(state, warnings);
	if (state.step === 'failed' && state.problem) {
		log(formatProblem(state.problem));
		if (state.identity) log(savedMessage);
		return {exitCode: exitCodes.failed, result};
	}
	const placed = `${paint('green', '✔')} ${result.created.length === 0 ? 'Already in place' : 'In place now'}`;
	const view = viewOf(contextOf(state));
	log(`${placed}: ${view.placed()}`);
	for (const difference of substantive(state.inspection?.differences ?? [])) log(`  ${differenceLine(difference)}`);
	for (const {ok, text} of state.verification ? verificationLines(state.verification, state.identity!.partition, state.verification.at >= state.startedAt) : []) {
		log(`${ok ? paint('green', '✔') : paint('yellow', '!')} ${text}`);
	}
	log(view.finish(rootStepOf(state)));
	return {exitCode: exitCodes.done, result};
}
