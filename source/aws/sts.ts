/** STS alone: who the caller is. Kept apart from IAM so `status` and `reset` load only this client. */
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import {credentialSourceOf, type SignIn} from '../core/handoff.js';
import {classifyCaller, type Identity} from '../core/principal.js';
import {ProblemError} from '../core/problem.js';
import {describeAwsError} from './problems.js';

export interface ClientOptions {
	profile?: string;
	region?: string;
}

/** Marks every SDK error with the IAM action that failed, so AccessDenied can name it. */
export function nameFailedActions(client: {middlewareStack: STSClient['middlewareStack']}, service: 'sts' | 'iam'): void {
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
	const sts = new STSClient({...base, region: resolvedRegion});
	nameFailedActions(sts, 'sts');
	return {sts, region: resolvedRegion};
}

export async function whoAmI(sts: STSClient): Promise<Identity> {
	const answer = await sts.send(new GetCallerIdentityCommand({}));
	return {...classifyCaller(answer.Arn ?? '', answer.Account ?? ''), signIn: await signInOf(sts)};
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
