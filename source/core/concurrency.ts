/** A bounded number of tasks at once: reads across many accounts without flooding AWS or tripping its throttling. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	// Each runner takes the next item as it finishes one, so a slow account holds up only its own runner.
	const runner = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]!);
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, runner));
	return results;
}

/**
 * How many requests one AWS client has in flight at most. IAM and Identity Center throttle per account; six stays
 * well under their rates and still sends the widest set of independent reads (a role with its lists, both inline
 * documents and its instance profiles) at once.
 */
export const requestsAtOnce = 6;

/** A gate that lets at most `limit` tasks run at once; the rest wait their turn, in the order they came. */
export function inFlightLimit(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
	let running = 0;
	const waiting: Array<() => void> = [];
	return async task => {
		if (running < limit) running++;
		// A finishing task hands its place straight to the next in line, so none can slip in between.
		else await new Promise<void>(resolve => waiting.push(resolve));
		try {
			return await task();
		} finally {
			const next = waiting.shift();
			if (next) next();
			else running--;
		}
	};
}

/**
 * Waits for every one of them, then throws the first failure in list order: writes sent together each record
 * themselves when they succeed, so nothing that succeeded is lost to a sibling's failure.
 */
export async function allSettledOrThrow<T>(tasks: Array<Promise<T>>): Promise<T[]> {
	const outcomes = await Promise.allSettled(tasks);
	const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
	if (failure) throw failure.reason;
	return outcomes.map(outcome => (outcome as PromiseFulfilledResult<T>).value);
}
