import {expect, test} from 'vitest';
import {classifyCaller} from '../../source/core/principal.js';
import type {AccountContext} from '../../source/core/account.js';
import {defaultAnswer, initialState, trailOf, transition, type WizardEvent, type WizardState} from '../../source/engine/wizard.js';

const now = '2026-11-23T10:00:00.000Z';
const identity = classifyCaller('arn:aws:iam::123456789012:user/alice', '123456789012');
const policyInspected = {type: 'policy-inspected', check: {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false}} as const;
const accountInspected = {type: 'account-inspected', context: {organization: {kind: 'standalone'}}} as const;
const absent: WizardEvent = {type: 'role-inspected', inspection: {ownership: 'absent', billingShaped: true, differences: []}, missingPrincipals: []};

function started(context: AccountContext = accountInspected.context): WizardState {
	return transition(transition(initialState({}, now, {setupId: 'setup-1'}), {type: 'identity-loaded', identity}), {type: 'account-inspected', context});
}

function send(state: WizardState, ...events: WizardEvent[]): WizardState {
	return events.reduce(transition, state);
}

/** Enter at every question up to the review. */
function toReview(state: WizardState): WizardState {
	while (state.step !== 'review') {
		if (state.step === 'inspect-policy') state = transition(state, policyInspected);
		else if (state.step === 'inspect-role' || state.step === 'check-name' || state.step === 'check-principals') state = transition(state, absent);
		else state = transition(state, defaultAnswer(state, now));
	}
	return state;
}

test('each answer joins the transcript as the next question opens', () => {
	let state = started();
	const expected: Record<string, string> = {
		activation: 'Root activation: not done yet',
		'role-name': 'Role name: BillingAccess',
		access: 'Access: full (Billing)',
		'cost-explorer': 'Cost Explorer add-on: yes',
		trust: 'Who may switch: anyone in this account whose own policies allow it',
		mfa: 'MFA required: no',
		session: 'Longest session: 1 h',
	};
	for (const [step, line] of Object.entries(expected)) {
		expect(state.step).toBe(step);
		state = transition(state, defaultAnswer(state, now));
		if (state.step === 'inspect-policy') state = transition(state, policyInspected);
		if (state.step === 'check-name') state = transition(state, absent);
		expect(trailOf(state).at(-1)).toContain(line);
	}
	expect(state.step).toBe('inspect-role');
	expect(trailOf(state)[0]).toBe('Signed in as IAM user alice in account 123456789012 (aws)');
});

test('Esc takes back the line of the question it returns to, and the new answer replaces it: no stale or doubled lines', () => {
	let state = send(started(), {type: 'activation-answered', answer: 'not-yet', at: now}, {type: 'role-name-entered', roleName: 'First'}, absent);
	expect(trailOf(state)).toContain('Role name: First');
	state = transition(state, {type: 'back'});
	expect(state.step).toBe('role-name');
	expect(trailOf(state).filter(line => line.startsWith('Role name'))).toEqual([]);
	state = send(state, {type: 'role-name-entered', roleName: 'Second'}, absent);
	expect(trailOf(state).filter(line => line.startsWith('Role name'))).toEqual(['Role name: Second']);
	// The root step's line and the sign-in line, once each, however often Esc went back.
	state = send(state, {type: 'back'}, {type: 'back'}, {type: 'activation-answered', answer: 'not-yet', at: now});
	expect(trailOf(state).filter(line => line.startsWith('Signed in'))).toHaveLength(1);
	expect(trailOf(state).filter(line => line.startsWith('Root activation'))).toHaveLength(1);
});

test('a stop at the review is a stop: the transcript never says the changes were reviewed', () => {
	const stopped = send(toReview(started()), {type: 'review-answered', create: false});
	expect(stopped.step).toBe('stopped');
	expect(trailOf(stopped).join('\n')).not.toContain('Reviewed');
});

test('an edit from the review replaces that answer’s line, once, and leaves the others', () => {
	let state = send(toReview(started()), {type: 'edit-chosen', step: 'session'});
	expect(trailOf(state).filter(line => line.startsWith('Longest session'))).toEqual([]);
	state = send(state, {type: 'session-chosen', seconds: 7200}, absent);
	expect(state.step).toBe('review');
	const lines = trailOf(state);
	expect(lines.filter(line => line.startsWith('Longest session'))).toEqual(['Longest session: 2 h']);
	expect(lines.filter(line => line.startsWith('Role name'))).toEqual(['Role name: BillingAccess']);
});

test('the root step’s line says what AWS answered when it was asked, and that it was not checked when it was not', () => {
	const said = send(started(), {type: 'activation-answered', answer: 'confirmed', at: now});
	expect(trailOf(said)).toContain('Root activation: you said IAM access to billing is on (not checked)');
	const asked = send(started(), {type: 'activation-answered', answer: 'check', at: now});
	expect(asked.step).toBe('check-activation');
	// While AWS is asked, no line claims an answer.
	expect(trailOf(asked).filter(line => line.startsWith('Root activation'))).toEqual([]);
	const answered = send(asked, {type: 'activation-checked', check: {state: 'off', checkedAs: identity.arn, at: now}});
	expect(trailOf(send(answered, {type: 'activation-off-answered', choice: 'go-on'}))).toContain(
		'Root activation: IAM access to billing is off: Cost Explorer refused user/alice with “IAM user access not activated”',
	);
});
