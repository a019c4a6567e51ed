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
		converge: async (plan, converge) => (await load()).converge(plan, converge),
		verify: async (plan, verify) => (await load()).verify(plan, verify),
		describeError: (error, identity) => describeAwsError(error, {identity, profile: options.profile}),
	};
}
