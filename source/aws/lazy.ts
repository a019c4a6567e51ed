/** AwsOperations that load the SDK on first use, so the wizard's first frame never waits for it. */
import type {AwsOperations} from '../engine/ports.js';
import type {LoadedOperations, OperationOptions} from './operations.js';
import {describeAwsError} from './problems.js';

export function lazyOperations(options: OperationOptions): AwsOperations {
	// The first question, who you are, needs STS alone: the IAM client (the larger half of the SDK) loads after it.
	let stsClient: ReturnType<typeof createSts> | undefined;
	const createSts = () => import('./sts.js').then(async module => ({module, ...(await module.createStsClient(options))}));
	const sts = () => (stsClient ??= createSts());
	let loading: Promise<LoadedOperations> | undefined;
	const load = () =>
		(loading ??= Promise.all([import('./operations.js'), sts()]).then(([module, {sts: client, region}]) => module.createOperations(options, {sts: client, region})));
	return {
		async whoAmI() {
			const {module, sts: client} = await sts();
			const identity = await module.whoAmI(client);
			// Loaded while the user reads the first screen, so the next AWS step does not wait for it.
			void load().catch(() => {});
			return identity;
		},
		inspectAccount: async identity => (await load()).inspectAccount(identity),
		checkPolicy: async policyArn => (await load()).checkPolicy(policyArn),
		checkBillingAccess: async identity => (await load()).checkBillingAccess(identity),
		listPrincipals: async () => (await load()).listPrincipals(),
		mfaDevice: async identity => (await load()).mfaDevice(identity),
		role: {
			inspect: async (plan, record, principals) => (await load()).role.inspect(plan, record, principals),
			converge: async (plan, record, converge) => (await load()).role.converge(plan, record, converge),
			verify: async (plan, record, verify) => (await load()).role.verify(plan, record, verify),
			checkRemoval: async (made, record, options) => (await load()).role.checkRemoval(made, record, options),
		},
		permissionSet: {
			people: async () => (await load()).permissionSet.people(),
			inspect: async (plan, record, principals) => (await load()).permissionSet.inspect(plan, record, principals),
			converge: async (plan, record, converge) => (await load()).permissionSet.converge(plan, record, converge),
			verify: async (plan, record, verify) => (await load()).permissionSet.verify(plan, record, verify),
			checkRemoval: async (made, record, options) => (await load()).permissionSet.checkRemoval(made, record, options),
		},
		describeError: (error, identity) => describeAwsError(error, {identity, profile: options.profile}),
	};
}
