/** AwsOperations that load the SDK on first use, so the wizard's first frame never waits for it. */
import type {AwsOperations} from '../engine/session.js';
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
		inspect: async (plan, record, principals) => (await load()).inspect(plan, record, principals),
		converge: async (plan, record, converge) => (await load()).converge(plan, record, converge),
		verify: async (plan, record, verify) => (await load()).verify(plan, record, verify),
		remove: async (plans, record, write) => (await load()).remove(plans, record, write),
		mfaDevice: async identity => (await load()).mfaDevice(identity),
		identityCenter: {
			people: async () => (await load()).identityCenter.people(),
			inspect: async (plan, record) => (await load()).identityCenter.inspect(plan, record),
			converge: async (plan, record, converge) => (await load()).identityCenter.converge(plan, record, converge),
			verify: async (plan, record) => (await load()).identityCenter.verify(plan, record),
			remove: async (permissionSets, record, write) => (await load()).identityCenter.remove(permissionSets, record, write),
		},
		describeError: (error, identity) => describeAwsError(error, {identity, profile: options.profile}),
	};
}
