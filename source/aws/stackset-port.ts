/**
 * The StackSetPort on the AWS SDK's CloudFormation client: a service-managed StackSet, its instances and its
 * operations, every list through its paginator. Loaded only where StackSets are used (with a dynamic import), like
 * every client past STS and IAM.
 */
import {
	CloudFormationClient,
	CreateStackInstancesCommand,
	CreateStackSetCommand,
	DeleteStackInstancesCommand,
	DeleteStackSetCommand,
	DescribeStackSetCommand,
	DescribeOrganizationsAccessCommand,
	DescribeStackSetOperationCommand,
	paginateListStackInstances,
	paginateListStackSetOperationResults,
	paginateListStackSetOperations,
	UpdateStackInstancesCommand,
	UpdateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import {deploymentTargetsInput, type DeploymentTargets} from '../core/stackset.js';
import type {LiveStackInstance, OperationStatus, StackSetDefinition, StackSetPort} from '../reconcile/cloudformation.js';
import {requestHandler} from './http.js';
import {unlessMissing} from './problems.js';
import {nameFailedActions, type ClientOptions} from './sts.js';

export function createCloudFormationClient({profile}: ClientOptions, region: string): CloudFormationClient {
	const client = new CloudFormationClient({...(profile && {profile}), region, requestHandler});
	nameFailedActions(client, 'cloudformation');
	return client;
}

/** What create and update send alike: the template names IAM resources, so it needs CAPABILITY_NAMED_IAM. */
function settingsOf({name, templateBody, tags}: StackSetDefinition) {
	return {
		StackSetName: name,
		TemplateBody: templateBody,
		Tags: tags,
		Capabilities: ['CAPABILITY_NAMED_IAM' as const],
		PermissionModel: 'SERVICE_MANAGED' as const,
		// Accounts that join a targeted OU get the role; accounts that leave lose it.
		AutoDeployment: {Enabled: true, RetainStacksOnAccountRemoval: false},
	};
}

/**
 * Whether CloudFormation has trusted access with Organizations, which service-managed StackSets need: ENABLED,
 * DISABLED or PENDING (activation under way).
 */
export async function organizationsAccess(client: CloudFormationClient): Promise<string> {
	return (await client.send(new DescribeOrganizationsAccessCommand({}))).Status ?? 'DISABLED';
}

function operationIdOf(answer: {OperationId?: string | undefined}, call: string): string {
	if (!answer.OperationId) throw new Error(`${call} answered without an operation id`);
	return answer.OperationId;
}

export function stackSetPort(client: CloudFormationClient, region: string): StackSetPort {
	const pages = {client};
	const instancesInput = (name: string, targets: DeploymentTargets, regions: string[]) => ({StackSetName: name, DeploymentTargets: deploymentTargetsInput(targets), Regions: regions});
	return {
		region,
		async describeStackSet(name) {
			const stackSet = (await unlessMissing(client.send(new DescribeStackSetCommand({StackSetName: name})), 'StackSetNotFound'))?.StackSet;
			// A deleted StackSet keeps answering for a while, as DELETED.
			if (!stackSet || stackSet.Status === 'DELETED') return undefined;
			return {
				name: stackSet.StackSetName ?? name,
				id: stackSet.StackSetId ?? '',
				templateBody: stackSet.TemplateBody ?? '',
				parameters: Object.fromEntries((stackSet.Parameters ?? []).map(parameter => [parameter.ParameterKey ?? '', parameter.ParameterValue ?? ''])),
				tags: Object.fromEntries((stackSet.Tags ?? []).map(tag => [tag.Key, tag.Value])),
				permissionModel: stackSet.PermissionModel ?? 'SELF_MANAGED',
				...(stackSet.AutoDeployment && {
					autoDeployment: {enabled: stackSet.AutoDeployment.Enabled ?? false, retainStacksOnAccountRemoval: stackSet.AutoDeployment.RetainStacksOnAccountRemoval ?? false},
				}),
				organizationalUnitIds: stackSet.OrganizationalUnitIds ?? [],
			};
		},
		async listInstances(name) {
			const instances: LiveStackInstance[] = [];
			for await (const page of paginateListStackInstances(pages, {StackSetName: name})) {
				for (const summary of page.Summaries ?? []) {
					instances.push({
						account: summary.Account ?? '',
						region: summary.Region ?? '',
						organizationalUnitId: summary.OrganizationalUnitId ?? '',
						status: summary.Status ?? 'OUTDATED',
						...(summary.StackInstanceStatus?.DetailedStatus && {detailedStatus: summary.StackInstanceStatus.DetailedStatus}),
						...(summary.StatusReason && {statusReason: summary.StatusReason}),
					});
				}
			}
			return instances;
		},
		async createStackSet(definition) {
			const answer = await client.send(new CreateStackSetCommand(settingsOf(definition)));
			if (!answer.StackSetId) throw new Error('CreateStackSet answered without the StackSet id');
			return answer.StackSetId;
		},
		async updateStackSet(definition) {
			return operationIdOf(await client.send(new UpdateStackSetCommand(settingsOf(definition))), 'UpdateStackSet');
		},
		async createInstances(name, targets, regions) {
			return operationIdOf(await client.send(new CreateStackInstancesCommand(instancesInput(name, targets, regions))), 'CreateStackInstances');
		},
		async updateInstances(name, targets, regions) {
			return operationIdOf(await client.send(new UpdateStackInstancesCommand(instancesInput(name, targets, regions))), 'UpdateStackInstances');
		},
		async deleteInstances(name, targets, regions) {
			// The role goes with its stack: a retained stack would leave a role no StackSet owns.
			return operationIdOf(await client.send(new DeleteStackInstancesCommand({...instancesInput(name, targets, regions), RetainStacks: false})), 'DeleteStackInstances');
		},
		async describeOperation(name, operationId) {
			const operation = (await client.send(new DescribeStackSetOperationCommand({StackSetName: name, OperationId: operationId}))).StackSetOperation;
			return {
				operationId,
				action: operation?.Action ?? 'UNKNOWN',
				status: (operation?.Status as OperationStatus | undefined) ?? 'RUNNING',
				...(operation?.StatusReason && {statusReason: operation.StatusReason}),
			};
		},
		async operationResults(name, operationId) {
			const results = [];
			for await (const page of paginateListStackSetOperationResults(pages, {StackSetName: name, OperationId: operationId})) {
				for (const summary of page.Summaries ?? []) {
					results.push({
						account: summary.Account ?? '',
						region: summary.Region ?? '',
						status: summary.Status ?? 'PENDING',
						...(summary.StatusReason && {statusReason: summary.StatusReason}),
					});
				}
			}
			return results;
		},
		async activeOperation(name) {
			for await (const page of paginateListStackSetOperations(pages, {StackSetName: name})) {
				const active = (page.Summaries ?? []).find(summary => summary.Status === 'RUNNING' || summary.Status === 'QUEUED' || summary.Status === 'STOPPING');
				if (active?.OperationId) return active.OperationId;
			}
			return undefined;
		},
		async deleteStackSet(name) {
			await client.send(new DeleteStackSetCommand({StackSetName: name}));
		},
	};
}
