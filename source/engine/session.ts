/**
 * Drives the step engine: applies events, saves progress after every one, and runs the effect
 * that an effect step needs. The Ink app and the headless runner share it; neither calls AWS itself.
 */
import {buildPlan, type Plan} from '../core/plan.js';
import type {Identity} from '../core/principal.js';
import type {Problem} from '../core/problem.js';
import {billingPolicyArns, managedPolicyArn} from '../core/settings.js';
import {
	isEffectStep,
	toSaved,
	transition,
	type PolicyCheck,
	type SavedSetup,
	type Verification,
	type WizardEvent,
	type WizardState,
} from './wizard.js';

/** What the effects need from AWS; the real one lives in aws/operations.ts, tests may pass their own. */
export interface AwsOperations {
	whoAmI(): Promise<Identity>;
	checkPolicy(policyArn: string): Promise<PolicyCheck>;
	listPrincipals(): Promise<string[]>;
	converge(
		plan: Plan,
		options: {ourPolicies: string[]; createdEarlier: boolean; record: (action: string, target: string) => void},
	): Promise<'converged' | 'foreign'>;
	verify(plan: Plan, options: {assumeSkipped?: string}): Promise<Verification>;
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

/** The assume check cannot succeed for some callers; say why instead of failing. */
export function assumeSkipReason(identity: Identity, state: WizardState): string | undefined {
	if (identity.kind === 'root') return 'the root user cannot switch roles; sign in as an IAM user or role to use it';
	if (state.settings.requireMfa) {
		return 'the role requires MFA, which the credentials running this check may not carry; switch in the console with MFA to try it';
	}
	const {trust} = state.settings;
	if (trust.kind === 'principals') {
		const own = [identity.arn, identity.roleArn];
		if (!trust.arns.some(arn => own.includes(arn))) return 'you are not one of the principals allowed to assume it';
	}
	return undefined;
}

export function planFor(state: WizardState): Plan {
	if (!state.identity) throw new Error('The plan needs the caller identity');
	return buildPlan(state.identity.accountId, state.identity.partition, state.settings, state.sourceProfile);
}

export class WizardSession {
	private current: WizardState;
	private started?: Promise<void>;
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

	/** Applies an answer, then runs whatever effects follow; resolves at the next question or the end. */
	async send(event: WizardEvent): Promise<void> {
		this.apply(event);
		await this.runEffects();
	}

	private now(): string {
		return (this.deps.now?.() ?? new Date()).toISOString();
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
		while (isEffectStep(this.current.step)) {
			const event = await this.effect(this.current).catch(
				(error: unknown): WizardEvent => ({
					type: 'failed',
					problem: this.deps.aws.describeError(error, this.current.identity),
				}),
			);
			this.apply(event);
		}
	}

	private async effect(state: WizardState): Promise<WizardEvent> {
		const {aws, store} = this.deps;
		switch (state.step) {
			case 'identity': {
				const identity = await aws.whoAmI();
				return {type: 'identity-loaded', identity, saved: store.load(identity.accountId)};
			}
			case 'inspect-policy': {
				const partition = state.identity?.partition ?? 'aws';
				return {type: 'policy-inspected', check: await aws.checkPolicy(managedPolicyArn(state.settings.access, partition))};
			}
			case 'list-principals':
				return {type: 'principals-listed', arns: await aws.listPrincipals()};
			case 'create': {
				const plan = planFor(state);
				const outcome = await aws.converge(plan, {
					ourPolicies: billingPolicyArns(plan.partition),
					createdEarlier: state.changes.some(change => change.action === 'iam:CreateRole' && change.target === plan.roleArn),
					record: (action, target) => this.apply({type: 'changed', change: {action, target, at: this.now()}}),
				});
				return outcome === 'foreign' ? {type: 'role-taken', roleName: plan.roleName} : {type: 'created'};
			}
			case 'verify': {
				const identity = state.identity!;
				const verification = await aws.verify(planFor(state), {assumeSkipped: assumeSkipReason(identity, state)});
				return {type: 'verified', verification};
			}
			default:
				throw new Error(`${state.step} is not an effect step`);
		}
	}
}
