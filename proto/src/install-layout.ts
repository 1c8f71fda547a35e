/**
 * Where vtsim's files are: in the repository (each workspace package's own src/ or dist/) or in the
 * installed `vtsim` package (`npm run package`: one bundle in `<package>/dist/`, the `.proto`
 * files in `<package>/proto/`, the local example in `<package>/scripts/`). The bundler defines
 * `VTSIM_BUNDLED` as true; in the repository it is undefined.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const VTSIM_BUNDLED: boolean | undefined;

/** True when running from the installed package's bundle, false in the repository. */
export const isInstalledPackage: boolean = typeof VTSIM_BUNDLED !== 'undefined' && VTSIM_BUNDLED;

/** The folder holding vtsim's `.proto` files: `<repo>/proto` (this file is in proto/src or proto/dist) or `<package>/proto`. */
export const PROTO_DIR: string = fileURLToPath(new URL(isInstalledPackage ? '../proto/' : '../', import.meta.url));

/** The repository's root, or the installed package's: the folder holding `proto/` and `scripts/`. */
export const VTSIM_ROOT: string = dirname(PROTO_DIR.replace(/[/\\]$/, ''));
