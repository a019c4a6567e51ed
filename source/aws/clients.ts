/** The STS and IAM clients a setup or undo needs, on the same profile and region. */
import {IAMClient} from '@aws-sdk/client-iam';
import type {STSClient} from '@aws-sdk/client-sts';
import {requestHandler} from './http.js';
import {createStsClient, nameFailedActions, type ClientOptions} from './sts.js';

export type {ClientOptions};

export interface Clients {
	sts: STSClient;
	iam: IAMClient;
	/** Tries once: for best-effort reads whose failure has a fallback (SimulatePrincipalPolicy), where retries only delay it. */
	iamProbe: IAMClient;
	region: string;
}

/** `credentials`: a session's keys (another account's, from AssumeRole) instead of the profile's. */
export function createIamClient(
	{profile}: ClientOptions,
	region: string,
	extra: {maxAttempts?: number; credentials?: {accessKeyId: string; secretAccessKey: string; sessionToken?: string}} = {},
): IAMClient {
	const iam = new IAMClient({...(profile && !extra.credentials && {profile}), region, requestHandler, ...extra});
	nameFailedActions(iam, 'iam');
	return iam;
}

export function destroyClients({sts, iam, iamProbe}: Clients): void {
	sts.destroy();
	iam.destroy();
	iamProbe.destroy();
}

/** `given`: an STS client already made for these options (the wizard's first call), so it is not made twice. */
export async function createClients(options: ClientOptions, given?: {sts: STSClient; region: string}): Promise<Clients> {
	const {sts, region} = given ?? (await createStsClient(options));
	return {sts, iam: createIamClient(options, region), iamProbe: createIamClient(options, region, {maxAttempts: 1}), region};
}
