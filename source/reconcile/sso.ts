/** What the permission-set reconcilers need from IAM Identity Center, as plain data: the SDK-backed port is aws/sso-port.ts. */
import type {PolicyDocument} from '../core/plan.js';
import type {Assignee} from '../core/settings.js';

/** The account's Identity Center instance, in the region the port talks to. */
export interface IdentityCenterInstance {
	instanceArn: string;
	identityStoreId: string;
}

/** A permission set as Identity Center has it: DescribePermissionSet, its tags, policies and inline document. */
export interface LivePermissionSet {
	arn: string;
	name: string;
	description: string;
	/** ISO-8601, `PT1H`. */
	sessionDuration: string;
	tags: Record<string, string>;
	/** AWS managed policy ARNs. */
	managedPolicies: string[];
	/** Customer managed policy references, as `/path/Name`: they grant whatever those policies in the account say. */
	customerManagedPolicies: string[];
	/** The one inline policy, parsed; undefined when there is none. */
	inlinePolicy?: unknown;
}

/** A permission set as it is right after CreatePermissionSet: its own fields and tags, no policies yet. */
export function newPermissionSet(
	arn: string,
	{name, description, sessionDuration, tags}: {name: string; description: string; sessionDuration: string; tags: Array<{Key: string; Value: string}>},
): LivePermissionSet {
	return {arn, name, description, sessionDuration, tags: Object.fromEntries(tags.map(tag => [tag.Key, tag.Value])), managedPolicies: [], customerManagedPolicies: []};
}

export interface LiveAssignment {
	principalType: Assignee['type'];
	principalId: string;
}

/** Identity Center answers writes that reach accounts with a request to poll. */
export interface RequestStatus {
	requestId: string;
	status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
	failureReason?: string;
}

/** Which kind of request a status belongs to: each has its own Describe…Status call. */
export type RequestKind = 'provisioning' | 'assignment-creation' | 'assignment-deletion';

export interface AssignmentTarget extends LiveAssignment {
	accountId: string;
	permissionSetArn: string;
}

export interface SsoPort {
	/** The region the instance is looked up in: Identity Center lives in one region. */
	readonly region: string;
	/** Undefined when this region has no Identity Center instance (or the caller may not list them). */
	instance(): Promise<IdentityCenterInstance | undefined>;
	/** The permission set of that name, read whole; undefined when there is none. */
	findPermissionSet(instanceArn: string, name: string): Promise<LivePermissionSet | undefined>;
	/** The permission set with that ARN, read whole; undefined when it is gone. */
	readPermissionSet(instanceArn: string, permissionSetArn: string): Promise<LivePermissionSet | undefined>;
	/** Groups (by display name), then users (by user name), of the identity store: at most `limit` of them. */
	listPeople(identityStoreId: string, limit: number): Promise<Assignee[]>;
	/** The identity store id of a user (by user name) or group (by display name); undefined when there is none. */
	principalId(identityStoreId: string, assignee: Assignee): Promise<string | undefined>;
	/** The user name or group display name of an identity store id, as people know it; undefined when it is gone. */
	principalName(identityStoreId: string, assignment: LiveAssignment): Promise<string | undefined>;
	listAssignments(instanceArn: string, accountId: string, permissionSetArn: string): Promise<LiveAssignment[]>;
	/** Returns the new permission set's ARN. */
	createPermissionSet(
		instanceArn: string,
		permissionSet: {name: string; description: string; sessionDuration: string; tags: Array<{Key: string; Value: string}>},
	): Promise<string>;
	updatePermissionSet(instanceArn: string, permissionSetArn: string, changes: {description: string; sessionDuration: string}): Promise<void>;
	tagPermissionSet(instanceArn: string, permissionSetArn: string, tags: Array<{Key: string; Value: string}>): Promise<void>;
	attachManagedPolicy(instanceArn: string, permissionSetArn: string, policyArn: string): Promise<void>;
	detachManagedPolicy(instanceArn: string, permissionSetArn: string, policyArn: string): Promise<void>;
	/** `reference` as `/path/Name`. */
	detachCustomerManagedPolicy(instanceArn: string, permissionSetArn: string, reference: string): Promise<void>;
	putInlinePolicy(instanceArn: string, permissionSetArn: string, document: PolicyDocument): Promise<void>;
	deleteInlinePolicy(instanceArn: string, permissionSetArn: string): Promise<void>;
	createAssignment(instanceArn: string, target: AssignmentTarget): Promise<RequestStatus>;
	deleteAssignment(instanceArn: string, target: AssignmentTarget): Promise<RequestStatus>;
	/** Pushes the permission set's current definition to the account, where its IAM role lives. */
	provision(instanceArn: string, permissionSetArn: string, accountId: string): Promise<RequestStatus>;
	requestStatus(instanceArn: string, kind: RequestKind, requestId: string): Promise<RequestStatus>;
	deletePermissionSet(instanceArn: string, permissionSetArn: string): Promise<void>;
}
