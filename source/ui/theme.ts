/** Semantic colours, so screens say what a colour means rather than which it is. */
export const theme = {
	accent: 'cyan',
	success: 'green',
	warning: 'yellow',
	error: 'red',
	muted: 'gray',
} as const;
