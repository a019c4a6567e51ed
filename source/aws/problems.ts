/** Turns SDK and system errors into a Problem a person can act on. */
import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {isAwsError, sentence} from '../core/aws-error.js';
import {denialReason, type DenialReason} from '../core/diagnosis.js';

export {isAwsError, sentence};
import {principalKindLabel, type Identity} from '../core/principal.js';
import {ProblemError, type Problem} from '../core/problem.js';
import {shellQuote} from '../core/text.js';
import {awsTimeoutSeconds, bodyTimeoutMessage, endpointOverrides} from './http.js';

interface AwsErrorShape {
	name?: string;
	code?: string;
	message?: string;
	action?: string;
	/** Where the request went, set by the clients' middleware (sts.ts). */
	endpoint?: string;
	cause?: unknown;
	$metadata?: {httpStatusCode?: number; requestId?: string; attempts?: number};
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);

// Node's codes for a certificate it cannot trust: what a TLS-inspecting proxy or a wrong endpoint produces.
const untrustedCertificateCodes = new Set([
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_UNTRUSTED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface ProblemContext {
	identity?: Identity;
	profile?: string;
}


/** The answer, or undefined when AWS says the thing read is not there (`code`: NoSuchEntity, ResourceNotFound). */
export async function unlessMissing<T>(read: Promise<T>, code: string): Promise<T | undefined> {
	try {
		return await read;
	} catch (error) {
		if (isAwsError(error, code)) return undefined;
		throw error;
	}
}


/** "iam:GetRole failed (AccessDenied: …)": a failed call in one clause, for answers that go on without it. `action`: when the error names none. */
export function failedCall(error: unknown, action = 'the AWS call'): string {
	const {name = 'Error', message = '', action: named = action, $metadata: metadata} = error as AwsErrorShape;
	// A server error's body is often a web page, not a message worth repeating.
	const status = metadata?.httpStatusCode ?? 0;
	return status >= 500 ? `${named} failed (HTTP ${status})` : `${named} failed (${name}: ${sentence(message || 'no message')})`;
}

/** The advice that can help with each kind of denial AWS's AccessDenied text names. */
interface Denial {
	why: (who: string) => string;
	next: (action: string) => string;
}

const denials: Partial<Record<DenialReason, Denial>> = {
	'service-control-policy': {
		why: () => 'A service control policy (SCP) of your AWS Organization forbids it for every identity in this account, administrators and root included.',
		next: action =>
			`Ask your organization's administrator (AWS Organizations, in the management account) to allow ${action} for this account. Running as an administrator here does not help.`,
	},
	'permissions-boundary': {
		why: who => `A permissions boundary on ${who} caps what it may do, whatever its own policies allow.`,
		next: action =>
			`Ask whoever manages IAM in this account to allow ${action} in this identity's permissions boundary, or run billing-setup as an identity without that boundary.`,
	},
	'session-policy': {
		why: () => 'These credentials come from a session that was started with a session policy, which narrows what the session may do.',
		next: action =>
			`Start a session whose policy allows ${action} (assume the role again without --policy, or choose a broader permission set), then run billing-setup again.`,
	},
	'identity-deny': {
		why: () => 'A policy attached to this identity (or its group) denies it outright; a Deny wins over every Allow, so attaching more permissions does not help.',
		next: action =>
			`Ask whoever manages IAM in this account to narrow the Deny statement for ${action}, or run billing-setup as an identity it does not apply to.`,
	},
};

function denialOf(message: string): Denial | undefined {
	const reason = denialReason(message);
	return reason && denials[reason];
}

const grantNext = (action: string) =>
	`Grant ${action} to this identity (for example attach IAMFullAccess while setting up), or run billing-setup as an administrator.`;

function accessDenied(message: string, action: string, identity?: Identity): Problem {
	const who = identity ? `${identity.arn} (${principalKindLabel[identity.kind]})` : 'The caller';
	const denial = denialOf(message);
	return {
		title: `${who} is not allowed to call ${action}.`,
		why: denial ? `${sentence(message)} ${denial.why(identity?.arn ?? 'this identity')}` : message,
		next: denial ? denial.next(action) : grantNext(action),
	};
}

/**
 * The problem of an AccessDenied whose text names a Deny (a service control policy, a permissions boundary, a session
 * policy, a Deny statement), which no wait lifts: the advice diagnose gives. Undefined for any other error.
 */
export function explicitDenial(error: unknown, action: string, identity?: Identity): Problem | undefined {
	const message = (error as AwsErrorShape | undefined)?.message ?? '';
	return isAwsError(error, 'AccessDenied') && denialOf(message) ? accessDenied(message, action, identity) : undefined;
}

type ProfileSource = {kind: 'missing'} | {kind: 'process'; command: string} | {kind: 'other'};

/** What the shared config files say about a profile; the SDK only reports "Could not load credentials from any providers". */
function profileSource(profile: string, env: NodeJS.ProcessEnv = process.env): ProfileSource {
	const files = [
		{file: env.AWS_CONFIG_FILE ?? path.join(homedir(), '.aws', 'config'), header: profile === 'default' ? 'default' : `profile ${profile}`},
		{file: env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(homedir(), '.aws', 'credentials'), header: profile},
	];
	let found = false;
	for (const {file, header} of files) {
		let text: string;
		try {
			text = readFileSync(file, 'utf8');
		} catch {
			continue;
		}
		let inside = false;
		for (const line of text.split(/\r?\n/)) {
			const section = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
			if (section) {
				inside = section[1] === header;
				found ||= inside;
				continue;
			}
			const setting = /^\s*credential_process\s*=\s*(.+?)\s*$/.exec(line);
			if (inside && setting) return {kind: 'process', command: setting[1]!};
		}
	}
	return found ? {kind: 'other'} : {kind: 'missing'};
}

function credentialsProblem(message: string, profile: string | undefined, loginHint: string): Problem {
	if (/sso/i.test(message)) {
		return {
			title: 'Your AWS SSO session has expired or was never started.',
			why: message,
			next: `Run \`${loginHint}\`, then run billing-setup again.`,
		};
	}
	if (!profile) {
		return {
			title: 'No AWS credentials were found.',
			why: 'billing-setup uses the same credentials as the AWS CLI: environment variables, ~/.aws profiles, SSO or CloudShell.',
			next: 'Run `aws configure` (or `aws sso login`), or pass --profile NAME, then run billing-setup again.',
		};
	}
	const source = profileSource(profile);
	if (source.kind === 'missing') {
		return {
			title: `There is no AWS profile named “${profile}”.`,
			why: `Neither ~/.aws/config nor ~/.aws/credentials has a section for it (the name comes from --profile or AWS_PROFILE).`,
			next: 'List the profiles with `aws configure list-profiles`, then pass one with --profile NAME (or fix AWS_PROFILE).',
		};
	}
	if (source.kind === 'process') {
		return {
			title: `The credential_process of the AWS profile “${profile}” failed.`,
			why: `The profile gets its credentials by running \`${source.command}\`, which failed or printed no valid credentials.`,
			next: 'Run that command yourself to see its error (often the tool it calls needs a new login), then run billing-setup again.',
		};
	}
	return {
		title: `The AWS profile “${profile}” gave no usable credentials.`,
		why: `${sentence(message)} The profile has no keys, SSO or role settings that work.`,
		next: `Check it with \`aws configure list --profile ${shellQuote(profile)}\` (or run \`aws configure --profile ${shellQuote(profile)}\`), then run billing-setup again.`,
	};
}

/** The sentence naming endpoint overrides, since a wrong one explains most answers that are not from AWS. */
function overridesHint(): string {
	const overrides = endpointOverrides();
	return overrides.length > 0 ? ` This run sends requests where ${overrides.join(', ')} says: check that it is right.` : '';
}

export function describeAwsError(error: unknown, {identity, profile}: ProblemContext): Problem {
	if (error instanceof ProblemError) return error.problem;
	const shape = (error ?? {}) as AwsErrorShape;
	const name = shape.name ?? '';
	const message = shape.message ?? String(error);
	const action = shape.action ?? 'the AWS call';
	const endpoint = shape.endpoint ?? 'AWS';
	const profileName = profile ?? process.env.AWS_PROFILE;
	const loginHint = profileName ? `aws sso login --profile ${shellQuote(profileName)}` : 'aws sso login';
	const code = shape.code ?? (shape.cause as AwsErrorShape | undefined)?.code;
	const status = shape.$metadata?.httpStatusCode;

	if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
		return credentialsProblem(message, profileName, loginHint);
	}
	if (/sso.*(expired|refresh)|token.*(expired|refresh).*sso/i.test(message)) {
		return {title: 'Your AWS SSO session has expired.', why: message, next: `Run \`${loginHint}\`, then run billing-setup again.`};
	}
	if (isAwsError(error, 'ExpiredToken') || name === 'RequestExpired') {
		return {
			title: 'Your AWS credentials have expired.',
			why: message,
			next: `Get fresh credentials (\`${loginHint}\`, or renew your session token), then run billing-setup again.`,
		};
	}
	if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch' || name === 'UnrecognizedClientException') {
		return {
			title: 'AWS did not accept these credentials.',
			why: `${sentence(message)} The access key is unknown, deleted or mistyped.`,
			next: 'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile in ~/.aws/credentials, then run billing-setup again.',
		};
	}
	if (isAwsError(error, 'AccessDenied') || status === 403) return accessDenied(message, action, identity);
	if (code && untrustedCertificateCodes.has(code)) {
		const caBundle = process.env.AWS_CA_BUNDLE ? ' AWS_CA_BUNDLE is set, but only the AWS CLI reads it; Node.js does not.' : '';
		return {
			title: `The certificate presented for ${endpoint} is not trusted.`,
			why: `${sentence(message)} A proxy or security software on this network is probably inspecting HTTPS and presenting its own certificate.${caBundle}`,
			next: "Set NODE_EXTRA_CA_CERTS to your organization's root certificate (the PEM file you would give the AWS CLI as AWS_CA_BUNDLE), then run billing-setup again.",
		};
	}
	// The SDK's own timeouts (http.ts). It also names a reset connection TimeoutError, which is "could not be reached".
	if (name === 'TimeoutError' && (message.startsWith('@smithy/node-http-handler') || message.startsWith(bodyTimeoutMessage))) {
		const attempts = shape.$metadata?.attempts;
		return {
			title: `AWS did not answer at ${endpoint} within ${awsTimeoutSeconds} s.`,
			why: `${action} got no answer${attempts ? ` in ${attempts} attempts` : ''}.${overridesHint()}`,
			next: 'Check your network connection and proxy (HTTPS_PROXY), then run billing-setup again.',
		};
	}
	if ((code && networkCodes.has(code)) || /socket hang up|ECONN|ENOTFOUND/i.test(message)) {
		return {
			title: 'AWS could not be reached.',
			why: `${action} failed: ${message}${overridesHint()}`,
			next: 'Check your network connection or proxy (HTTPS_PROXY), then run billing-setup again.',
		};
	}
	// AWS always names its answers with a request ID; a web page (captive portal, wrong URL) does not.
	if (status !== undefined && !shape.$metadata?.requestId && (status === 404 || message === 'Unknown' || name === 'Unknown')) {
		return notAwsProblem(`${endpoint} answered ${action} with HTTP ${status} and no AWS error.`);
	}
	// The SDK could not read the answer as AWS's (an HTML page where JSON or XML belongs): not AWS answering.
	if (/Deserialization error|is not valid JSON|XML parse error/i.test(message)) {
		return notAwsProblem(`${endpoint} answered ${action}${status ? ` (HTTP ${status})` : ''} with a body that is not AWS's (a web page, or text).`);
	}
	return {
		title: `AWS answered ${action} with an error.`,
		why: name && name !== 'Error' ? `${name}: ${message}` : message,
		next: 'Run billing-setup again to retry. If it persists, check the AWS Health Dashboard.',
	};
}

/** An answer that did not come from AWS: a captive portal, a proxy's page or a wrong endpoint URL. */
export function notAwsProblem(why: string): Problem {
	return {
		title: 'The endpoint that answered is not AWS.',
		why: `${why}${overridesHint()}`,
		next: 'Sign in to the network if it has a login page, check your proxy (HTTPS_PROXY) and any AWS_ENDPOINT_URL* variables, then run billing-setup again.',
	};
}
