/**
 * Following a StackSet operation to its end: DescribeStackSetOperation for the whole, ListStackSetOperationResults
 * for each account, a counted number of polls with the pause injected (never a wall-clock deadline), and progress
 * per account through a callback. One operation at a time may run on a StackSet: a write refused with
 * OperationInProgressException follows the running one, then tries again, and a run stopped mid-operation picks
 * the saved operation up (resumeOperation) instead of starting another.
 */
import {ProblemError} from '../core/problem.js';
import {isAwsError, sentence} from '../core/aws-error.js';
import type {RecordWrite} from './model.js';
import type {AccountResult, LiveOperation, OperationStatus, StackSetPort} from './cloudformation.js';
import type {SetupRecord} from './role-resources.js';

export interface OperationProgress {
	operationId: string;
	status: OperationStatus;
	/** Each account's line, its reason in words. */
	accounts: AccountResult[];
	succeeded: number;
	failed: number;
}

/** The last progress read, and whether the operation ended within the polls. */
export interface OperationOutcome extends OperationProgress {
	finished: boolean;
}

export interface Following {
	/** How many times the operation is read before giving up on waiting (it goes on in AWS). */
	polls: number;
	/** Between two polls. */
	pause(): Promise<void>;
	onProgress?(progress: OperationProgress): void;
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** A StackSet operation takes seconds to minutes per account: half an hour of polls, ten seconds apart. */
export function defaultFollowing(onProgress?: Following['onProgress']): Following {
	return {polls: 180, pause: () => sleep(10_000), ...(onProgress && {onProgress})};
}

const endedStatuses: OperationStatus[] = ['SUCCEEDED', 'FAILED', 'STOPPED'];

/** The record's action for an operation started: its target is the operation id, on the StackSet's name. */
export const operationAction = 'cloudformation:StackSetOperation';

/**
 * CloudFormation's reasons name resources; the common ones, in words. ResourceStatusReason carries the words of the
 * service that failed (IAM's "Role with name … already exists").
 */
export function reasonInWords(reason: string | undefined): string | undefined {
	if (!reason) return undefined;
	const resource = /ResourceStatusReason:\s*(.*?)(?:\s*\(Service:.*)?$/s.exec(reason)?.[1];
	const words = sentence(resource ?? reason);
	if (/already exists/i.test(words)) return `${words} A role of that name was made there outside this StackSet: remove or rename it there, then run again.`;
	if (/AWSCloudFormationStackSetExecutionRole|trusted access|not authorized to perform/i.test(words)) {
		return `${words} Service-managed StackSets need trusted access with Organizations: aws cloudformation activate-organizations-access.`;
	}
	return words;
}

async function progressOf(port: StackSetPort, stackSetName: string, operation: LiveOperation): Promise<OperationProgress> {
	const accounts = (await port.operationResults(stackSetName, operation.operationId)).map(result => {
		const reason = reasonInWords(result.statusReason);
		return {account: result.account, region: result.region, status: result.status, ...(reason && {statusReason: reason})};
	});
	return {
		operationId: operation.operationId,
		status: operation.status,
		accounts,
		succeeded: accounts.filter(account => account.status === 'SUCCEEDED').length,
		failed: accounts.filter(account => account.status === 'FAILED').length,
	};
}

export async function followOperation(port: StackSetPort, stackSetName: string, operationId: string, following: Following): Promise<OperationOutcome> {
	for (let poll = 1; ; poll++) {
		const progress = await progressOf(port, stackSetName, await port.describeOperation(stackSetName, operationId));
		following.onProgress?.(progress);
		const finished = endedStatuses.includes(progress.status);
		if (finished || poll >= following.polls) return {...progress, finished};
		await following.pause();
	}
}

/** Fails in words unless the operation succeeded: each failed account with its reason, or how to pick it up again. */
export function expectSucceeded(outcome: OperationOutcome, stackSetName: string, what: string): void {
	if (outcome.status === 'SUCCEEDED') return;
	if (!outcome.finished) {
		throw new ProblemError({
			title: `billing-setup stopped waiting on the StackSet ${stackSetName} to ${what}.`,
			why: `Its operation ${outcome.operationId} is still ${outcome.status}: ${outcome.succeeded} accounts done, ${outcome.failed} failed so far.`,
			next: 'Run billing-setup again: it follows the same operation instead of starting another.',
		});
	}
	const failures = outcome.accounts.filter(account => account.status === 'FAILED').map(account => `account ${account.account}: ${account.statusReason ?? 'no reason given'}`);
	throw new ProblemError({
		title: `The StackSet ${stackSetName} could not ${what} (operation ${outcome.operationId} ${outcome.status}).`,
		why: failures.length > 0 ? failures.join('\n') : 'CloudFormation named no account that failed.',
		next: 'Fix what it names in those accounts, then run billing-setup again: it reads what is live and deploys again where it is missing.',
	});
}

/**
 * Starts an operation and follows it to success; the id is recorded as soon as it is known, so a run stopped while
 * it runs resumes it. Refused because another operation runs: that one is followed first, then this is started.
 */
export async function runOperation(
	port: StackSetPort,
	stackSetName: string,
	{start, what, following, record}: {start: () => Promise<string>; what: string; following: Following; record: RecordWrite},
): Promise<void> {
	let operationId: string;
	try {
		operationId = await start();
	} catch (error) {
		if (!isAwsError(error, 'OperationInProgress')) throw error;
		const running = await port.activeOperation(stackSetName);
		if (running) expectSucceeded(await followOperation(port, stackSetName, running, following), stackSetName, 'finish the operation that was running');
		operationId = await start();
	}
	record(operationAction, operationId, stackSetName);
	expectSucceeded(await followOperation(port, stackSetName, operationId, following), stackSetName, what);
}

/** The last operation the record started on this StackSet. */
export function savedOperation(record: SetupRecord, stackSetName: string): string | undefined {
	return record.changes.findLast(change => change.action === operationAction && change.role === stackSetName)?.target;
}

/**
 * Before anything is read for a new pass: the operation a stopped run left running is followed to its end, so the
 * pass compares with what it made. Undefined when there was none, or it had ended.
 */
export async function resumeOperation(port: StackSetPort, stackSetName: string, record: SetupRecord, following: Following): Promise<OperationOutcome | undefined> {
	const operationId = savedOperation(record, stackSetName);
	if (!operationId) return undefined;
	let operation: LiveOperation;
	try {
		operation = await port.describeOperation(stackSetName, operationId);
	} catch (error) {
		// The StackSet or its operation is gone: nothing to pick up.
		if (isAwsError(error, 'StackSetNotFound') || isAwsError(error, 'OperationNotFound')) return undefined;
		throw error;
	}
	if (endedStatuses.includes(operation.status)) return undefined;
	return followOperation(port, stackSetName, operationId, following);
}
