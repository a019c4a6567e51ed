// Bundles the CLI into dist/ so the published package has no runtime dependencies.
// Code splitting keeps Ink and the AWS SDK out of the entry chunk: --help and --version never load them.
import {build} from 'esbuild';
import {renameSync, rmSync} from 'node:fs';

// Built aside and swapped in with renames: a CLI running from dist/ during a rebuild of the same source
// still finds every chunk (same names), instead of a directory emptied mid-run.
const staging = `dist.building-${process.pid}`;
const previous = `dist.previous-${process.pid}`;
await build({
	entryPoints: {cli: 'source/cli.ts'},
	outdir: staging,
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node22',
	minify: true,
	legalComments: 'none',
	chunkNames: 'chunks/[name]-[hash]',
	define: {'process.env.NODE_ENV': '"production"'},
	// Ink imports react-devtools-core only when DEV is set; a stub keeps the bundle from needing it.
	alias: {'react-devtools-core': './source/devtools-stub.ts'},
	// Some bundled CommonJS dependencies call require() for Node built-ins.
	banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
	logLevel: 'warning',
});
try {
	renameSync('dist', previous);
} catch (error) {
	if (error.code !== 'ENOENT') throw error;
}
renameSync(staging, 'dist');
rmSync(previous, {recursive: true, force: true});
