import {expect, test} from 'vitest';
import {classifyCaller} from '../../source/core/principal.js';
import {defaultAnswer, initialState, transition, type WizardState} from '../../source/engine/wizard.js';
import {trail} from '../../source/ui/trail.js';

const now = '2026-11-23T10:00:00.000Z';
const identity = classifyCaller('arn:aws:iam::123456789012:user/alice', '123456789012');

test('each answer shows in the trail on the very next question', () => {
	let state: WizardState = transition(initialState({}, now, {setupId: 'setup-1'}), {type: 'identity-loaded', identity});
	const expected: Record<string, string> = {
		activation: 'Root activation: not confirmed yet',
		'role-name': 'Role name: BillingAccess',
		access: 'Access: full (Billing)',
		'cost-explorer': 'Cost Explorer add-on: yes',
		trust: 'Who may switch: principals of this account',
		mfa: 'MFA required: no',
		session: 'Max session: 1 h',
	};
	for (const [step, line] of Object.entries(expected)) {
		expect(state.step).toBe(step);
		state = transition(state, defaultAnswer(state, now));
		if (state.step === 'inspect-policy') {
			state = transition(state, {type: 'policy-inspected', check: {policyArn: 'arn:aws:iam::aws:policy/job-function/Billing', grantsDescribeReport: false}});
		}
		expect(trail(state).at(-1)).toContain(line);
	}
	expect(state.step).toBe('inspect-role');
});
