/** What the reconcilers need from IAM, as plain data: the SDK-backed port lives in aws/iam-port.ts. */
import type {PolicyDocument} from '../core/plan.js';

/** A role as IAM has it: GetRole plus the names of what is attached and inline. */
export interface LiveRole {
	name: string;
	path: string;
	arn: string;
	trustPolicy: unknown;
	maxSessionSeconds: number;
	description: string;
	tags: Record<string, string>;
	permissionsBoundary?: string;
	/** Managed policy ARNs. */
	attached: string[];
	/** Inline policy names; their documents are read only where a reconciler needs them. */
	inline: string[];
}

export interface NewRole {
	name: string;
	path: string;
	trustPolicy: PolicyDocument;
	description: string;
	maxSessionSeconds: number;
	tags: Array<{Key: string; Value: string}>;
	permissionsBoundary?: string;
}

export interface IamPort {
	/** Undefined when there is no role of that name. */
	readRole(roleName: string): Promise<LiveRole | undefined>;
	getInlinePolicy(roleName: string, policyName: string): Promise<unknown>;
	listInstanceProfiles(roleName: string): Promise<string[]>;
	/** Whether an IAM user or role exists; undefined when the caller may not look. */
	principalExists(arn: string): Promise<boolean | undefined>;
	createRole(role: NewRole): Promise<void>;
	updateTrust(roleName: string, document: PolicyDocument): Promise<void>;
	updateRole(roleName: string, changes: {maxSessionSeconds: number; description: string}): Promise<void>;
	putPermissionsBoundary(roleName: string, policyArn: string): Promise<void>;
	deletePermissionsBoundary(roleName: string): Promise<void>;
	tagRole(roleName: string, tags: Array<{Key: string; Value: string}>): Promise<void>;
	attachPolicy(roleName: string, policyArn: string): Promise<void>;
	detachPolicy(roleName: string, policyArn: string): Promise<void>;
	putInlinePolicy(roleName: string, policyName: string, document: PolicyDocument): Promise<void>;
	deleteInlinePolicy(roleName: string, policyName: string): Promise<void>;
	deleteRole(roleName: string): Promise<void>;
}
