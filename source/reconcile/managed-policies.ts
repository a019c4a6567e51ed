/** The role's managed-policy attachments: exactly the chosen billing policy, nothing else. */
import {allSettledOrThrow} from '../core/concurrency.js';
import type {IamPort, LiveRole} from './iam.js';
import {policyName, shellCommand, shellQuote, type Difference, type Reconciler, type RecordWrite} from './model.js';

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

function detachEach(arns: string[], roleName: string, iam: IamPort, record: RecordWrite): Array<Promise<void>> {
	return arns.map(async arn => {
		await iam.detachPolicy(roleName, arn);
		record('iam:DetachRolePolicy', arn);
	});
}

export const managedPoliciesReconciler: Reconciler<string[]> = {
	id: 'managed-policies',
	read: async context => (await context.role())?.attached ?? [],
	diff(attached, {plan, madeByUs}) {
		return managedPolicyDifferences(this.id, attached, plan.managedPolicyArn, arn => madeByUs('iam:AttachRolePolicy', arn));
	},
	// The attachment and the detachments do not depend on one another: they go together.
	async apply(attached, {iam, plan}, record) {
		const attach = async () => {
			await iam.attachPolicy(plan.roleName, plan.managedPolicyArn);
			record('iam:AttachRolePolicy', plan.managedPolicyArn);
		};
		await allSettledOrThrow([...(attached.includes(plan.managedPolicyArn) ? [] : [attach()]), ...detachEach(attached.filter(arn => arn !== plan.managedPolicyArn), plan.roleName, iam, record)]);
	},
	async undo(attached, context, record) {
		const role = (await context.role()) as LiveRole;
		await allSettledOrThrow(detachEach(attached, role.name, context.iam, record));
	},
	describe: plan => [
		shellCommand('aws iam attach-role-policy', [`--role-name ${shellQuote(plan.roleName)}`, `--policy-arn ${plan.managedPolicyArn}`]),
	],
};
