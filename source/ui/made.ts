/** What the wizard's last screens show of what a setup makes: its IAM role, or its Identity Center permission set. */
import {accountsLabel, assigneeLabel, type PermissionSetPlan} from '../core/identity-center.js';
import type {Plan} from '../core/plan.js';
import {printable} from '../core/text.js';
import {createdPermissionSets, createdRoles, permissionSetPlanFor, planFor} from '../engine/session.js';
import {activationDone, latestCheck, type Verification, type WizardState} from '../engine/wizard.js';
import {type RootStep, formatFinish, formatIdentityCenterFinish, formatPermissionSetPlan, formatPlan, permissionSetInspectionHead, roleInspectionHead} from '../present.js';

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
	rootStep: RootStep;
}

export function roleView(plan: Plan, {created, rootStep}: Outcome): MadeView {
	return {
		noun: 'role',
		name: plan.roleName,
		heading: `Role ${plan.roleArn}`,
		where: roleInspectionHead,
		details: () => formatPlan(plan),
		finish: () => formatFinish(plan, rootStep),
		created,
	};
}

export function permissionSetView(plan: PermissionSetPlan, verification: Verification | undefined, {created, rootStep}: Outcome): MadeView {
	return {
		noun: 'permission set',
		name: plan.name,
		heading: printable(`Permission set ${plan.name} in ${accountsLabel(plan)}, assigned to ${plan.assignees.map(assigneeLabel).join(', ')}`),
		where: permissionSetInspectionHead,
		details: () => formatPermissionSetPlan(plan),
		finish: () => formatIdentityCenterFinish(plan, verification, rootStep),
		created,
	};
}

export function madeView(state: WizardState): MadeView {
	const outcome = {created: [...createdRoles(state.changes), ...createdPermissionSets(state.changes)], rootStep: {done: activationDone(state), check: latestCheck(state)}};
	return state.settings.via === 'identity-center'
		? permissionSetView(permissionSetPlanFor(state), state.verification, outcome)
		: roleView(planFor(state), outcome);
}
