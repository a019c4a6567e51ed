import {describe, expect, test} from 'vitest';
import {classifyCaller} from '../../source/core/principal.js';
import {defaultSettings} from '../../source/core/settings.js';
import {
	defaultAnswer,
	initialState,
	toSaved,
	transition,
	type SavedSetup,
	type WizardEvent,
	type WizardState,
} from '../../source/engine/wizard.js';
import type {RoleInspection} from '../../source/reconcile/role-resources.js';

const now = '2026-11-23T10:00:00.000Z';
const setupId = 'setup-1';
const absent: RoleInspection = {ownership: 'absent', billingShaped: true, differences: [{resource: 'role', kind: 'add', summary: 'create the role R', widening: false, foreign: false}]};
const identity = classifyCaller('arn:aws:iam::123456789012:user/alice', '123456789012');

/** The read right after the name: nothing of that name exists yet. */
const nothingNamed: WizardEvent = {type: 'role-inspected', inspection: absent, missingPrincipals: []};

function run(state: WizardState, ...events: WizardEvent[]): WizardState {
	return events.reduce(transition, state);
}

const standalone: WizardEvent = {type: 'account-inspected', context: {organization: {kind: 'standalone'}, callerAccess: {method: 'policies', checked: [], allowed: [], denied: []}}};

/** Who the caller is, then where the account sits: the two reads before the first question. */
function identified(state: WizardState, event: Extract<WizardEvent, {type: 'identity-loaded'}>): WizardState {
	return run(state, event, standalone);
}

function saved(overrides: Partial<SavedSetup>): SavedSetup {
	return {
		setupId,
		accountId: '123456789012',
		callerArn: identity.arn,
		step: 'mfa',
		finished: false,
		activation: 'confirmed',
		activationAnsweredAt: now,
		settings: {...defaultSettings, roleName: 'SavedRole', access: 'read-only'},
		changes: [],
		startedAt: now,
		updatedAt: now,
		...overrides,
	};
}

/** Answers every question with its default until a final or effect step. */
function answerDefaults(state: WizardState): WizardState {
	let current = state;
	const effects: Record<string, WizardEvent> = {
		'inspect-policy': {type: 'policy-inspected', check: {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false}},
		'inspect-role': {type: 'role-inspected', inspection: absent, missingPrincipals: []},
		'check-name': {type: 'role-inspected', inspection: absent, missingPrincipals: []},
		'check-principals': {type: 'role-inspected', inspection: absent, missingPrincipals: []},
		create: {type: 'created'},
		verify: {type: 'verified', verification: {roleArn: 'r', at: now}},
	};
	for (let guard = 0; guard < 30 && !['done', 'failed', 'stopped'].includes(current.step); guard++) {
		const event = effects[current.step] ?? defaultAnswer(current, now);
		current = transition(current, event);
	}
	return current;
}

describe('the default path', () => {
	test('Enter at every question walks from identity to a verified role', () => {
		const state = answerDefaults(identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity}));
		expect(state.step).toBe('done');
		expect(state.settings).toEqual(defaultSettings);
		expect(state.activation).toBe('not-yet');
	});

	test('Enter never claims the root activation was done', () => {
		const state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity});
		expect(defaultAnswer(state, now)).toEqual({type: 'activation-answered', answer: 'not-yet', at: now});
	});

	test('flags preset the answers', () => {
		const presets = {roleName: 'Finance', access: 'read-only' as const, costExplorer: false, maxSessionSeconds: 7200};
		const state = answerDefaults(identified(initialState(presets, now, {setupId}), {type: 'identity-loaded', identity}));
		expect(state.settings).toMatchObject(presets);
	});

	test('trust ARNs from flags skip listing principals', () => {
		const arns = ['arn:aws:iam::123456789012:user/bob'];
		let state = identified(initialState({trust: {kind: 'principals', arns}}, now, {setupId}), {type: 'identity-loaded', identity});
		state = run(state, defaultAnswer(state, now));
		state = run(state, {type: 'role-name-entered', roleName: 'R'}, nothingNamed, {type: 'access-chosen', access: 'full'});
		state = run(state, {type: 'policy-inspected', check: {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false}});
		state = run(state, {type: 'cost-explorer-answered', enabled: true});
		expect(state.step).toBe('trust');
		// Checked as soon as it is answered: IAM is asked whether bob exists before the next question.
		state = run(state, defaultAnswer(state, now));
		expect(state.step).toBe('check-principals');
		expect(run(state, nothingNamed).step).toBe('mfa');
		expect(run(state, {...nothingNamed, missingPrincipals: arns})).toMatchObject({step: 'trust', notice: `IAM has no ${arns[0]}: choose who may switch again.`});
	});

	test('a name held by a role billing-setup did not make is said at the name question, before any other', () => {
		let state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity});
		state = run(state, defaultAnswer(state, now), {type: 'role-name-entered', roleName: 'Taken'});
		expect(state.step).toBe('check-name');
		state = run(state, {type: 'role-inspected', inspection: {ownership: 'foreign', billingShaped: false, differences: []}, missingPrincipals: []});
		expect(state).toMatchObject({step: 'role-name', notice: 'A role named Taken already exists and was not created by billing-setup, so it is left untouched. Choose another name.'});
		expect(run(state, {type: 'role-name-entered', roleName: 'Free'}, nothingNamed).step).toBe('access');
	});
});

describe('transitions', () => {
	const atActivation = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity});

	test('stopping at root activation saves that step to come back to', () => {
		const state = run(atActivation, {type: 'activation-answered', answer: 'stop', at: now});
		expect(state.step).toBe('stopped');
		expect(toSaved(state, now)?.step).toBe('activation');
	});

	test('ending at root activation with no role needed writes nothing and keeps the step', () => {
		const state = run(atActivation, {type: 'activation-answered', answer: 'not-needed', at: now});
		expect(state.step).toBe('not-needed');
		expect(toSaved(state, now)).toMatchObject({step: 'activation', finished: false, changes: []});
	});

	test('where the account sits is read after identity and before the first question; the record offered is not overwritten meanwhile', () => {
		const loaded = transition(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({})});
		expect(loaded.step).toBe('inspect-account');
		expect(toSaved(loaded, now)).toBeUndefined();
		const asked = transition(loaded, standalone);
		expect(asked.step).toBe('resume');
		expect(asked.account?.organization).toEqual({kind: 'standalone'});
	});

	test('the managed policy is read again only when the access level changes', () => {
		let state = run(atActivation, {type: 'activation-answered', answer: 'confirmed', at: now}, {type: 'role-name-entered', roleName: 'R'}, nothingNamed);
		state = run(state, {type: 'access-chosen', access: 'full'});
		expect(state.step).toBe('inspect-policy');
		state = run(state, {type: 'policy-inspected', check: {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false}});
		expect(state.step).toBe('cost-explorer');
		expect(run({...state, step: 'access'}, {type: 'access-chosen', access: 'full'}).step).toBe('cost-explorer');
		expect(run({...state, step: 'access'}, {type: 'access-chosen', access: 'read-only'}).step).toBe('inspect-policy');
	});

	test('choosing principals lists them first, then asks', () => {
		const state = run({...atActivation, step: 'trust'}, {type: 'trust-chosen', trust: 'principals'});
		expect(state.step).toBe('list-principals');
		const listed = run(state, {type: 'principals-listed', arns: ['arn:aws:iam::123456789012:user/a'], complete: true});
		expect(listed).toMatchObject({step: 'trust-principals', principalChoices: ['arn:aws:iam::123456789012:user/a']});
	});

	const inspected = (inspection: Partial<RoleInspection>, missingPrincipals: string[] = []) =>
		run({...atActivation, step: 'inspect-role'}, {type: 'role-inspected', inspection: {...absent, ...inspection}, missingPrincipals});
	const extra = {resource: 'managed-policies', kind: 'remove', summary: 'detach AdministratorAccess (attached outside billing-setup)', widening: true, foreign: true} as const;

	test('a foreign role of the same name sends the user back to the name with an explanation', () => {
		const state = inspected({ownership: 'foreign', differences: []});
		expect(state.step).toBe('role-name');
		expect(state.notice).toMatch(/BillingAccess already exists and was not created by billing-setup/);
	});

	test('a role tagged by billing-setup elsewhere that is more than a billing role is never offered for adoption', () => {
		const state = inspected({ownership: 'elsewhere', billingShaped: false, differences: [extra]});
		expect(state.step).toBe('role-name');
		expect(state.notice).toContain('was not set up from here');
		expect(state.notice).toContain('detach AdministratorAccess');
	});

	test('a billing role made elsewhere, or our own with drift, goes to the review with the differences', () => {
		expect(inspected({ownership: 'elsewhere', differences: [extra]}).step).toBe('review');
		expect(inspected({ownership: 'ours', differences: [extra]})).toMatchObject({step: 'review', inspection: {differences: [extra]}});
	});

	test('a trusted principal IAM does not have sends the user back to the trust question, naming it', () => {
		const state = inspected({}, ['arn:aws:iam::123456789012:user/nobody']);
		expect(state.step).toBe('trust');
		expect(state.notice).toContain('arn:aws:iam::123456789012:user/nobody');
	});

	test('IAM rejecting the trust policy returns to the trust question, not to a retry loop', () => {
		const state = run({...atActivation, step: 'create'}, {type: 'trust-rejected', reason: 'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/nobody".'});
		expect(state.step).toBe('trust');
		expect(state.notice).toContain('user/nobody');
	});

	test('a role edited between review and write goes back to the review with the new differences', () => {
		const state = run({...atActivation, step: 'create', inspection: absent}, {type: 'live-changed', inspection: {...absent, ownership: 'ours', differences: [extra]}});
		expect(state).toMatchObject({step: 'review', inspection: {differences: [extra]}});
		expect(state.notice).toContain('changed in IAM');
	});

	test('declining at review stops without writing, resumable at review', () => {
		const state = run({...atActivation, step: 'review'}, {type: 'review-answered', create: false});
		expect(state.step).toBe('stopped');
		expect(toSaved(state, now)?.step).toBe('review');
	});

	test('a failure keeps the step it happened at, for resume', () => {
		const problem = {title: 't', why: 'w', next: 'n'};
		const state = run({...atActivation, step: 'create', resumeStep: 'create'}, {type: 'failed', problem});
		expect(state).toMatchObject({step: 'failed', problem});
		expect(toSaved(state, now)).toMatchObject({step: 'create', finished: false});
	});

	test('each write is recorded as it happens', () => {
		const change = {action: 'iam:CreateRole', target: 'arn:aws:iam::123456789012:role/R', at: now};
		const state = run({...atActivation, step: 'create'}, {type: 'changed', change});
		expect(state.step).toBe('create');
		expect(toSaved(state, now)?.changes).toEqual([change]);
	});
});

describe('the step table', () => {
	const atSession = () => {
		let state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity});
		for (let guard = 0; state.step !== 'session' && guard < 20; guard++) {
			state = state.step === 'inspect-policy'
				? transition(state, {type: 'policy-inspected', check: {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false}})
				: state.step === 'check-name'
					? transition(state, nothingNamed)
					: transition(state, defaultAnswer(state, now));
		}
		return state;
	};

	test('Esc goes back one question from every question that has one before it, and the saved step follows', () => {
		const state = atSession();
		const path: string[] = [state.step];
		for (let current = state; ; ) {
			const back = transition(current, {type: 'back'});
			if (back.step === current.step) break;
			path.push(back.step);
			expect(toSaved(back, now)?.step).toBe(back.step);
			current = back;
		}
		expect(path).toEqual(['session', 'mfa', 'trust', 'cost-explorer', 'access', 'role-name', 'activation']);
	});

	test('back from MFA after choosing principals returns to the picker, or lists again after a resume', () => {
		const arns = ['arn:aws:iam::123456789012:user/a'];
		const state = {...atSession(), step: 'mfa' as const, settings: {...defaultSettings, trust: {kind: 'principals' as const, arns}}};
		expect(transition({...state, principalChoices: arns}, {type: 'back'}).step).toBe('trust-principals');
		expect(transition(state, {type: 'back'}).step).toBe('list-principals');
	});

	test('an event that does not belong to the current step is ignored: a doubled Enter cannot answer twice', () => {
		const review = {...atSession(), step: 'review' as const, inspection: absent};
		const creating = transition(review, {type: 'review-answered', create: true});
		expect(creating.step).toBe('create');
		expect(transition(creating, {type: 'review-answered', create: true})).toBe(creating);
		expect(transition(creating, {type: 'session-chosen', seconds: 7200})).toBe(creating);
	});

	test('a line chosen in the review is asked again, then the review comes back after a fresh read', () => {
		const review = {...atSession(), step: 'review' as const, inspection: absent};
		let state = transition(review, {type: 'edit-chosen', step: 'mfa'});
		expect(state.step).toBe('mfa');
		state = transition(state, {type: 'mfa-answered', requireMfa: true});
		expect(state).toMatchObject({step: 'inspect-role', settings: {requireMfa: true}, editing: undefined});

		// Changing the access level reads its policy and asks about the add-on again, then returns.
		state = transition({...review, policyCheck: undefined}, {type: 'edit-chosen', step: 'access'});
		state = transition(state, {type: 'access-chosen', access: 'read-only'});
		expect(state.step).toBe('inspect-policy');
		state = transition(state, {type: 'policy-inspected', check: {policyArn: 'arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess', grantsDescribeReport: false}});
		expect(state.step).toBe('cost-explorer');
		state = transition(state, {type: 'cost-explorer-answered', enabled: true});
		expect(state.step).toBe('inspect-role');
	});

	test('stopping at the root step keeps every answer given before', () => {
		const state = {...atSession(), step: 'activation' as const};
		const stopped = transition(state, {type: 'activation-answered', answer: 'stop', at: now});
		expect(toSaved(stopped, now)).toMatchObject({step: 'activation', settings: state.settings});
	});
});

describe('resume', () => {
	test('unfinished progress for this account is offered for resume', () => {
		const state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({})});
		expect(state.step).toBe('resume');
		expect(defaultAnswer(state, now)).toEqual({type: 'resume-answered', resume: true});
	});

	test('resuming restores answers, writes and the step; flags still win', () => {
		const change = {action: 'iam:CreateRole', target: 'arn:aws:iam::123456789012:role/SavedRole', at: now};
		let state = identified(initialState({maxSessionSeconds: 7200}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({changes: [change]})});
		state = transition(state, {type: 'resume-answered', resume: true});
		expect(state).toMatchObject({step: 'mfa', activation: 'confirmed', changes: [change]});
		expect(state.settings).toMatchObject({roleName: 'SavedRole', access: 'read-only', maxSessionSeconds: 7200});
	});

	test.each(['review', 'create', 'verify'] as const)('a setup stopped at %s resumes by reading IAM again before any write', step => {
		let state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({step})});
		state = transition(state, {type: 'resume-answered', resume: true});
		expect(state.step).toBe('inspect-role');
	});

	test('a resumed record keeps its own setup id', () => {
		let state = identified(initialState({}, now, {setupId: 'new-run'}), {type: 'identity-loaded', identity, saved: saved({})});
		state = transition(state, {type: 'resume-answered', resume: true});
		expect(toSaved(state, now)?.setupId).toBe(setupId);
	});

	test('the saved record is left alone until the resume question is answered', () => {
		const state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({})});
		expect(state.step).toBe('resume');
		expect(toSaved(state, now)).toBeUndefined();
	});

	test.each(['identity', 'resume'] as const)('a record stopped at %s resumes at activation, never looping back', step => {
		let state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({step})});
		state = transition(state, {type: 'resume-answered', resume: true});
		expect(state.step).toBe('activation');
	});

	test('an empty choice of principals is not an answer', () => {
		const state = run({...identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity}), step: 'trust-principals'}, {type: 'principals-chosen', arns: []});
		expect(state.step).toBe('trust-principals');
		expect(state.notice).toMatch(/at least one/);
	});

	test('starting over forgets the answers but never the roles the record created, nor the setup id that owns them', () => {
		const change = {action: 'iam:CreateRole', target: 'arn:aws:iam::123456789012:role/SavedRole', at: now};
		let state = identified(initialState({}, now, {setupId: 'new-run'}), {type: 'identity-loaded', identity, saved: saved({changes: [change]})});
		state = transition(state, {type: 'resume-answered', resume: false});
		expect(state.settings).toEqual(defaultSettings);
		expect(toSaved(state, now)).toMatchObject({setupId, changes: [change]});
	});

	test('a record saved at the principal picker resumes by listing the principals again', () => {
		let state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({step: 'trust-principals'})});
		state = transition(state, {type: 'resume-answered', resume: true});
		expect(state.step).toBe('list-principals');
	});

	test('opening a finished setup keeps it finished while its live check and menu are open, or fail', () => {
		let state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({finished: true, step: 'verify'})});
		expect(toSaved(state, now)).toMatchObject({finished: true});
		state = transition(state, {type: 'role-inspected', inspection: {ownership: 'ours', billingShaped: true, differences: []}, missingPrincipals: []});
		expect(toSaved(state, now)).toMatchObject({finished: true});
		expect(toSaved(transition(state, {type: 'failed', problem: {title: 't', why: 'w', next: 'n'}}), now)).toMatchObject({finished: true});
		expect(toSaved(transition(state, {type: 'finished-chosen', choice: 'change'}), now)).toMatchObject({finished: false});
	});

	test('starting over forgets the saved answers', () => {
		let state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({})});
		state = transition(state, {type: 'resume-answered', resume: false});
		expect(state.step).toBe('activation');
		expect(state.settings).toEqual(defaultSettings);
		expect(state.changes).toEqual([]);
	});

	test('a finished setup opens on a live check of its role, then one menu', () => {
		let state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({finished: true, step: 'verify'})});
		expect(state.step).toBe('check-live');
		expect(state.settings.roleName).toBe('SavedRole');
		const inPlace: RoleInspection = {ownership: 'ours', billingShaped: true, differences: []};
		state = transition(state, {type: 'role-inspected', inspection: inPlace, missingPrincipals: []});
		expect(state.step).toBe('finished');
		// Enter (and --yes) repairs drift and otherwise just shows the hand-off again.
		expect(defaultAnswer(state, now)).toEqual({type: 'finished-chosen', choice: 'hand-off'});
		expect(defaultAnswer({...state, inspection: {...inPlace, differences: absent.differences}}, now)).toEqual({type: 'finished-chosen', choice: 'repair'});
		expect(transition(state, {type: 'finished-chosen', choice: 'hand-off'}).step).toBe('done');
		expect(transition(state, {type: 'finished-chosen', choice: 'change'}).step).toBe('role-name');
		expect(transition(state, {type: 'finished-chosen', choice: 'repair'}).step).toBe('review');
		expect(transition(state, {type: 'finished-chosen', choice: 'remove'}).step).toBe('remove');
	});

	test('removing from the menu records the removal, so the next run starts fresh', () => {
		const state = run({...identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity}), step: 'remove'}, {type: 'removed'});
		expect(state.step).toBe('removed');
		expect(toSaved(state, now)).toMatchObject({finished: false, removedAt: now});
	});

	test('after undo, a new setup starts fresh', () => {
		const state = identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity, saved: saved({removedAt: now})});
		expect(state.step).toBe('activation');
		expect(state.changes).toEqual([]);
	});
});

describe('toSaved', () => {
	test('holds no credentials, only what the setup needs', () => {
		const state = answerDefaults(identified(initialState({}, now, {setupId}), {type: 'identity-loaded', identity}));
		const record = toSaved(state, now)!;
		expect(Object.keys(record).sort()).toEqual(
			['setupId', 'accountId', 'activation', 'activationAnsweredAt', 'callerArn', 'changes', 'finished', 'policyCheck', 'settings', 'startedAt', 'step', 'updatedAt', 'verification'].sort(),
		);
		expect(record.finished).toBe(true);
	});

	test('nothing is saved before the account is known', () => {
		expect(toSaved(initialState({}, now, {setupId}), now)).toBeUndefined();
	});
});

describe('a role nobody could use', () => {
	const bob = 'arn:aws:iam::123456789012:user/bob';
	const absent = {ownership: 'absent', billingShaped: true, differences: []} as const;
	const atInspection = (): WizardState => ({
		...initialState({trust: {kind: 'principals', arns: [bob]}, requireMfa: true}, '2026-12-02T10:00:00.000Z', {setupId: 'setup-1'}),
		identity: classifyCaller('arn:aws:iam::123456789012:user/alice', '123456789012'),
		step: 'inspect-role',
	});

	test('MFA required and no chosen user has a device: the review warns before any write', () => {
		const state = transition(atInspection(), {type: 'role-inspected', inspection: {...absent, differences: []}, missingPrincipals: [], withoutMfa: [bob]});
		expect(state.step).toBe('review');
		expect(state.notice).toContain('IAM lists no MFA device for bob');
	});

	test('a chosen user with a device, or no MFA required: no warning', () => {
		expect(transition(atInspection(), {type: 'role-inspected', inspection: {...absent, differences: []}, missingPrincipals: [], withoutMfa: []}).notice).toBeUndefined();
		const noMfa = {...atInspection(), settings: {...atInspection().settings, requireMfa: false}};
		expect(transition(noMfa, {type: 'role-inspected', inspection: {...absent, differences: []}, missingPrincipals: [], withoutMfa: [bob]}).notice).toBeUndefined();
	});
});
