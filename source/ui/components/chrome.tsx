import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import type {Problem} from '../../core/problem.js';
import {printable} from '../../core/text.js';
import {theme} from '../theme.js';

/** "Step k of n · Section · account" above the current question. */
export function Header({section, index, total, account}: {section: string; index: number; total: number; account?: string}) {
	return (
		<Box marginTop={1}>
			{/* One Text, so a narrow terminal wraps it as a line rather than splitting it into columns. */}
			<Text>
				<Text bold color={theme.accent}>
					Step {index} of {total} · {section}
				</Text>
				{account && <Text color={theme.muted}> · account {account}</Text>}
			</Text>
		</Box>
	);
}

/** Text children as the terminal may show them: answers and notices quote names and messages from outside. */
function shown(children: ReactNode): ReactNode {
	return typeof children === 'string' ? printable(children) : children;
}

/** An answered step, collapsed to one line so the screen keeps a trail of what was decided. */
export function Answered({children}: {children: ReactNode}) {
	return (
		<Text>
			<Text color={theme.success}>✔ </Text>
			{shown(children)}
		</Text>
	);
}

export function KeyHint({children}: {children: ReactNode}) {
	return <Text color={theme.muted}>{children}</Text>;
}

export function Warning({children}: {children: ReactNode}) {
	return (
		<Text>
			<Text color={theme.warning}>! </Text>
			{shown(children)}
		</Text>
	);
}

/** Every failure has the same shape: what happened, why, what to do next. Its texts quote outside sources, so are shown printable. */
export function ProblemBox({problem}: {problem: Problem}) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={theme.error} paddingX={1}>
			<Text bold color={theme.error}>
				✖ {printable(problem.title)}
			</Text>
			<Text>{printable(problem.why)}</Text>
			<Text>
				<Text bold>Next: </Text>
				{printable(problem.next)}
			</Text>
		</Box>
	);
}

/** A question: its prompt, optional detail lines, the input and the keys that work. */
export function Question({prompt, children, hint}: {prompt: string; children: ReactNode; hint: string}) {
	return (
		<Box flexDirection="column">
			<Text bold>{prompt}</Text>
			{children}
			<KeyHint>{hint}</KeyHint>
		</Box>
	);
}

/** For the first question of a run, where there is nothing to go back to. */
export const firstSelectHint = '↑/↓ to move, Enter to choose, Ctrl+C to stop (progress is saved)';
export const selectHint = '↑/↓ to move, Enter to choose, Esc to go back, Ctrl+C to stop (progress is saved)';
export const confirmHint = 'y/n, Enter for the default, Esc to go back, Ctrl+C to stop (progress is saved)';
export const typeHint = 'Type, then Enter; Esc to go back, Ctrl+C to stop (progress is saved)';
