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
