/** The role's inline policies: exactly the plan's (the Cost Explorer add-on when chosen), with the plan's content. */
import {samePolicy} from '../core/policy.js';
import {policyArgument, shellCommand, shellQuote, type Difference, type Reconciler} from './model.js';

interface LiveInline {
	roleName?: string;
	/** Inline policy names on the role. */
	names: string[];
	/** Documents of the names the plan also has, read to compare content. */
	documents: Record<string, unknown>;
}

export const inlinePoliciesReconciler: Reconciler<LiveInline> = {
	id: 'inline-policies',
	async read(context) {
		const role = await context.role();
		if (!role) return {names: [], documents: {}};
		const documents: Record<string, unknown> = {};
		for (const name of role.inline.filter(name => name in context.plan.inlinePolicies)) {
			documents[name] = await context.iam.getInlinePolicy(role.name, name);
		}
		return {roleName: role.name, names: role.inline, documents};
	},
	diff(live, {plan, madeByUs}) {
		const differences: Difference[] = [];
		for (const [name, document] of Object.entries(plan.inlinePolicies)) {
			if (!live.names.includes(name)) {
				differences.push({resource: this.id, kind: 'add', summary: `add the inline policy ${name}`, widening: false, foreign: false});
			} else if (!samePolicy(live.documents[name], document)) {
				differences.push({
					resource: this.id,
					kind: 'change',
					summary: `rewrite the inline policy ${name}: it was edited outside billing-setup`,
					// Content edited by hand may allow anything; the plan's is the known one.
					widening: true,
					foreign: true,
				});
			}
		}
		for (const name of live.names.filter(name => !(name in plan.inlinePolicies))) {
			const foreign = !madeByUs('iam:PutRolePolicy', `${plan.roleArn}/${name}`);
			differences.push({
				resource: this.id,
				kind: 'remove',
				summary: `delete the inline policy ${name}${foreign ? ' (added outside billing-setup)' : ''}`,
				widening: true,
				foreign,
			});
		}
		return differences;
	},
	async apply(live, {iam, plan}, record) {
		for (const [name, document] of Object.entries(plan.inlinePolicies)) {
			if (live.names.includes(name) && samePolicy(live.documents[name], document)) continue;
			await iam.putInlinePolicy(plan.roleName, name, document);
			record('iam:PutRolePolicy', `${plan.roleArn}/${name}`);
		}
		for (const name of live.names.filter(name => !(name in plan.inlinePolicies))) {
			await iam.deleteInlinePolicy(plan.roleName, name);
			record('iam:DeleteRolePolicy', `${plan.roleArn}/${name}`);
		}
	},
	async undo(live, {iam, plan}, record) {
		for (const name of live.names) {
			await iam.deleteInlinePolicy(live.roleName!, name);
			record('iam:DeleteRolePolicy', `${plan.roleArn}/${name}`);
		}
	},
	describe: plan =>
		Object.entries(plan.inlinePolicies).map(([name, document]) =>
			shellCommand('aws iam put-role-policy', [`--role-name ${shellQuote(plan.roleName)}`, `--policy-name ${name}`, `--policy-document ${policyArgument(document)}`]),
		),
};
