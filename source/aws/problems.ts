/** Turns SDK and system errors into a Problem a person can act on. */
import {principalKindLabel, type Identity} from '../core/principal.js';
import {ProblemError, type Problem} from '../core/problem.js';

interface AwsErrorShape {
	name?: string;
	code?: string;
	message?: string;
	action?: string;
	cause?: unknown;
	$metadata?: {httpStatusCode?: number};
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);

export interface ProblemContext {
	identity?: Identity;
	profile?: string;
}

/** Whether an SDK error has this AWS error code; the query protocol names it either way, with or without "Exception". */
export function isAwsError(error: unknown, code: string): boolean {
	const name = (error as {name?: unknown})?.name;
	return name === code || name === `${code}Exception`;
}

/** AWS messages often lack a final full stop; text composed after them needs one. */
export function sentence(text: string): string {
	return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

export function describeAwsError(error: unknown, {identity, profile}: ProblemContext): Problem {
	if (error instanceof ProblemError) return error.problem;
	const shape = (error ?? {}) as AwsErrorShape;
	const name = shape.name ?? '';
	const message = shape.message ?? String(error);
	const action = shape.action ?? 'the AWS call';
	const loginHint = profile ? `aws sso login --profile ${profile}` : 'aws sso login';

	if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
		if (/sso/i.test(message)) {
			return {
				title: 'Your AWS SSO session has expired or was never started.',
				why: message,
				next: `Run \`${loginHint}\`, then run billing-setup again.`,
			};
		}
		if (profile) {
			return {
				title: `The AWS profile “${profile}” gave no usable credentials.`,
				why: `${sentence(message)} The profile is missing from ~/.aws/config and ~/.aws/credentials, or has no keys, SSO or role settings.`,
				next: `Check it with \`aws configure list --profile ${profile}\` (or run \`aws configure --profile ${profile}\`), then run billing-setup again.`,
			};
		}
		return {
			title: 'No AWS credentials were found.',
			why: 'billing-setup uses the same credentials as the AWS CLI: environment variables, ~/.aws profiles, SSO or CloudShell.',
			next: 'Run `aws configure` (or `aws sso login`), or pass --profile NAME, then run billing-setup again.',
		};
	}
	if (/sso.*(expired|refresh)|token.*(expired|refresh).*sso/i.test(message)) {
		return {title: 'Your AWS SSO session has expired.', why: message, next: `Run \`${loginHint}\`, then run billing-setup again.`};
	}
	if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || name === 'RequestExpired') {
		return {
			title: 'Your AWS credentials have expired.',
			why: message,
			next: 'Get fresh credentials (e.g. `aws sso login`, or renew your session token), then run billing-setup again.',
		};
	}
	if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch' || name === 'UnrecognizedClientException') {
		return {
			title: 'AWS did not accept these credentials.',
			why: `${sentence(message)} The access key is unknown, deleted or mistyped.`,
			next: 'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile in ~/.aws/credentials, then run billing-setup again.',
		};
	}
	if (isAwsError(error, 'AccessDenied') || shape.$metadata?.httpStatusCode === 403) {
		const who = identity ? `${identity.arn} (${principalKindLabel[identity.kind]})` : 'The caller';
		return {
			title: `${who} is not allowed to call ${action}.`,
			why: message,
			next: `Grant ${action} to this identity (for example attach IAMFullAccess while setting up), or run billing-setup as an administrator.`,
		};
	}
	const code = shape.code ?? (shape.cause as AwsErrorShape | undefined)?.code;
	if ((code && networkCodes.has(code)) || name === 'TimeoutError' || /socket hang up|ECONN|ENOTFOUND/i.test(message)) {
		return {
			title: 'AWS could not be reached.',
			why: `${action} failed: ${message}`,
			next: 'Check your network connection or proxy (HTTPS_PROXY), then run billing-setup again.',
		};
	}
	return {
		title: `AWS answered ${action} with an error.`,
		why: name && name !== 'Error' ? `${name}: ${message}` : message,
		next: 'Run billing-setup again to retry. If it persists, check the AWS Health Dashboard.',
	};
}
