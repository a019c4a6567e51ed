/** The permission set's one inline policy: the Cost Explorer add-on and the guard, when chosen, with the plan's content. */
import type {PermissionSetPlan} from '../core/identity-center.js';
import {costExplorerPolicyName, guardPolicyName} from '../core/plan.js';
import {samePolicy} from '../core/policy.js';
import {difference, policyArgument, shellCommand, type Reconciler} from './model.js';
import {arnOf, ssoActions, type SsoContext} from './permission-set-context.js';

interface LiveInline {
	permissionSetArn?: string;
	document?: unknown;
}

/** The inline policy's record target: a permission set has one, so it is named by the permission set. */
export const inlineTarget = (permissionSetArn: string) => `${permissionSetArn}/inline`;

export const permissionSetInlinePolicyReconciler: Reconciler<LiveInline, SsoContext, PermissionSetPlan> = {
	id: 'permission-set-inline-policy',
	async read(context) {
		const live = await context.permissionSet();
		return {...(live && {permissionSetArn: live.arn}), ...(live?.inlinePolicy !== undefined && {document: live.inlinePolicy})};
	},
	diff(live, {plan, madeByUs}) {
		if (plan.inlinePolicy && live.document === undefined) return [difference(this.id, 'add', `add the inline policy (${inlineParts(plan)})`)];
		if (plan.inlinePolicy && !samePolicy(live.document, plan.inlinePolicy)) {
			// Content edited by hand may allow anything; the plan's is the known one.
			return [difference(this.id, 'change', 'rewrite the inline policy: it was edited outside billing-setup', {widening: true, foreign: true})];
		}
		if (!plan.inlinePolicy && live.document !== undefined) {
			const foreign = !(live.permissionSetArn && madeByUs(ssoActions.putInline, inlineTarget(live.permissionSetArn), live.permissionSetArn));
			return [difference(this.id, 'remove', `delete the inline policy${foreign ? ' (added outside billing-setup)' : ''}`, {widening: true, foreign})];
		}
		return [];
	},
	async apply(live, context, record) {
		const {sso, instance, plan} = context;
		const arn = live.permissionSetArn ?? arnOf(await context.permissionSet(), 'inline policy');
		if (plan.inlinePolicy && !samePolicy(live.document, plan.inlinePolicy)) {
			await sso.putInlinePolicy(instance.instanceArn, arn, plan.inlinePolicy);
			record(ssoActions.putInline, inlineTarget(arn), arn);
		} else if (!plan.inlinePolicy && live.document !== undefined) {
			await sso.deleteInlinePolicy(instance.instanceArn, arn);
			record(ssoActions.deleteInline, inlineTarget(arn), arn);
		}
	},
	async undo(live, {sso, instance}, record) {
		if (!live.permissionSetArn || live.document === undefined) return;
		await sso.deleteInlinePolicy(instance.instanceArn, live.permissionSetArn);
		record(ssoActions.deleteInline, inlineTarget(live.permissionSetArn), live.permissionSetArn);
	},
	describe: plan =>
		plan.inlinePolicy
			? [
					shellCommand('aws sso-admin put-inline-policy-to-permission-set', [
						'--instance-arn "$INSTANCE_ARN"',
						'--permission-set-arn "$PERMISSION_SET_ARN"',
						`--inline-policy ${policyArgument(plan.inlinePolicy)}`,
					]),
				]
			: [],
};

/** "the Cost Explorer add-on and the guard", from the statements' names. */
function inlineParts(plan: PermissionSetPlan): string {
	const sids = (plan.inlinePolicy?.Statement ?? []).map(statement => String(statement.Sid));
	return [
		...(sids.some(sid => sid.startsWith(costExplorerPolicyName)) ? ['the Cost Explorer add-on'] : []),
		...(sids.some(sid => sid.startsWith(guardPolicyName)) ? ['the guard'] : []),
	].join(' and ');
}
