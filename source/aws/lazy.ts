/** AwsOperations that load the SDK on first use, so the wizard's first frame never waits for it. */
import type {AwsOperations} from '../engine/session.js';
import type {LoadedOperations, OperationOptions} from './operations.js';
import {describeAwsError} from './problems.js';

export function lazyOperations(options: OperationOptions): AwsOperations {
	let loading: Promise<LoadedOperations> | undefined;
	const load = () => (loading ??= import('./operations.js').then(module => module.createOperations(options)));
	return {
		whoAmI: async () => (await load()).whoAmI(),
		checkPolicy: async policyArn => (await load()).checkPolicy(policyArn),
		listPrincipals: async () => (await load()).listPrincipals(),
		inspect: async (plan, record, principals) => (await load()).inspect(plan, record, principals),
		converge: async (plan, record, converge) => (await load()).converge(plan, record, converge),
		verify: async (plan, record, verify) => (await load()).verify(plan, record, verify),
		remove: async (plans, record, write) => (await load()).remove(plans, record, write),
		mfaDevice: async identity => (await load()).mfaDevice(identity),
		describeError: (error, identity) => describeAwsError(error, {identity, profile: options.profile}),
	};
}
