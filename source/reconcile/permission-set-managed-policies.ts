/** The permission set's managed policies: exactly the chosen billing policy, and no customer managed ones. */
import type {PermissionSetPlan} from '../core/identity-center.js';
import {managedPolicyDifferences} from './managed-policies.js';
import {difference, shellCommand, type Reconciler} from './model.js';
import {arnOf, ssoActions, type SsoContext} from './permission-set-context.js';

interface LivePolicies {
	permissionSetArn?: string;
	managed: string[];
	customer: string[];
}

export const permissionSetManagedPoliciesReconciler: Reconciler<LivePolicies, SsoContext, PermissionSetPlan> = {
	id: 'permission-set-managed-policies',
	async read(context) {
		const live = await context.permissionSet();
		return {...(live && {permissionSetArn: live.arn}), managed: live?.managedPolicies ?? [], customer: live?.customerManagedPolicies ?? []};
	},
	diff(live, {plan, madeByUs}) {
		const attachedByUs = (arn: string) => live.permissionSetArn !== undefined && madeByUs(ssoActions.attach, arn, live.permissionSetArn);
		return [
			...managedPolicyDifferences(this.id, live.managed, plan.managedPolicyArn, attachedByUs),
			// billing-setup never attaches these: whatever they grant is beyond the plan.
			...live.customer.map(reference =>
				difference(this.id, 'remove', `detach the customer managed policy ${reference} (attached outside billing-setup)`, {widening: true, foreign: true}),
			),
		];
	},
	async apply(live, context, record) {
		const arn = live.permissionSetArn ?? arnOf(await context.permissionSet(), 'policies');
		const {sso, instance, plan} = context;
		if (!live.managed.includes(plan.managedPolicyArn)) {
			await sso.attachManagedPolicy(instance.instanceArn, arn, plan.managedPolicyArn);
			record(ssoActions.attach, plan.managedPolicyArn, arn);
		}
		for (const policy of live.managed.filter(policy => policy !== plan.managedPolicyArn)) {
			await sso.detachManagedPolicy(instance.instanceArn, arn, policy);
			record(ssoActions.detach, policy, arn);
		}
		for (const reference of live.customer) {
			await sso.detachCustomerManagedPolicy(instance.instanceArn, arn, reference);
			record(ssoActions.detachCustomer, reference, arn);
		}
	},
	async undo(live, {sso, instance}, record) {
		if (!live.permissionSetArn) return;
		for (const policy of live.managed) {
			await sso.detachManagedPolicy(instance.instanceArn, live.permissionSetArn, policy);
			record(ssoActions.detach, policy, live.permissionSetArn);
		}
		for (const reference of live.customer) {
			await sso.detachCustomerManagedPolicy(instance.instanceArn, live.permissionSetArn, reference);
			record(ssoActions.detachCustomer, reference, live.permissionSetArn);
		}
	},
	describe: plan => [
		shellCommand('aws sso-admin attach-managed-policy-to-permission-set', [
			'--instance-arn "$INSTANCE_ARN"',
			'--permission-set-arn "$PERMISSION_SET_ARN"',
			`--managed-policy-arn ${plan.managedPolicyArn}`,
		]),
	],
};
