// Bundles the CLI into dist/ so the published package has no runtime dependencies.
// Code splitting keeps Ink and the AWS SDK out of the entry chunk: --help and --version never load them.
import {build} from 'esbuild';
import {rmSync} from 'node:fs';

rmSync(new URL('../dist', import.meta.url), {recursive: true, force: true});
await build({
	entryPoints: {cli: 'source/cli.ts'},
	outdir: 'dist',
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
