/**
 * What the StackSet reconcilers need from CloudFormation and Organizations, as plain data: the SDK-backed ports are
 * aws/stackset-port.ts and aws/organization-units.ts.
 */
import type {OrganizationAccount} from '../core/account.js';
import type {DeploymentTargets} from '../core/stackset.js';

export interface AutoDeployment {
	enabled: boolean;
	retainStacksOnAccountRemoval: boolean;
}

/** DescribeStackSet's answer. */
export interface LiveStackSet {
	name: string;
	id: string;
	templateBody: string;
	parameters: Record<string, string>;
	tags: Record<string, string>;
	/** SERVICE_MANAGED or SELF_MANAGED. */
	permissionModel: string;
	/** Absent from a self-managed StackSet. */
	autoDeployment?: AutoDeployment;
	/** The OUs (or root) its instances were created for. */
	organizationalUnitIds: string[];
}

/** ListStackInstances' summary of one. */
export interface LiveStackInstance {
	account: string;
	region: string;
	/** The OU (or root) of the deployment targets it was made for (service-managed StackSets name one for each). */
	organizationalUnitId: string;
	/** CURRENT, OUTDATED or INOPERABLE. */
	status: string;
	/** SUCCEEDED, FAILED, PENDING, RUNNING, CANCELLED, INOPERABLE… */
	detailedStatus?: string;
	statusReason?: string;
}

/** What a create or update of the StackSet sends. */
export interface StackSetDefinition {
	name: string;
	templateBody: string;
	tags: Array<{Key: string; Value: string}>;
}

export type OperationStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'STOPPING' | 'STOPPED';

/** DescribeStackSetOperation's answer. */
export interface LiveOperation {
	operationId: string;
	/** CREATE, UPDATE, DELETE, DETECT_DRIFT. */
	action: string;
	status: OperationStatus;
	statusReason?: string;
}

/** One account's line of ListStackSetOperationResults. */
export interface AccountResult {
	account: string;
	region: string;
	/** PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED. */
	status: string;
	statusReason?: string;
}

export interface StackSetPort {
	readonly region: string;
	/** Undefined when there is none of that name (or it was deleted). */
	describeStackSet(name: string): Promise<LiveStackSet | undefined>;
	listInstances(name: string): Promise<LiveStackInstance[]>;
	/** Service-managed, automatic deployment on, stacks removed with their account; returns its id. */
	createStackSet(definition: StackSetDefinition): Promise<string>;
	/** The same settings, pushed to every instance; returns the operation id. */
	updateStackSet(definition: StackSetDefinition): Promise<string>;
	/** Each returns the operation id. */
	createInstances(name: string, targets: DeploymentTargets, regions: string[]): Promise<string>;
	updateInstances(name: string, targets: DeploymentTargets, regions: string[]): Promise<string>;
	deleteInstances(name: string, targets: DeploymentTargets, regions: string[]): Promise<string>;
	describeOperation(name: string, operationId: string): Promise<LiveOperation>;
	/** Every page. */
	operationResults(name: string, operationId: string): Promise<AccountResult[]>;
	/** The operation of this StackSet that is queued or running, if one is. */
	activeOperation(name: string): Promise<string | undefined>;
	deleteStackSet(name: string): Promise<void>;
}

/** The Organizations reads that turn a scope into OU targets. */
export interface OrganizationTree {
	/** Every account of the organization. */
	accounts(): Promise<OrganizationAccount[]>;
	rootId(): Promise<string>;
	/** The OU (or root) the account sits in directly. */
	parentOf(accountId: string): Promise<string>;
	/** Every account beneath the OU (or root), in its child OUs too. */
	accountsUnder(unitId: string): Promise<string[]>;
}
