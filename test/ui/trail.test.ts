import {expect, test} from 'vitest';
import {classifyCaller} from '../../source/core/principal.js';
import {defaultAnswer, initialState, trailOf, transition, type WizardState} from '../../source/engine/wizard.js';

const now = '2026-11-23T10:00:00.000Z';
const identity = classifyCaller('arn:aws:iam::123456789012:user/alice', '123456789012');
const policyInspected = {type: 'policy-inspected', check: {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false}} as const;
const accountInspected = {type: 'account-inspected', context: {organization: {kind: 'standalone'}}} as const;

test('each answer joins the transcript as the next question opens, and a resumed run derives the same lines', () => {
	let state: WizardState = transition(transition(initialState({}, now, {setupId: 'setup-1'}), {type: 'identity-loaded', identity}), accountInspected);
	const expected: Record<string, string> = {
		activation: 'Root activation: not confirmed yet',
		'role-name': 'Role name: BillingAccess',
		access: 'Access: full (Billing)',
		'cost-explorer': 'Cost Explorer add-on: yes',
		trust: 'Who may switch: principals of this account',
		mfa: 'MFA required: no',
		session: 'Longest session: 1 h',
	};
	for (const [step, line] of Object.entries(expected)) {
		expect(state.step).toBe(step);
		state = transition(state, defaultAnswer(state, now));
		if (state.step === 'inspect-policy') state = transition(state, policyInspected);
		expect(state.history.at(-1)).toContain(line);
	}
	expect(state.step).toBe('inspect-role');
	expect(state.history[0]).toBe('Signed in as IAM user alice in account 123456789012 (aws)');
	expect(trailOf(state)).toEqual(state.history);
});

test('going back and answering again adds the new answer to the transcript, keeping the old one above it', () => {
	let state: WizardState = transition(transition(initialState({}, now, {setupId: 'setup-1'}), {type: 'identity-loaded', identity}), accountInspected);
	state = transition(state, defaultAnswer(state, now));
	state = transition(state, {type: 'role-name-entered', roleName: 'First'});
	state = transition(state, {type: 'back'});
	expect(state.step).toBe('role-name');
	state = transition(state, {type: 'role-name-entered', roleName: 'Second'});
	expect(state.history.filter(line => line.startsWith('Role name'))).toEqual(['Role name: First', 'Role name: Second']);
});
