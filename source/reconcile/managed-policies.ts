/** The role's managed-policy attachments: exactly the chosen billing policy, nothing else. */
import type {LiveRole} from './iam.js';
import {policyName, shellCommand, shellQuote, type Difference, type Reconciler} from './model.js';

/**
 * Exactly the chosen billing policy attached, nothing else: for a role and a permission set alike.
 * `attachedByUs` says whether this setup's record holds the attachment of that ARN.
 */
export function managedPolicyDifferences(resource: string, attached: string[], wanted: string, attachedByUs: (arn: string) => boolean): Difference[] {
	const differences: Difference[] = [];
	if (!attached.includes(wanted)) {
		differences.push({resource, kind: 'add', summary: `attach ${policyName(wanted)} (${wanted})`, widening: false, foreign: false});
	}
	for (const arn of attached.filter(arn => arn !== wanted)) {
		const foreign = !attachedByUs(arn);
		differences.push({
			resource,
			kind: 'remove',
			summary: `detach ${policyName(arn)}${foreign ? ' (attached outside billing-setup)' : ''}`,
			widening: true,
			foreign,
		});
	}
	return differences;
}

export const managedPoliciesReconciler: Reconciler<string[]> = {
	id: 'managed-policies',
	read: async context => (await context.role())?.attached ?? [],
	diff(attached, {plan, madeByUs}) {
		return managedPolicyDifferences(this.id, attached, plan.managedPolicyArn, arn => madeByUs('iam:AttachRolePolicy', arn));
	},
	async apply(attached, {iam, plan}, record) {
		if (!attached.includes(plan.managedPolicyArn)) {
			await iam.attachPolicy(plan.roleName, plan.managedPolicyArn);
			record('iam:AttachRolePolicy', plan.managedPolicyArn);
		}
		for (const arn of attached.filter(arn => arn !== plan.managedPolicyArn)) {
			await iam.detachPolicy(plan.roleName, arn);
			record('iam:DetachRolePolicy', arn);
		}
	},
	async undo(attached, context, record) {
		const role = (await context.role()) as LiveRole;
		for (const arn of attached) {
			await context.iam.detachPolicy(role.name, arn);
			record('iam:DetachRolePolicy', arn);
		}
	},
	describe: plan => [
		shellCommand('aws iam attach-role-policy', [`--role-name ${shellQuote(plan.roleName)}`, `--policy-arn ${plan.managedPolicyArn}`]),
	],
};
