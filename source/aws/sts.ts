/** STS alone: who the caller is. Kept apart from IAM so `status` and `reset` load only this client. */
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import type {MiddlewareStack} from '@smithy/types';
import {credentialSourceOf} from '../core/handoff.js';
import {classifyCaller, type Identity, type SignIn} from '../core/principal.js';
import {ProblemError} from '../core/problem.js';
import {accountIdProblem, callerArnPattern} from '../core/validation.js';
import {awsTimeoutSeconds, readWholeBody, requestHandler} from './http.js';
import {describeAwsError, notAwsProblem} from './problems.js';

export interface ClientOptions {
	profile?: string;
	region?: string;
}

/** The endpoint a request went to, as people type it: `https://iam.amazonaws.com`. */
function endpointOf(request: {protocol?: string; hostname?: string; port?: number}): string {
	return `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`;
}

/**
 * Why a successful answer is not AWS's, or undefined when it has AWS's shape for its protocol. The query protocol
 * (IAM, STS) answers `<ActionResponse …>`; the JSON ones (Identity Center, Organizations) a JSON object. The SDK's
 * XML reader takes any markup, a web page too, and returns an empty answer: "no such role", "created".
 */
function notAwsShape(request: {headers?: Record<string, string>; body?: unknown}, body: string): string | undefined {
	if (request.headers?.['x-amz-target']) {
		if (body.trim() === '') return undefined;
		try {
			const parsed: unknown = JSON.parse(body);
			return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? undefined : 'JSON that is not an object';
		} catch {
			return 'a body that is not JSON';
		}
	}
	const action = typeof request.body === 'string' ? new URLSearchParams(request.body).get('Action') : undefined;
	if (!action) return undefined;
	return new RegExp(`^\\s*(<\\?xml[^>]*\\?>\\s*)?<${action}Response[\\s>]`).test(body) ? undefined : `a body that is not ${action}'s XML answer`;
}

/**
 * On every client, one place: marks every SDK error with the action (`service:Operation`) that failed and where it
 * was sent, so problems can name both; reads each answer whole within the deadline (http.ts) and refuses, as the
 * endpoint that answered not being AWS, a successful answer without AWS's shape.
 */
// Any client's stack: the middleware reads only what every request and error carries.
export function nameFailedActions(client: {middlewareStack: MiddlewareStack<any, any>}, service: string): void {
	client.middlewareStack.addRelativeTo(
		(next: any, context: any) => async (args: any) => {
			const deadline = Date.now() + awsTimeoutSeconds * 1000;
			const result = await next(args);
			const response = result.response as {statusCode?: number; body?: unknown};
			const bytes = await readWholeBody(response.body, deadline);
			// Given back whole: the SDK's reader takes bytes as well as a stream.
			response.body = bytes;
			const status = response.statusCode ?? 0;
			const wrong = status >= 200 && status < 300 ? notAwsShape(args.request ?? {}, new TextDecoder().decode(bytes)) : undefined;
			if (wrong) {
				const action = `${service}:${context.commandName?.replace(/Command$/, '')}`;
				throw new ProblemError(notAwsProblem(`${endpointOf(args.request ?? {})} answered ${action} with HTTP ${status} and ${wrong} (a web page, or text).`));
			}
			return result;
		},
		// Inside the deserializer: its `next` gives the answer as it came, before the SDK reads it.
		{relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'billingSetupAwsAnswer'},
	);
	client.middlewareStack.add(
		next => async args => {
			try {
				return await next(args);
			} catch (error) {
				const {request} = args as {request?: {protocol?: string; hostname?: string; port?: number}};
				if (error instanceof Error && request?.hostname) Object.assign(error, {endpoint: endpointOf(request)});
				throw error;
			}
		},
		// The request exists from the build step on; errors of every attempt pass through here.
		{step: 'build', name: 'billingSetupEndpointName'},
	);
	client.middlewareStack.add(
		(next, context) => async args => {
			try {
				return await next(args);
			} catch (error) {
				if (error instanceof Error) {
					Object.assign(error, {action: `${service}:${context.commandName?.replace(/Command$/, '')}`});
				}
				throw error;
			}
		},
		{step: 'initialize', name: 'billingSetupActionName'},
	);
}

/** An STS client on the default credential chain (env, profiles, SSO, container credentials as in CloudShell). */
export async function createStsClient({profile, region}: ClientOptions): Promise<{sts: STSClient; region: string}> {
	const base = profile ? {profile} : {};
	// IAM is global, but signing needs a region; fall back only when none is configured anywhere.
	const probe = new STSClient(base);
	const resolvedRegion = region ?? (await probe.config.region().catch(() => 'us-east-1'));
	probe.destroy();
	const sts = new STSClient({...base, region: resolvedRegion, requestHandler});
	nameFailedActions(sts, 'sts');
	return {sts, region: resolvedRegion};
}

/** Who the caller is; an answer that is not AWS-shaped (a web page answering 200) stops here, before anything is saved. */
export async function whoAmI(sts: STSClient): Promise<Identity> {
	const answer = await sts.send(new GetCallerIdentityCommand({}));
	const arn = answer.Arn ?? '';
	const account = answer.Account ?? '';
	if (accountIdProblem(account) || callerArnPattern.exec(arn)?.[3] !== account) {
		throw new ProblemError(
			notAwsProblem(`GetCallerIdentity answered without a 12-digit account and a caller ARN in it (account “${account}”, ARN “${arn}”).`),
		);
	}
	return {...classifyCaller(arn, account), signIn: await signInOf(sts)};
}

/** The credentials the call above was signed with (the chain memoises them, so this asks nothing again) and the region. */
async function signInOf(sts: STSClient): Promise<SignIn> {
	const credentials = (await sts.config.credentials()) as {$source?: Record<string, unknown>};
	const source = credentialSourceOf(credentials.$source, {
		// The chain's own order: --profile, then AWS_PROFILE, then the files' default profile.
		profile: sts.config.profile ?? process.env.AWS_PROFILE ?? 'default',
		containerCredentials: Boolean(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI || process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI),
	});
	return {source, region: await sts.config.region()};
}

/** Who the caller is, failing as a Problem; without a client given, makes (and closes) its own STS client. */
export async function identifyCaller(options: ClientOptions, given?: STSClient): Promise<Identity> {
	const sts = given ?? (await createStsClient(options)).sts;
	try {
		return await whoAmI(sts);
	} catch (error) {
		throw new ProblemError(describeAwsError(error, {profile: options.profile}));
	} finally {
		if (!given) sts.destroy();
	}
}
