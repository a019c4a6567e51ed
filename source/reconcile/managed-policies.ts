/** The role's managed-policy attachments: exactly the chosen billing policy, nothing else. */
import type {LiveRole} from './iam.js';
import {policyName, shellCommand, shellQuote, type Difference, type Reconciler} from './model.js';

export const managedPoliciesReconciler: Reconciler<string[]> = {
	id: 'managed-policies',
	read: async context => (await context.role())?.attached ?? [],
	diff(attached, {plan, madeByUs}) {
		const differences: Difference[] = [];
		if (!attached.includes(plan.managedPolicyArn)) {
			differences.push({resource: this.id, kind: 'add', summary: `attach ${policyName(plan.managedPolicyArn)} (${plan.managedPolicyArn})`, widening: false, foreign: false});
		}
		for (const arn of attached.filter(arn => arn !== plan.managedPolicyArn)) {
			const foreign = !madeByUs('iam:AttachRolePolicy', arn);
			differences.push({
				resource: this.id,
				kind: 'remove',
				summary: `detach ${policyName(arn)}${foreign ? ' (attached outside billing-setup)' : ''}`,
				widening: true,
				foreign,
			});
		}
		return differences;
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
