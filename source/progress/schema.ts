/**
 * What a saved record must look like to be trusted: the rules the flags follow (validation.ts), applied on read,
 * since anyone can edit the file. One check per field; a new SavedSetup field is one new line in `checks`.
 * Fields not listed are tolerated, so a record written by a newer billing-setup still reads.
 */
import {managedPolicyName} from '../core/settings.js';
import {accountIdProblem, assigneeProblem, permissionSetNameProblem, policyArnProblem, principalArnProblem, roleNameProblem, rolePathProblem, sessionSecondsProblem} from '../core/validation.js';
import {steps} from '../engine/wizard.js';

/**
 * Says what is wrong with a value, or undefined when it is fine. The text continues the field's path:
 * " is not text", ": <a rule's sentence>", ".field …" or "[index] …".
 */
type Check = (value: unknown) => string | undefined;

const text: Check = value => (typeof value === 'string' ? undefined : ' is not text');
const flag: Check = value => (typeof value === 'boolean' ? undefined : ' is not true or false');
// Times are shown as saved ("stopped … on <updatedAt>"), so only what toISOString writes passes.
const timestamp: Check = value =>
	typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) ? undefined : ' is not a time such as 2026-01-31T12:00:00.000Z';
const optional = (check: Check): Check => value => (value === undefined ? undefined : check(value));
const oneOf = (...allowed: string[]): Check => value =>
	typeof value === 'string' && allowed.includes(value) ? undefined : ` is not one of ${allowed.join(', ')}`;

/** A rule from validation.ts, which answers with a sentence for the user. */
function rule<T>(type: 'string' | 'number', check: (value: T) => string | undefined): Check {
	return value => {
		if (typeof value !== type) return type === 'string' ? ' is not text' : ' is not a number';
		const problem = check(value as T);
		return problem && `: ${problem}`;
	};
}

function object(checks: Record<string, Check>): Check {
	return value => {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return ' is not an object';
		for (const [name, check] of Object.entries(checks)) {
			const problem = check((value as Record<string, unknown>)[name]);
			if (problem) return `.${name}${problem}`;
		}
		return undefined;
	};
}

function listOf(check: Check): Check {
	return value => {
		if (!Array.isArray(value)) return ' is not a list';
		for (const [index, item] of value.entries()) {
			const problem = check(item);
			if (problem) return `[${index}]${problem}`;
		}
		return undefined;
	};
}

const trust: Check = value => {
	const kind = (value as {kind?: unknown} | null)?.kind;
	if (kind === 'account') return undefined;
	// Each ARN as --trust takes it: never "*", never a pattern.
	if (kind === 'principals') return object({arns: listOf(rule('string', principalArnProblem))})(value);
	return ' is neither the account nor a list of principals';
};

const arn: Check = value => (typeof value === 'string' && /^arn:aws[\w-]*:(iam|sts)::\d{12}:[\w+=,.@/-]+$/.test(value) ? undefined : ' is not an IAM or STS ARN');
const day: Check = value => (typeof value === 'string' && /^\d{4}-\d\d-\d\d$/.test(value) ? undefined : ' is not a day such as 2026-01-31');
const problem = object({title: text, why: text, next: text});

/** A check of the root-only setting: what AWS answered, shown as saved by status and the result. */
const billingAccessCheck = object({
	state: oneOf('active', 'off', 'unknown'),
	checkedAs: optional(arn),
	at: timestamp,
	cost: optional(
		object({
			start: day,
			end: day,
			amount: value => (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? undefined : ' is not an amount'),
			unit: value => (typeof value === 'string' && /^[A-Z]{3}$/.test(value) ? undefined : ' is not a currency'),
			estimated: flag,
		}),
	),
	reason: optional(problem),
});

// It becomes a tag value on the role: what randomUUID writes, nothing a tag could choke on.
const setupId: Check = value => (typeof value === 'string' && /^[\w-]{1,64}$/.test(value) ? undefined : ' is not a setup id');

const record = object({
	setupId: optional(setupId),
	accountId: rule('string', accountIdProblem),
	callerArn: text,
	// Only the steps a run resumes at; a final or unknown one would leave the wizard with nothing to show.
	step: oneOf(...Object.entries(steps).flatMap(([step, spec]) => (spec.kind === 'final' ? [] : [step]))),
	finished: flag,
	activation: optional(oneOf('confirmed', 'not-yet')),
	activationAnsweredAt: optional(timestamp),
	activationCheck: optional(billingAccessCheck),
	settings: object({
		roleName: rule('string', roleNameProblem),
		access: oneOf(...Object.keys(managedPolicyName)),
		costExplorer: flag,
		trust,
		requireMfa: flag,
		maxSessionSeconds: rule('number', sessionSecondsProblem),
		// Records from before these were kept have none; the defaults fill them in.
		path: optional(rule('string', rolePathProblem)),
		permissionsBoundary: optional(rule('string', policyArnProblem)),
		guard: optional(flag),
		via: optional(oneOf('role', 'identity-center')),
		permissionSetName: optional(rule('string', permissionSetNameProblem)),
		assignees: optional(listOf(object({type: oneOf('USER', 'GROUP'), name: rule('string', (name: string) => assigneeProblem(`user:${name}`))}))),
	}),
	policyCheck: optional(object({policyArn: text, grantsDescribeReport: flag})),
	changes: listOf(object({action: text, target: text, role: optional(text), at: timestamp})),
	verification: optional(
		object({
			roleArn: text,
			at: timestamp,
			billingAccess: optional(billingAccessCheck),
			// Via Identity Center they become the printed portal URL and profile: only what AWS's ids and regions look like.
			identityStoreId: optional(value => (typeof value === 'string' && /^[\w-]{1,64}$/.test(value) ? undefined : ' is not an identity store id')),
			ssoRegion: optional(value => (typeof value === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value) ? undefined : ' is not a region')),
		}),
	),
	removedAt: optional(timestamp),
	startedAt: timestamp,
	updatedAt: timestamp,
});

/** Why a saved record cannot be trusted (e.g. "settings.roleName: …"), or undefined when it can. */
export function savedSetupProblem(value: unknown): string | undefined {
	return record(value)?.replace(/^\./, '').replace(/^ /, 'the record ');
}
