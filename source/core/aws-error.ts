/**
 * What an AWS error says, as the engine and the reconcilers ask it: pure, so they need nothing of the SDK's
 * clients (aws/). The words for people are in aws/problems.ts.
 */

/** Whether an SDK error has this AWS error code; the query protocol names it either way, with or without "Exception". */
export function isAwsError(error: unknown, code: string): boolean {
	const name = (error as {name?: unknown})?.name;
	return name === code || name === `${code}Exception`;
}

/** AWS messages often lack a final full stop; text composed after them needs one. */
export function sentence(text: string): string {
	return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}
