/** What the wizard's last screens show of what a setup makes: its IAM role, or its Identity Center permission set. */
import {accountsLabel, assigneeLabel, type PermissionSetPlan} from '../core/identity-center.js';
import type {Plan} from '../core/plan.js';
import {printable} from '../core/text.js';
import {createdPermissionSets, createdRoles, permissionSetPlanFor, planFor} from '../engine/session.js';
import type {Verification, WizardState} from '../engine/wizard.js';
import {formatFinish, formatIdentityCenterFinish, formatPermissionSetPlan, formatPlan, permissionSetInspectionHead, roleInspectionHead} from '../present.js';

export interface MadeView {
	/** `role` or `permission set`. */
	noun: string;
	name: string;
	/** The review's first line. */
	heading: string;
	/** The head of the live read: "In IAM now: the role". */
	where: string;
	/** What `d` prints: the policies and AWS CLI commands. */
	details(): string;
	/** Printed once the wizard closes: how to use it. */
	finish(): string;
	/** What Remove deletes: every role and permission set this record created and has not removed. */
	created: string[];
}

interface Outcome {
	created: string[];
	activationConfirmed: boolean;
}

export function roleView(plan: Plan, {created, activationConfirmed}: Outcome): MadeView {
	return {
		noun: 'role',
		name: plan.roleName,
		heading: `Role ${plan.roleArn}`,
		where: roleInspectionHead,
		details: () => formatPlan(plan),
		finish: () => formatFinish(plan, activationConfirmed),
		created,
	};
}

export function permissionSetView(plan: PermissionSetPlan, verification: Verification | undefined, {created, activationConfirmed}: Outcome): MadeView {
	return {
		noun: 'permission set',
		name: plan.name,
		heading: printable(`Permission set ${plan.name} in ${accountsLabel(plan)}, assigned to ${plan.assignees.map(assigneeLabel).join(', ')}`),
		where: permissionSetInspectionHead,
		details: () => formatPermissionSetPlan(plan),
		finish: () => formatIdentityCenterFinish(plan, verification, activationConfirmed),
		created,
	};
}

export function madeView(state: WizardState): MadeView {
	const outcome = {created: [...createdRoles(state.changes), ...createdPermissionSets(state.changes)], activationConfirmed: state.activation === 'confirmed'};
	return state.settings.via === 'identity-center'
		? permissionSetView(permissionSetPlanFor(state), state.verification, outcome)
		: roleView(planFor(state), outcome);
}
