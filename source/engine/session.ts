/**
 * Drives the step engine: applies events, saves progress after every one, and runs the effect
 * that an effect step needs. The Ink app and the headless runner share it; neither calls AWS itself.
 */
import {ProblemError} from '../core/problem.js';
import {isAwsError} from '../core/aws-error.js';
import {roleBoundaryMayHelp} from '../core/diagnosis.js';
import {managedPolicyArn} from '../core/settings.js';
import type {RecordWrite} from '../reconcile/model.js';
import type {AwsOperations} from './ports.js';
import {removalsOf, targetOf} from './target.js';
import {
	assumeSkipReason,
	callerCanBeChecked,
	contextOf,
	isEffectStep,
	toSaved,
	transition,
	type SavedSetup,
	type WizardEvent,
	type WizardState,
} from './wizard.js';

export interface ProgressStore {
	load(accountId: string): SavedSetup | undefined;
	save(setup: SavedSetup): void;
}

export interface SessionDeps {
	aws: AwsOperations;
	store: ProgressStore;
	now?: () => Date;
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
					aws.permissionSet.people(),
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
			case 'check-name':
			case 'check-principals':
			case 'check-live':
			case 'inspect-role': {
				const {inspection, missingPrincipals, withoutMfa = []} = await targetOf(state.settings)
					.inspect(aws, contextOf(state))
					.catch((error: unknown) => {
						if (!isAwsError(error, 'AccessDenied')) throw error;
						const problem = aws.describeError(error, state.identity);
						// Say what the denial costs: without the read there is no diff, and without a diff no write.
						throw new ProblemError({...problem, why: `${problem.why} Without it billing-setup cannot compare what is live with your answers, so it changes nothing.`});
					});
				return {type: 'role-inspected', inspection, missingPrincipals, withoutMfa};
			}
			case 'create': {
				const context = contextOf(state);
				const made = targetOf(state.settings);
				try {
					// The user confirmed the review, or --yes passed the adoption check (headless.ts).
					const outcome = await made.converge(aws, context, {reviewed: state.inspection, adopt: true, write: this.writer(made.writesOn(context))});
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
				const made = targetOf(state.settings);
				const verified = await made.verify(aws, contextOf(state), {assumeSkipped: assumeSkipReason(identity, state), costCheck: state.paidChecks});
				// Without a session of what was made, the caller's own answer still states the setting, where it can.
				const billingAccess = verified.billingAccess ?? (callerCanBeChecked(state) ? await aws.checkBillingAccess(identity) : undefined);
				const serial = made.asks.includes('mfa') && state.settings.requireMfa ? await aws.mfaDevice(identity) : undefined;
				return {type: 'verified', verification: {...verified, ...(billingAccess && {billingAccess}), ...(serial && {mfa: {userArn: identity.arn, serial}})}};
			}
			case 'remove': {
				// The same removal as undo: every check read before anything goes.
				const removals = await removalsOf(aws, contextOf(state), {force: false});
				for (const removal of removals) await removal.apply(arn => this.writer(arn));
				return {type: 'removed'};
			}
			default:
				throw new Error(`${state.step} is not an effect step`);
		}
	}
}
