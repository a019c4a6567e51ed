import {Static, useStdout} from 'ink';
import {useRef} from 'react';
import {Answered, Warning} from './chrome.js';

export interface TranscriptLine {
	text: string;
	warning?: boolean;
}

// Clears the screen and its scrollback, then homes the cursor: the one way to take back what <Static> printed.
const clearTerminal = '\u001B[2J\u001B[3J\u001B[H';

/**
 * The answered steps above the current question, printed once each into the terminal's scrollback (<Static>).
 * The lines are derived from the state, so Esc or an edit can change a line already printed: then the screen is
 * cleared and the transcript printed anew (gemini-cli refreshes its <Static> history the same way), so the
 * scrollback never keeps an answer that no longer stands.
 */
export function Transcript({lines}: {lines: TranscriptLine[]}) {
	const {write} = useStdout();
	const printed = useRef<TranscriptLine[]>([]);
	const generation = useRef(0);
	const extends_ = printed.current.every((line, index) => lines[index]?.text === line.text && lines[index]?.warning === line.warning);
	if (!extends_) {
		write(clearTerminal);
		generation.current += 1;
	}
	printed.current = lines;
	return (
		<Static key={generation.current} items={lines}>
			{(line, index) => (line.warning ? <Warning key={index}>{line.text}</Warning> : <Answered key={index}>{line.text}</Answered>)}
		</Static>
	);
}
