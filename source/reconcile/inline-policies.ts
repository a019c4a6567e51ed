/** The role's inline policies: exactly the plan's (the Cost Explorer add-on when chosen), with the plan's content. */
import {allSettledOrThrow} from '../core/concurrency.js';
import {samePolicy} from '../core/policy.js';
import {policyArgument, shellCommand, shellQuote, type Difference, type ReconcileContext, type Reconciler, type RecordWrite} from './model.js';

interface LiveInline {
	roleName?: string;
	/** Inline policy names on the role. */
	names: string[];
	/** Documents of the names the plan also has, read with the role to compare content. */
	documents: Record<string, unknown>;
}

function deleteEach(names: string[], roleName: string, {iam, plan}: Pick<ReconcileContext, 'iam' | 'plan'>, record: RecordWrite): Array<Promise<void>> {
	return names.map(async name => {
		await iam.deleteInlinePolicy(roleName, name);
		record('iam:DeleteRolePolicy', `${plan.roleArn}/${name}`);
	});
}

export const inlinePoliciesReconciler: Reconciler<LiveInline> = {
	id: 'inline-policies',
	async read(context) {
		const role = await context.role();
		return role ? {roleName: role.name, names: role.inline, documents: role.documents} : {names: [], documents: {}};
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
	// Each policy is its own write, independent of the others: they go together.
	async apply(live, {iam, plan}, record) {
		const put = Object.entries(plan.inlinePolicies).filter(([name, document]) => !(live.names.includes(name) && samePolicy(live.documents[name], document)));
		await allSettledOrThrow([
			...put.map(async ([name, document]) => {
				await iam.putInlinePolicy(plan.roleName, name, document);
				record('iam:PutRolePolicy', `${plan.roleArn}/${name}`);
			}),
			...deleteEach(live.names.filter(name => !(name in plan.inlinePolicies)), plan.roleName, {iam, plan}, record),
		]);
	},
	undo: async (live, context, record) => void (await allSettledOrThrow(deleteEach(live.names, live.roleName!, context, record))),
	describe: plan =>
		Object.entries(plan.inlinePolicies).map(([name, document]) =>
			shellCommand('aws iam put-role-policy', [`--role-name ${shellQuote(plan.roleName)}`, `--policy-name ${name}`, `--policy-document ${policyArgument(document)}`]),
		),
};
