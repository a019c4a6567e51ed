/** SDK clients on the default credential chain (env, profiles, SSO, container credentials as in CloudShell). */
import {IAMClient} from '@aws-sdk/client-iam';
import {STSClient} from '@aws-sdk/client-sts';

export interface ClientOptions {
	profile?: string;
	region?: string;
}

export interface Clients {
	sts: STSClient;
	iam: IAMClient;
}

/** Marks every SDK error with the IAM action that failed, so AccessDenied can name it. */
function nameFailedActions(client: STSClient | IAMClient, service: 'sts' | 'iam'): void {
	// Both clients share one middleware stack type; TypeScript cannot see that through the union.
	(client.middlewareStack as STSClient['middlewareStack']).add(
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

export async function createClients({profile, region}: ClientOptions): Promise<Clients> {
	const base = profile ? {profile} : {};
	// IAM is global, but signing needs a region; fall back only when none is configured anywhere.
	const probe = new STSClient(base);
	const resolvedRegion = region ?? (await probe.config.region().catch(() => 'us-east-1'));
	probe.destroy();
	const config = {...base, region: resolvedRegion};
	const sts = new STSClient(config);
	const iam = new IAMClient(config);
	nameFailedActions(sts, 'sts');
	nameFailedActions(iam, 'iam');
	return {sts, iam};
}
