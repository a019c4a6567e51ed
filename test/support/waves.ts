/**
 * Rounds of calls, for in-memory ports and stub clients: a call answers on the next turn of the event loop, so calls
 * sent in the same turn share a wave and a call that waited for another's answer starts a new one. The number of
 * waves is the number of round trips a far-away endpoint would make a reader wait, whatever the clock says.
 */
export interface Waves {
	/** Each wave's calls, in the order they were sent. */
	readonly waves: string[][];
	/** The most calls one wave held. */
	readonly maxInFlight: number;
	/** Joins this turn's wave; resolves when the wave is answered. */
	join(call: string): Promise<void>;
}

export function waves(): Waves {
	const all: string[][] = [];
	let current: {calls: string[]; answered: Promise<void>} | undefined;
	let maxInFlight = 0;
	return {
		waves: all,
		get maxInFlight() {
			return maxInFlight;
		},
		join(call) {
			if (!current) {
				const calls: string[] = [];
				const answered = new Promise<void>(resolve =>
					setImmediate(() => {
						current = undefined;
						resolve();
					}),
				);
				current = {calls, answered};
				all.push(calls);
			}
			current.calls.push(call);
			maxInFlight = Math.max(maxInFlight, current.calls.length);
			return current.answered;
		},
	};
}
