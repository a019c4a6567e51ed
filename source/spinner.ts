/** A one-line wait on stderr for the commands that are not the wizard (the wizard draws its own with Ink). */

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows `label` with a spinner while `work` runs, then clears the line. Only on a terminal: piped
 * stderr gets nothing, so scripts' logs stay clean.
 */
export async function withSpinner<T>(label: string, work: Promise<T>, stream: NodeJS.WriteStream = process.stderr): Promise<T> {
	if (!stream.isTTY) return work;
	// A screen reader would announce every frame: say it once.
	if (process.env.INK_SCREEN_READER === 'true') {
		stream.write(`${label}\n`);
		return work;
	}
	let frame = 0;
	const draw = () => stream.write(`\r\u001B[2K${frames[frame++ % frames.length]} ${label}`);
	draw();
	const timer = setInterval(draw, 80);
	try {
		return await work;
	} finally {
		clearInterval(timer);
		stream.write('\r\u001B[2K');
	}
}

const relative = new Intl.RelativeTimeFormat('en', {numeric: 'auto'});
const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
	['day', 86_400_000],
	['hour', 3_600_000],
	['minute', 60_000],
];

/** "2 hours ago", "yesterday", "just now": how people say when something happened. */
export function timeAgo(iso: string, now = Date.now()): string {
	const elapsed = new Date(iso).getTime() - now;
	if (Number.isNaN(elapsed)) return 'at an unknown time';
	for (const [unit, size] of units) {
		if (Math.abs(elapsed) >= size) return relative.format(Math.round(elapsed / size), unit);
	}
	return 'just now';
}
