/** One shape for every expected failure: what happened, why, and what to do next. */
export interface Problem {
	title: string;
	why: string;
	next: string;
}

export const exitCodes = {done: 0, failed: 1, usage: 2, interrupted: 130} as const;

/** An expected failure that already knows how to explain itself. */
export class ProblemError extends Error {
	constructor(readonly problem: Problem) {
		super(problem.title);
	}
}
