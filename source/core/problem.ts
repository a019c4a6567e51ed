/** One shape for every expected failure: what happened, why, and what to do next. */
export interface Problem {
	title: string;
	why: string;
	next: string;
}

// 128 + the signal's number, as shells report a process that a signal ended.
export const exitCodes = {done: 0, failed: 1, usage: 2, interrupted: 130, terminated: 143} as const;

/** An expected failure that already knows how to explain itself. */
export class ProblemError extends Error {
	constructor(readonly problem: Problem) {
		super(problem.title);
	}
}
