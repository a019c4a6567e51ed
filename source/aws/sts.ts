/** STS alone: who the caller is. Kept apart from IAM so `status` and `reset` load only this client. */
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import type {MiddlewareStack} from '@smithy/types';
import {credentialSourceOf, type SignIn} from '../core/handoff.js';
import {classifyCaller, type Identity} from '../core/principal.js';
import {ProblemError} from '../core/problem.js';
import {accountIdProblem, callerArnPattern} from '../core/validation.js';
import {requestHandler} from './http.js';
import {describeAwsError, notAwsProblem} from './problems.js';

export interface ClientOptions {
	profile?: string;
	region?: string;
}

/** Marks every SDK error with the action (`service:Operation`) that failed and where it was sent, so problems can name both. */
// Any client's stack: the middleware reads only what every request and error carries.
export function nameFailedActions(client: {middlewareStack: MiddlewareStack<any, any>}, service: string): void {
	client.middlewareStack.add(
		next => async args => {
			try {
				return await next(args);
			} catch (error) {
				const {request} = args as {request?: {protocol?: string; hostname?: string; port?: number}};
				if (error instanceof Error && request?.hostname) {
					Object.assign(error, {endpoint: `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`});
				}
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
