/** The permission set itself: session duration, description and tags. */
import type {PermissionSetPlan} from '../core/identity-center.js';
import {managedByTag, setupIdTagKey} from '../core/plan.js';
import {difference, shellCommand, shellQuote, type Difference, type Reconciler} from './model.js';
import {ssoActions, type SsoContext} from './permission-set-context.js';
import type {LivePermissionSet} from './sso.js';

export function diffPermissionSet(live: LivePermissionSet | undefined, plan: PermissionSetPlan): Difference[] {
	const resource = 'permission-set';
	if (!live) return [difference(resource, 'add', `create the permission set ${plan.name}`)];
	const differences: Difference[] = [];
	if (live.sessionDuration !== plan.sessionDuration) {
		differences.push(
			difference(resource, 'change', `change the session duration: ${live.sessionDuration} → ${plan.sessionDuration}`, {
				widening: durationSeconds(live.sessionDuration) > durationSeconds(plan.sessionDuration),
			}),
		);
	}
	if (live.description !== plan.description) differences.push(difference(resource, 'change', `set the description to “${plan.description}”`));
	if (live.tags[managedByTag.Key] !== managedByTag.Value) differences.push(difference(resource, 'add', `tag it ${managedByTag.Key}=${managedByTag.Value}`));
	if (live.tags[setupIdTagKey] !== plan.setupId) {
		differences.push(difference(resource, 'change', `tag it as this setup's (${setupIdTagKey}=${plan.setupId})`, {adoption: true}));
	}
	return differences;
}

/** `PT1H30M` → 5400; what no ISO-8601 reading gives counts as longer than any plan. */
function durationSeconds(duration: string): number {
	const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
	if (!match) return Number.POSITIVE_INFINITY;
	const [, hours = '0', minutes = '0', seconds = '0'] = match;
	return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

export const permissionSetReconciler: Reconciler<LivePermissionSet | undefined, SsoContext, PermissionSetPlan> = {
	id: 'permission-set',
	read: context => context.permissionSet(),
	diff: (live, {plan}) => diffPermissionSet(live, plan),
	async apply(live, {sso, plan, instance, created}, record) {
		if (!live) {
			const arn = await sso.createPermissionSet(instance.instanceArn, {name: plan.name, description: plan.description, sessionDuration: plan.sessionDuration, tags: plan.tags});
			record(ssoActions.create, arn, arn);
			created(arn);
			return;
		}
		if (live.sessionDuration !== plan.sessionDuration || live.description !== plan.description) {
			await sso.updatePermissionSet(instance.instanceArn, live.arn, {description: plan.description, sessionDuration: plan.sessionDuration});
			record(ssoActions.update, live.arn, live.arn);
		}
		if (plan.tags.some(tag => live.tags[tag.Key] !== tag.Value)) {
			await sso.tagPermissionSet(instance.instanceArn, live.arn, plan.tags);
			record(ssoActions.tag, live.arn, live.arn);
		}
	},
	async undo(live, {sso, instance}, record) {
		if (!live) return;
		await sso.deletePermissionSet(instance.instanceArn, live.arn);
		record(ssoActions.delete, live.arn, live.arn);
	},
	describe: plan => [
		'INSTANCE_ARN=$(aws sso-admin list-instances --query "Instances[0].InstanceArn" --output text)',
		'IDENTITY_STORE_ID=$(aws sso-admin list-instances --query "Instances[0].IdentityStoreId" --output text)',
		`PERMISSION_SET_ARN=$(${shellCommand('aws sso-admin create-permission-set', [
			'--instance-arn "$INSTANCE_ARN"',
			`--name ${shellQuote(plan.name)}`,
			`--description ${shellQuote(plan.description)}`,
			`--session-duration ${plan.sessionDuration}`,
			...plan.tags.map((tag, index) => `${index === 0 ? '--tags ' : ''}Key=${tag.Key},Value=${tag.Value}`),
			'--query PermissionSet.PermissionSetArn --output text',
		])})`,
	],
};
