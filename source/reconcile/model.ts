/**
 * The model every resource billing-setup owns follows: read what is live, diff it against the plan,
 * apply the difference, undo it, describe it as AWS CLI commands. Converge, verify, undo, review,
 * dry-run and status are loops over one list of these (see role-resources.ts).
 */
import {allSettledOrThrow} from '../core/concurrency.js';
import type {Plan} from '../core/plan.js';
import {shellQuote} from '../core/text.js';
import type {IamPort, LiveRole} from './iam.js';

export interface Difference {
	/** Which reconciler found it. */
	resource: string;
	/** add: missing from IAM; change: differs; remove: IAM has what the plan does not. */
	kind: 'add' | 'change' | 'remove';
	/** Plain words for the review: "attach Billing", "remove AdministratorAccess (attached outside billing-setup)". */
	summary: string;
	/** Until this is applied, the live role grants or trusts more than the plan. */
	widening: boolean;
	/** It undoes something billing-setup did not make. */
	foreign: boolean;
	/** Only the BillingSetupId tag: taking over a role made by billing-setup elsewhere. Never applied alone. */
	adoption?: boolean;
	/** It cannot be applied in place: why, and what to do instead. */
	blocked?: string;
}

/** A difference that neither widens nor undoes another's work unless `extra` says so. */
export const difference = (resource: string, kind: Difference['kind'], summary: string, extra: Partial<Difference> = {}): Difference => ({
	resource,
	kind,
	summary,
	widening: false,
	foreign: false,
	...extra,
});

/**
 * Called right after each successful write, so progress records it before anything else can fail. `on` is the
 * resource it was made on when the caller could not know it beforehand (a permission set's ARN comes from its create).
 */
export type RecordWrite = (action: string, target: string, on?: string) => void;

export interface ReconcileContext {
	iam: IamPort;
	plan: Plan;
	/** The role as IAM has it now, read once per pass and shared by the reconcilers of that role. */
	role(): Promise<LiveRole | undefined>;
	/** Whether the local record says this setup made that write (action and target), on this plan's role. */
	madeByUs(action: string, target: string): boolean;
}

/** `Context` and `Of` default to a role's; a permission set's reconcilers bring their own (permission-set.ts). */
export interface Reconciler<Live, Context = ReconcileContext, Of = Plan> {
	readonly id: string;
	read(context: Context): Promise<Live>;
	diff(live: Live, context: Context): Difference[];
	/** Makes AWS match the plan; called only with the live state `diff` was computed from. */
	apply(live: Live, context: Context, record: RecordWrite): Promise<void>;
	/** Removes the resource (and, for the role, whatever IAM requires removed first is undone by the others before). */
	undo(live: Live, context: Context, record: RecordWrite): Promise<void>;
	/** AWS CLI commands that make it from nothing. */
	describe(plan: Of): string[];
}

/** A reconciler after its read: the differences, and apply/undo bound to the live state they were computed from. */
export interface Inspected {
	id: string;
	differences: Difference[];
	apply(record: RecordWrite): Promise<void>;
	undo(record: RecordWrite): Promise<void>;
}

/** Parts that need nothing of each other, applied (and undone) together as one step of a pass. */
export function together(parts: Inspected[]): Inspected {
	return {
		id: parts.map(part => part.id).join('+'),
		differences: parts.flatMap(part => part.differences),
		apply: async record => void (await allSettledOrThrow(parts.map(part => part.apply(record)))),
		undo: async record => void (await allSettledOrThrow(parts.map(part => part.undo(record)))),
	};
}

/** A reconciler of any live type, so different resources share one list. */
export interface OwnedResource<Context = ReconcileContext, Of = Plan> {
	id: string;
	inspect(context: Context): Promise<Inspected>;
	describe(plan: Of): string[];
}

export function owned<Live, Context = ReconcileContext, Of = Plan>(reconciler: Reconciler<Live, Context, Of>): OwnedResource<Context, Of> {
	return {
		id: reconciler.id,
		describe: plan => reconciler.describe(plan),
		async inspect(context) {
			const live = await reconciler.read(context);
			return {
				id: reconciler.id,
				differences: reconciler.diff(live, context),
				apply: record => reconciler.apply(live, context, record),
				undo: record => reconciler.undo(live, context, record),
			};
		},
	};
}

export {shellQuote};

/**
 * One argument per line with `\` continuations, and policies as multi-line quoted JSON: short lines
 * survive a narrow terminal's wrapping and still paste into a shell as one command.
 */
export function shellCommand(command: string, args: string[]): string {
	return [command, ...args].join(' \\\n  ');
}

export function policyArgument(document: unknown): string {
	return shellQuote(JSON.stringify(document, null, 2));
}

/** The last part of a policy ARN, which is how people name a managed policy. */
export function policyName(arn: string): string {
	return arn.slice(arn.lastIndexOf('/') + 1);
}
