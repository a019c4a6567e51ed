/**
 * A stand-in for the credential endpoints of a container (ECS, CloudShell) and of an EC2 instance, on a loopback
 * port: the AWS SDK and the AWS CLI reach it through AWS_CONTAINER_CREDENTIALS_FULL_URI and
 * AWS_EC2_METADATA_SERVICE_ENDPOINT, as they would the real ones.
 */
import {createServer, type Server} from 'node:http';

export interface MetadataServer {
	/** For AWS_CONTAINER_CREDENTIALS_FULL_URI. */
	containerUri: string;
	/** For AWS_EC2_METADATA_SERVICE_ENDPOINT. */
	imdsEndpoint: string;
	stop(): Promise<void>;
}

const instanceRole = 'BillingSetupTestInstance';

export async function startMetadataServer(keys: {accessKeyId: string; secretAccessKey: string}): Promise<MetadataServer> {
	const credentials = () => ({
		AccessKeyId: keys.accessKeyId,
		SecretAccessKey: keys.secretAccessKey,
		Token: 'metadata-session-token',
		Expiration: new Date(Date.now() + 3_600_000).toISOString(),
	});
	const server: Server = createServer((request, response) => {
		const send = (body: string, type = 'text/plain') => {
			response.writeHead(200, {'content-type': type});
			response.end(body);
		};
		const url = request.url ?? '';
		// IMDSv2: a session token first, then the role name, then its credentials.
		if (request.method === 'PUT' && url === '/latest/api/token') return send('imds-token');
		if (url === '/latest/meta-data/iam/security-credentials/') return send(instanceRole);
		if (url === `/latest/meta-data/iam/security-credentials/${instanceRole}`) {
			return send(JSON.stringify({Code: 'Success', Type: 'AWS-HMAC', LastUpdated: new Date().toISOString(), ...credentials()}), 'application/json');
		}
		if (url === '/container-credentials') return send(JSON.stringify(credentials()), 'application/json');
		response.writeHead(404);
		response.end();
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	return {
		containerUri: `http://127.0.0.1:${port}/container-credentials`,
		imdsEndpoint: `http://127.0.0.1:${port}/`,
		stop: () => new Promise(resolve => server.close(() => resolve())),
	};
}
