/** How long billing-setup waits for AWS, and the endpoint overrides worth naming when it does not answer. */

export const awsTimeoutSeconds = 5;

/**
 * Client `requestHandler` options: without them the SDK waits forever on an endpoint that accepts a connection
 * and never answers. Each of the SDK's attempts (3 by default) gets this budget.
 */
export const requestHandler = {
	connectionTimeout: awsTimeoutSeconds * 1000,
	requestTimeout: awsTimeoutSeconds * 1000,
	// Without it a request timeout is only a logged warning.
	throwOnRequestTimeout: true,
};

/** `AWS_ENDPOINT_URL*` variables that are set, as `NAME=value`: they send requests somewhere other than AWS. */
export function endpointOverrides(env: NodeJS.ProcessEnv = process.env): string[] {
	return Object.entries(env)
		.filter(([name, value]) => name.startsWith('AWS_ENDPOINT_URL') && value)
		.map(([name, value]) => `${name}=${value}`);
}
