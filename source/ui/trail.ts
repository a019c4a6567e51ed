/** One line per answered step, derived from state alone, so a resumed run shows the same trail. */
import {managedPolicyName} from '../core/settings.js';
import {principalKindLabel} from '../core/principal.js';
import type {Step, WizardState} from '../engine/wizard.js';

/** The order steps are met in; a step before the current one has been answered. */
const order: Step[] = [
	'identity', 'resume', 'activation', 'role-name', 'access', 'inspect-policy', 'cost-explorer',
	'trust', 'list-principals', 'trust-principals', 'mfa', 'session', 'check-live', 'finished', 'inspect-role', 'review',
	'boundary', 'create', 'verify', 'remove', 'done', 'removed',
];

export function hours(seconds: number): string {
	const value = seconds / 3600;
	return `${Number.isInteger(value) ? value : value.toFixed(2)} h`;
}

export function trail(state: WizardState): string[] {
	const reached = state.step === 'failed' || state.step === 'stopped' ? state.resumeStep : state.step;
	const position = order.indexOf(reached);
	const answered = (step: Step) => order.indexOf(step) < position;
	const {settings, identity} = state;
	const lines: string[] = [];
	// The identity is shown in full on the resume and activation screens; it collapses after them.
	if (identity && answered('activation')) {
		const who = identity.kind === 'unknown' ? identity.arn : `${principalKindLabel[identity.kind]} ${identity.name}`;
		lines.push(`Signed in as ${who} in account ${identity.accountId} (${identity.partition})`);
	}
	if (answered('activation') && state.activation) {
		lines.push(
			state.activation === 'confirmed'
				? 'Root activation: you confirmed IAM access to billing is on'
				: 'Root activation: not confirmed yet (a reminder follows at the end)',
		);
	}
	if (answered('role-name')) lines.push(`Role name: ${settings.roleName}`);
	if (answered('access')) lines.push(`Access: ${settings.access} (${managedPolicyName[settings.access]})`);
	if (answered('cost-explorer')) lines.push(`Cost Explorer add-on: ${settings.costExplorer ? 'yes' : 'no'}`);
	// Chosen principals are final only once listed and picked.
	if (answered('trust-principals')) {
		lines.push(
			settings.trust.kind === 'account'
				? 'Who may switch: principals of this account allowed by their own IAM policies'
				: `Who may switch: ${settings.trust.arns.join(', ')}`,
		);
	}
	if (answered('mfa')) lines.push(`MFA required: ${settings.requireMfa ? 'yes' : 'no'}`);
	if (answered('session')) lines.push(`Max session: ${hours(settings.maxSessionSeconds)}`);
	if (answered('review')) lines.push('Reviewed the changes');
	if (answered('create')) lines.push(`Role in place (${state.changes.length === 0 ? 'nothing to write' : `${state.changes.length} write(s) recorded`})`);
	return lines;
}
