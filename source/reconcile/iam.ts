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
	/** Inline policy names. */
	inline: string[];
	/** The documents of the inline policies the read asked for (`documents`), where the role has them. */
	documents: Record<string, unknown>;
}

export interface RoleRead {
	/** Inline policies whose content is compared (the plan's); others are only named. */
	documents: string[];
	/**
	 * The local record says the role is there: everything is asked at once, since a role that is there is read whole
	 * anyway. Otherwise GetRole comes first, so a missing role costs one call.
	 */
	expected: boolean;
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
	readRole(roleName: string, read: RoleRead): Promise<LiveRole | undefined>;
	/** None for a role that is not there. */
	listInstanceProfiles(roleName: string): Promise<string[]>;
	/** Whether an IAM user or role exists; undefined when the caller may not look. */
	principalExists(arn: string): Promise<boolean | undefined>;
	/** How many MFA devices IAM lists for the user; undefined when that cannot be read. */
	mfaDeviceCount(userName: string): Promise<number | undefined>;
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
