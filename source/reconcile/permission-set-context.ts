/**
 * What the permission set's reconcilers share (as model.ts is the role's): their context, the record's names for
 * Identity Center's writes, and the polling of its asynchronous requests. Polls are counted, never timed, so a slow
 * answer fails in words, not a hang.
 */
import type {PermissionSetPlan} from '../core/identity-center.js';
import {ProblemError} from '../core/problem.js';
import type {IdentityCenterInstance, LivePermissionSet, RequestKind, RequestStatus, SsoPort} from './sso.js';

/** How long to wait for Identity Center's asynchronous requests: so many polls, so far apart. */
export interface Polling {
	polls: number;
	pauseMs: number;
}

/** Provisioning usually takes seconds; a minute of polls covers a busy organisation. */
export const defaultPolling: Polling = {polls: 60, pauseMs: 1000};

export interface SsoContext {
	sso: SsoPort;
	plan: PermissionSetPlan;
	instance: IdentityCenterInstance;
	/** The permission set as Identity Center has it now, read once per pass. */
	permissionSet(): Promise<LivePermissionSet | undefined>;
	/** The ARN of the permission set this record created last, if it did: most likely the one read. */
	createdArn?: string;
	/** Told by the create, so the parts that follow put themselves on it without reading it again. */
	created(arn: string): void;
	/** Whether the local record holds that write on that permission set. */
	madeByUs(action: string, target: string, permissionSetArn: string): boolean;
	/** The targets of that write the local record holds on that permission set. */
	targetsMade(action: string, permissionSetArn: string): string[];
	polling: Polling;
}

/** Which records name the writes: the SDK's action names, under the service prefix IAM policies use. */
export const ssoActions = {
	create: 'sso:CreatePermissionSet',
	update: 'sso:UpdatePermissionSet',
	tag: 'sso:TagResource',
	attach: 'sso:AttachManagedPolicyToPermissionSet',
	detach: 'sso:DetachManagedPolicyFromPermissionSet',
	detachCustomer: 'sso:DetachCustomerManagedPolicyReferenceFromPermissionSet',
	putInline: 'sso:PutInlinePolicyToPermissionSet',
	deleteInline: 'sso:DeleteInlinePolicyFromPermissionSet',
	assign: 'sso:CreateAccountAssignment',
	unassign: 'sso:DeleteAccountAssignment',
	provision: 'sso:ProvisionPermissionSet',
	delete: 'sso:DeletePermissionSet',
} as const;


const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Polls a request until it ends; fails in words when it failed or did not end within the polls. */
export async function awaitRequest(context: Pick<SsoContext, 'sso' | 'instance' | 'polling'>, kind: RequestKind, first: RequestStatus, what: string): Promise<void> {
	let status = first;
	for (let poll = 0; status.status === 'IN_PROGRESS' && poll < context.polling.polls; poll++) {
		await sleep(context.polling.pauseMs);
		status = await context.sso.requestStatus(context.instance.instanceArn, kind, status.requestId);
	}
	if (status.status === 'SUCCEEDED') return;
	throw new ProblemError(
		status.status === 'FAILED'
			? {title: `Identity Center could not ${what}.`, why: status.failureReason ?? 'It gave no reason.', next: 'Fix what it names, then run billing-setup again: it picks up from what is live.'}
			: {
					title: `Identity Center did not finish ${what} after ${context.polling.polls} checks.`,
					why: `The request ${status.requestId} is still in progress.`,
					next: 'Run billing-setup again in a minute: it reads what is live and goes on from there.',
				},
	);
}

export function arnOf(live: LivePermissionSet | undefined, what: string): string {
	if (!live) throw new Error(`The permission set must exist before its ${what}`);
	return live.arn;
}
