/** The period the cost check reads: this calendar month (UTC), which Cost Explorer answers as an estimate so far. */
const day = (date: Date) => date.toISOString().slice(0, 10);

export function thisMonth(now: Date): {start: string; end: string} {
	const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
	const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
	return {start: day(start), end: day(end)};
}
